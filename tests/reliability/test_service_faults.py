"""PostgreSQL and Redis restarted under a running site: the web server (gunicorn, as `make serve`
runs it) serves pages and the Celery worker (with beat) extracts PDFs throughout. Pages fail
only while PostgreSQL is down and every extraction finishes after; the worker takes new work
after Redis comes back without being restarted; /healthz reports each outage.

Both servers are private to this module (a PostgreSQL cluster in a temporary folder, a
redis-server on a socket there): the shared ones under var/ are never touched."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import free_port
from tests.pdfs import make_pdf
from tests.reliability.private_postgres import PostgresCluster
from tests.servers import BASE_DIR, CeleryWorker, RedisServer, wait_until

# django_db only so that pytest-django creates the migrated test database, copied from below.
pytestmark = [pytest.mark.integration, pytest.mark.django_db, pytest.mark.timeout(300)]

PAGES_PER_PDF = 25
PATHS = ["/", "/publications/", "/search/?q=maritime+alliance", "/api/search?q=burden", "/healthz"]


@dataclass(frozen=True)
class Hit:
    path: str
    started: float
    ended: float
    status: int  # 0: no answer at all (connection refused or timed out)


class Site:
    """The web server, worker and beat of one deployment, on the private servers."""

    def __init__(self, postgres: PostgresCluster, redis: RedisServer, media: Path):
        self.postgres, self.redis = postgres, redis
        self.port = free_port()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("PYTEST", "DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))
        }
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=postgres.url,
            REDIS_URL=redis.cache_url,
            CELERY_BROKER_URL=redis.broker_url,
            SECRET_KEY="test-faults-secret-key-not-for-production",
            DEBUG="1",  # plain HTTP and unhashed static files; the fault handling is the same
            CONN_MAX_AGE="60",  # persistent connections, as production keeps them
            ALLOWED_HOSTS="127.0.0.1",
            MEDIA_ROOT=str(media),
            RATELIMIT_ENABLED="0",
            PORT=str(self.port),
            WEB_HOST="127.0.0.1",
            WEB_CONCURRENCY="1",
            WEB_THREADS="4",
            EXTRACTION_TIME_LIMIT_BASE="10",
            EXTRACTION_LEASE_MARGIN="1",
            EXTRACTION_PENDING_GRACE="2",
            EXTRACTION_SWEEP_INTERVAL="1",
        )
        handle, log = tempfile.mkstemp(prefix="test-gunicorn-", suffix=".log")
        self.web_log_path, self.web_log = Path(log), os.fdopen(handle, "wb")
        self.web: subprocess.Popen | None = None
        self.worker = CeleryWorker(self.env, name="faults")
        self.beat = CeleryWorker(self.env, name="faults-beat", beat=True)

    def start(self) -> Site:
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi"],
            cwd=BASE_DIR, env=self.env, stdout=self.web_log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            wait_until(
                lambda: self.get("/healthz")[0] == 200, timeout=60, message=self.web_output()
            )
            self.worker.start()
            self.beat.start()
        except BaseException:
            self.stop()  # the fixture only stops a site that started
            raise
        return self

    def stop(self) -> None:
        """Every process, whichever of them fails to stop politely."""
        try:
            self.worker.stop()
            self.beat.stop()
        finally:
            if self.web and self.web.poll() is None:
                self.web.terminate()
                try:
                    self.web.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(self.web.pid, signal.SIGKILL)
                    self.web.wait()

    def web_output(self) -> str:
        return self.web_log_path.read_text(errors="replace")

    def get(self, path: str) -> tuple[int, str]:
        try:
            url = f"http://127.0.0.1:{self.port}{path}"
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except OSError:
            return 0, ""

    def health(self) -> tuple[int, dict]:
        status, body = self.get("/healthz")
        return status, json.loads(body) if body else {}

    def import_pdfs(self, folder: Path, prefix: str, count: int) -> None:
        """`import_publications` with `count` new PDFs: their extraction is queued on commit."""
        folder.mkdir(parents=True, exist_ok=True)
        rows = []
        for n in range(count):
            pages = [
                f"{prefix} {n}, page {p}: maritime alliance burden sharing."
                for p in range(1, PAGES_PER_PDF + 1)
            ]
            (folder / f"{prefix}-{n}.pdf").write_bytes(make_pdf(pages))
            rows.append(
                {
                    "slug": f"{prefix}-{n}", "title": f"{prefix.title()} {n} on maritime security",
                    "abstract": "Alliance burden sharing.", "published": "2024-06-01",
                    "type": "report", "authors": ["Ana Ruiz"], "topics": ["Defense"],
                    "pdf": f"{prefix}-{n}.pdf",
                }
            )  # fmt: skip
        jsonl = folder / f"{prefix}.jsonl"
        jsonl.write_text("".join(json.dumps(row) + "\n" for row in rows))
        result = subprocess.run(
            [sys.executable, "manage.py", "import_publications", str(jsonl), "--quiet"],
            cwd=BASE_DIR, env=self.env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr

    def extraction_statuses(self, prefix: str) -> dict[str, int]:
        with self.postgres.connect() as conn:
            rows = conn.execute(
                "SELECT e.status, count(*) FROM publications_extraction e"
                " JOIN publications_publication p ON p.id = e.publication_id"
                " WHERE p.slug LIKE %s GROUP BY e.status",
                [f"{prefix}-%"],
            ).fetchall()
        return dict(rows)

    def pages_stored(self, prefix: str) -> int:
        with self.postgres.connect() as conn:
            return conn.execute(
                "SELECT count(*) FROM publications_publicationpage pp"
                " JOIN publications_publication p ON p.id = pp.publication_id"
                " WHERE p.slug LIKE %s",
                [f"{prefix}-%"],
            ).fetchone()[0]


class Traffic:
    """Readers requesting pages in a loop from two threads, every answer recorded."""

    def __init__(self, site: Site):
        self.site = site
        self.hits: list[Hit] = []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,)) for n in range(2)]

    def _run(self, offset: int) -> None:
        n = offset
        while not self.stopping.is_set():
            path = PATHS[n % len(PATHS)]
            started = time.monotonic()
            status, _ = self.site.get(path)
            self.hits.append(Hit(path, started, time.monotonic(), status))
            n += 1
            time.sleep(0.05)

    def __enter__(self) -> Traffic:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)

    def before(self, moment: float) -> list[Hit]:
        """Requests answered before that moment."""
        return [hit for hit in list(self.hits) if hit.ended < moment]

    def during(self, start: float, end: float = float("inf")) -> list[Hit]:
        """Requests in progress at some time from start to end."""
        return [hit for hit in list(self.hits) if hit.ended >= start and hit.started < end]

    def after(self, moment: float) -> list[Hit]:
        """Requests made from that moment on."""
        return [hit for hit in list(self.hits) if hit.started >= moment]


def failures(hits: list[Hit]) -> list[Hit]:
    return [hit for hit in hits if hit.status == 0 or hit.status >= 500]


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker, tmp_path_factory):
    """A private PostgreSQL holding a copy of the migrated test database, a private Redis, and
    the site's processes on them."""
    from django.db import connection

    postgres, redis, site = PostgresCluster(), RedisServer(), None
    try:
        postgres.init()
        with django_db_blocker.unblock():
            postgres.restore_from(connection.settings_dict)
        redis.start()
        site = Site(postgres, redis, tmp_path_factory.mktemp("faults-media")).start()
        yield site
    finally:
        if site is not None:
            site.stop()
        redis.stop()
        postgres.destroy()


def test_a_postgres_restart_fails_pages_only_while_it_is_down(site, tmp_path):
    # Enough files that the worker is still busy when the server goes down, however fast it is.
    # The traffic flows first; the files are queued only then, so the outage finds the worker
    # busy with them however fast it is.
    count = 32
    with Traffic(site) as traffic:
        wait_until(lambda: len(traffic.hits) >= 3, timeout=30)
        site.import_pdfs(tmp_path, "pg", count)
        wait_until(lambda: site.extraction_statuses("pg").get("done", 0) >= 1, timeout=90)
        assert site.extraction_statuses("pg").get("done", 0) < count  # the worker is busy
        down = time.monotonic()
        site.postgres.stop()

        _, report = wait_until(lambda: (answer := site.health())[0] == 503 and answer, timeout=30)
        assert report["database"].startswith("error:")
        assert report["broker"] == "ok"
        wait_until(lambda: failures(traffic.during(down)), timeout=30)
        time.sleep(1)

        site.postgres.start()
        up = time.monotonic()
        wait_until(lambda: site.health() == (200, {"database": "ok", "broker": "ok"}), timeout=30)
        wait_until(
            lambda: site.extraction_statuses("pg") == {"done": count},
            timeout=150,
            message=f"{site.extraction_statuses('pg')}\n{site.worker.output()[-3000:]}",
        )
        wait_until(lambda: len(traffic.after(up)) >= 20, timeout=60)

    assert failures(traffic.before(down)) == []
    assert failures(traffic.after(up)) == [], site.web_output()[-3000:]
    assert failures(traffic.during(down, up))  # the outage was seen, and only then
    assert site.pages_stored("pg") == count * PAGES_PER_PDF
    assert site.worker.process.poll() is None


def test_a_redis_restart_is_reported_and_the_worker_resumes_on_its_own(site, tmp_path):
    worker_pid = site.worker.process.pid
    assert site.health() == (200, {"database": "ok", "broker": "ok"})
    with Traffic(site) as traffic:
        wait_until(lambda: len(traffic.hits) >= 10, timeout=30)
        down = time.monotonic()
        site.redis.stop()

        _, report = wait_until(lambda: (answer := site.health())[0] == 503 and answer, timeout=30)
        assert report["broker"].startswith("error:")
        assert report["database"] == "ok"
        time.sleep(1)

        site.redis.start()  # empty: a broker without persistence lost its queue
        up = time.monotonic()
        wait_until(lambda: site.health() == (200, {"database": "ok", "broker": "ok"}), timeout=30)

        # Work queued after the restart reaches the same worker process, never restarted.
        count = 6
        site.import_pdfs(tmp_path, "redis", count)
        wait_until(
            lambda: site.extraction_statuses("redis") == {"done": count},
            timeout=120,
            message=f"{site.extraction_statuses('redis')}\n{site.worker.output()[-3000:]}",
        )
        wait_until(lambda: len(traffic.after(up)) >= 10, timeout=60)

    assert site.worker.process.pid == worker_pid
    assert site.worker.process.poll() is None
    assert site.pages_stored("redis") == count * PAGES_PER_PDF
    # Pages read the database; a cache outage costs them their cache, never an error.
    pages = [hit for hit in traffic.during(down) if hit.path != "/healthz"]
    assert failures(pages) == []
    assert failures(traffic.after(up)) == []
