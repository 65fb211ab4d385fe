"""`make serve` end to end: config.serve collects static files, migrates and becomes gunicorn,
here with DEBUG off, production settings and a TLS-terminating proxy in front (BEHIND_PROXY)."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from publications.models import Status
from tests import conftest
from tests.factories import PublicationFactory
from tests.helpers import free_port
from tests.production import BASE_DIR, production_env
from tests.publications.pages import attach_pdf
from tests.servers import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.timeout(180)]

PROXIED = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.10"}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def cookies(self) -> dict[str, str]:
        """Each Set-Cookie line by the cookie's name."""
        lines = self.headers.get_all("Set-Cookie") or []
        return {line.split("=", 1)[0]: line for line in lines}


class ProductionServer:
    """`python -m config.serve` in a process group of its own, its output in a log file."""

    def __init__(self, env: dict[str, str], log_path: Path):
        self.env, self.log_path = env, log_path
        self.port = int(env["PORT"])
        self.static_root = Path(env["STATIC_ROOT"])
        self.media_root = Path(env["MEDIA_ROOT"])
        self.process: subprocess.Popen | None = None

    def start(self) -> ProductionServer:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "config.serve"],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until(self._healthy, timeout=120, interval=0.3, message=self.output())
        except BaseException:
            self.stop()  # no fixture holds it yet, so no finalizer would
            raise
        return self

    def _healthy(self) -> bool:
        assert self.process.poll() is None, self.output()
        try:
            return self.get("/healthz", proxied=False).status == 200
        except OSError:
            return False

    def output(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def request(
        self, method: str, path: str, *, proxied: bool = True, headers=None, body=None
    ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request(
                method, path, body=body, headers={**(PROXIED if proxied else {}), **(headers or {})}
            )
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path: str, **kwargs) -> Reply:
        return self.request("GET", path, **kwargs)

    def admin_login(self, username: str, password: str, *, client_ip: str) -> Reply:
        """The admin login form as a browser behind the proxy submits it."""
        forwarded = {"X-Forwarded-For": client_ip}
        form = self.get("/admin/login/", headers=forwarded)
        csrf_cookie = form.cookies["csrftoken"].split(";", 1)[0]
        token = CSRF_FIELD.search(form.body.decode()).group(1)
        body = f"csrfmiddlewaretoken={token}&username={username}&password={password}"
        return self.request(
            "POST",
            "/admin/login/?next=/admin/",
            body=body,
            headers={
                **forwarded,
                "Cookie": csrf_cookie,
                "Origin": f"https://127.0.0.1:{self.port}",
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)  # gunicorn's quick shutdown
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# Session-wide: pytest-django runs the database tests of a module apart from the others, and one
# start (collectstatic, migrate, gunicorn) is the slow part.
@pytest.fixture(scope="session")
def server(django_db_setup, tmp_path_factory):
    root = tmp_path_factory.mktemp("production")
    env = production_env(
        ALLOWED_HOSTS="127.0.0.1",
        BEHIND_PROXY="1",
        STATIC_ROOT=str(root / "static"),
        MEDIA_ROOT=str(root / "media"),
        WEB_HOST="127.0.0.1",
        PORT=str(free_port()),
        WEB_CONCURRENCY="1",
        WEB_THREADS="4",
        CELERY_BROKER_URL=conftest.test_broker_url(),
        ADMIN_LOGIN_FAILURE_LIMIT="3",  # each login hashes a password: fewer is faster
    )
    if conftest.TEST_REDIS is not None:
        env["REDIS_URL"] = conftest.TEST_REDIS.cache_url
    server = ProductionServer(env, root / "serve.log").start()
    yield server
    server.stop()


@pytest.fixture
def stored_in_server_media(settings, server):
    """Files the test stores land where the server reads them."""
    settings.MEDIA_ROOT = server.media_root


def test_static_files_are_served_compressed_under_hashed_names(server):
    manifest = json.loads((server.static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/site.css"]

    reply = server.get(f"/static/{hashed}", headers={"Accept-Encoding": "gzip"})

    assert re.fullmatch(r"css/site\.[0-9a-f]{12}\.css", hashed)
    assert reply.status == 200
    assert reply.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(reply.body) == (BASE_DIR / "static" / "css" / "site.css").read_bytes()
    assert "immutable" in reply.headers["Cache-Control"]


def test_pages_over_https_carry_hsts_csp_nosniff_and_referrer_policy(server, transactional_db):
    reply = server.get("/")
    hashed = json.loads((server.static_root / "staticfiles.json").read_text())["paths"]

    assert reply.status == 200
    assert reply.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "default-src 'self'" in reply.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert reply.headers["X-Frame-Options"] == "DENY"
    assert f'href="/static/{hashed["css/site.css"]}"' in reply.body.decode()


def test_csrf_and_session_cookies_are_secure(server, transactional_db):
    get_user_model().objects.create_superuser("editor", "editor@example.org", "correct-horse-9")

    form = server.get("/admin/login/")
    login = server.admin_login("editor", "correct-horse-9", client_ip="203.0.113.20")

    assert "; Secure" in form.cookies["csrftoken"]
    assert login.status == 302, login.body[:500]
    assert login.headers["Location"] == "/admin/"
    assert "; Secure" in login.cookies["sessionid"]
    assert "; HttpOnly" in login.cookies["sessionid"]


def test_plain_http_without_the_proxy_header_is_redirected_to_https(server):
    reply = server.get("/publications/?page=2", proxied=False)

    assert reply.status == 301
    assert reply.headers["Location"] == f"https://127.0.0.1:{server.port}/publications/?page=2"


def test_healthz_answers_plain_http_on_any_host(server):
    reply = server.get("/healthz", proxied=False, headers={"Host": "10.20.30.40:8000"})

    assert reply.status == 200
    assert json.loads(reply.body) == {"database": "ok", "broker": "ok"}


def test_a_disallowed_host_is_refused(server):
    assert server.get("/", headers={"Host": "evil.example"}).status == 400


def test_pdfs_are_served_safely_and_drafts_stay_hidden(
    server, transactional_db, stored_in_server_media
):
    public = PublicationFactory(slug="alliance-report")
    data = attach_pdf(public)
    draft = PublicationFactory(slug="unreleased-report", status=Status.DRAFT)
    attach_pdf(draft)

    download = server.get("/publications/alliance-report/download/")
    inline = server.get("/publications/alliance-report/pdf/", headers={"Range": "bytes=0-99"})

    assert download.status == 200
    assert download.body == data
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"] == 'attachment; filename="alliance-report.pdf"'
    assert inline.status == 206
    assert inline.body == data[:100]
    assert inline.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in inline.headers["Content-Security-Policy"]
    assert (server.media_root / draft.first_pdf.file.name).exists()
    for path in [
        "/publications/unreleased-report/pdf/",
        "/publications/unreleased-report/download/",
    ]:
        assert server.get(path).status == 404
    assert server.get(f"/media/{draft.first_pdf.file.name}").status == 404
    assert server.get(f"/media/{public.first_pdf.file.name}").status == 404


def test_admin_logins_are_locked_out_per_forwarded_client_address(server, transactional_db):
    limit = int(server.env["ADMIN_LOGIN_FAILURE_LIMIT"])
    get_user_model().objects.create_superuser("editor", "editor@example.org", "correct-horse-9")
    attacker, colleague = "198.51.100.7", "198.51.100.8"

    failures = [
        server.admin_login("editor", f"guess-{n}", client_ip=attacker).status for n in range(limit)
    ]
    locked = server.admin_login("editor", "correct-horse-9", client_ip=attacker)
    other = server.admin_login("editor", "correct-horse-9", client_ip=colleague)

    assert failures[:-1] == [200] * (limit - 1)
    assert failures[-1] == 429
    assert locked.status == 429
    assert b"Too many failed logins" in locked.body
    assert other.status == 302


def test_the_access_log_records_the_forwarded_client_address(server):
    server.get("/healthz", headers={"X-Forwarded-For": "192.0.2.55"})

    wait_until(lambda: 'forwarded_for="192.0.2.55"' in server.output(), timeout=10)
    line = next(line for line in server.output().splitlines() if "192.0.2.55" in line)
    assert '"GET /healthz HTTP/1.1" 200' in line
