"""GET /healthz for load balancers: is the database reachable, is the broker reachable."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse

from config.celery import app as celery_app


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
        return f"error: {exc}".strip()
    return "ok"


def check_broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
        return f"error: {exc}".strip()
    return "ok"


def health_response() -> JsonResponse:
    report = {"database": check_database(), "broker": check_broker()}
    healthy = all(value == "ok" for value in report.values())
    return JsonResponse(report, status=200 if healthy else 503)


class HealthCheckMiddleware:
    """Serves /healthz before host validation and HTTPS redirects run."""

    path = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.rstrip("/") == self.path and request.method in {"GET", "HEAD"}:
            return health_response()
        return self.get_response(request)
