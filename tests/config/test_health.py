import pytest
from django.db import connection
from django.test import override_settings

from config import health

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_healthz_answers_any_host_over_plain_http(client):
    with override_settings(ALLOWED_HOSTS=["example.org"], SECURE_SSL_REDIRECT=True, DEBUG=False):
        response = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")

    assert response.status_code == 200


def test_healthz_is_503_with_the_error_when_the_broker_is_down(client, monkeypatch):
    # A real connection attempt to a port nothing listens on.
    monkeypatch.setattr(health.celery_app.conf, "broker_url", "redis://127.0.0.1:9/0")

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("error:")


def test_healthz_is_503_with_the_error_when_the_database_is_down(client, monkeypatch):
    params = {**connection.settings_dict, "HOST": "/nonexistent-socket-dir", "PORT": ""}
    unreachable = connection.__class__(params, alias="unreachable")
    monkeypatch.setattr(health, "connection", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"].startswith("error:")
    assert response.json()["broker"] == "ok"
