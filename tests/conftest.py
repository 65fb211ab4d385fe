"""Fixtures shared by the whole suite. PostgreSQL and Redis are real: the embedded servers under
var/ unless DATABASE_URL / REDIS_URL point elsewhere."""

from __future__ import annotations

import os
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from config import embedded
from tests.factories import PublicationFactory, PublicationFileFactory
from tests.newsletter.smtp import SMTPServer
from tests.servers import CeleryWorker, RedisServer, purge_test_broker

# With REDIS_URL set, the tests use two databases of that server; each pytest-xdist worker
# (PYTEST_XDIST_WORKER=gw0, gw1, ...) two of its own, counting down from 15 and 14.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
TEST_CACHE_DB = 15 - 2 * _WORKER
TEST_BROKER_DB = 14 - 2 * _WORKER


def pytest_configure(config):
    embedded.start()
    _use_test_broker()


# Fixtures that start processes or servers: a Celery worker (or beat), moto's S3 server,
# chromium, `site` (in tests/e2e/ runserver, a worker and beat; in test_service_faults.py
# gunicorn, a worker, beat, PostgreSQL and Redis), `devserver` (`make run` in
# tests/config/test_devserver.py) and Django's `live_server`. A test that uses one, directly or
# through another fixture, is an `integration` test, which `make test-fast` leaves out. Modules
# that start processes themselves say `pytestmark = pytest.mark.integration` (test_serve.py:
# gunicorn; test_embedded.py: PostgreSQL and Redis; test_servers.py: Redis and a worker).
# Not integration: extraction's forked sandbox (the code under test, not a server), one-shot
# `python -c` or `gunicorn --check-config` runs that read the settings and exit, and the aiosmtpd
# server in a thread of the test process (tests/newsletter/smtp.py).
PROCESS_FIXTURES = ("celery_worker", "s3_server", "site", "browser", "devserver", "live_server")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items):
    _mark_integration(items)
    _use_the_replica(items)


def _mark_integration(items) -> None:
    for item in items:
        if set(PROCESS_FIXTURES) & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Rows a module- or session-scoped fixture leaves in an open transaction (a corpus built
    once for the tests that nest in it) have their deferred foreign keys checked here, once.
    Left pending, every test would check them all again at teardown (Django checks deferred
    constraints before rolling a test back, and the rollback of the test's savepoint puts them
    back in the queue): about a second a test for a corpus of thousands of rows."""
    result = yield
    if fixturedef.scope != "function":
        _check_pending_constraints(request.config)
    return result


def _check_pending_constraints(config) -> None:
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    open_transactions = [
        connection
        for connection in connections.all(initialized_only=True)
        if connection.in_atomic_block and not connection.needs_rollback
    ]
    if open_transactions:
        with config.stash[blocking_manager_key].unblock():
            for connection in open_transactions:
                connection.check_constraints()


def _use_the_replica(items) -> None:
    """With DATABASE_REPLICA_URL set, search reads outside a transaction go to the `replica`
    alias (a test mirror of the test database): every database test may use it."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from pytest_django.fixtures import validate_django_db

    if "replica" not in connections.settings:
        return
    uses_db = {"db", "transactional_db", "live_server"}
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is None and not uses_db & set(getattr(item, "fixturenames", ())):
            continue
        transaction, reset, databases, serialized, apps = (
            validate_django_db(marker) if marker else (False, False, None, False, None)
        )
        if databases is None:
            databases = [DEFAULT_DB_ALIAS, "replica"]
        elif databases != "__all__":
            databases = [*databases, "replica"]
        item.add_marker(
            pytest.mark.django_db(
                transaction=transaction, reset_sequences=reset, databases=databases,
                serialized_rollback=serialized, available_apps=apps,
            ),
            append=False,
        )  # fmt: skip


def pytest_unconfigure(config):
    if TEST_REDIS is not None:
        TEST_REDIS.stop()


TEST_REDIS: RedisServer | None = None


def _use_test_broker() -> None:
    """Tasks the tests send go to a Redis of their own (or another database of REDIS_URL's), so
    a `make run` worker never takes them and the tests never take its work."""
    global TEST_REDIS
    from config.celery import app

    if os.environ.get("REDIS_URL"):
        if TEST_BROKER_DB < 2:  # 0 and 1 are left to `make run`
            raise pytest.UsageError("with REDIS_URL set, run the tests on 6 processes at most")
        app.conf.broker_url = redis_url_with_db(os.environ["REDIS_URL"], TEST_BROKER_DB)
        return
    TEST_REDIS = RedisServer()
    TEST_REDIS.start()
    app.conf.broker_url = TEST_REDIS.broker_url


def test_broker_url() -> str:
    from config.celery import app

    return app.conf.broker_url


def redis_url_with_db(url: str, db: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


def cache_location_for_tests(location: str) -> str:
    """The same Redis server, another database, so clearing it touches neither broker nor dev."""
    parts = urlsplit(location)
    if parts.scheme == "unix":
        query = dict(parse_qsl(parts.query))
        query["db"] = str(TEST_CACHE_DB)
        return f"unix://{parts.path}?{urlencode(query)}"
    return urlunsplit(parts._replace(path=f"/{TEST_CACHE_DB}"))


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    from django.core.cache import cache

    default = dict(settings.CACHES["default"])
    if TEST_REDIS is not None:
        default["LOCATION"] = TEST_REDIS.cache_url
    else:
        default["LOCATION"] = cache_location_for_tests(default["LOCATION"])
    settings.CACHES = {"default": default}
    cache.clear()
    yield
    cache.clear()
    # Each test configures the cache afresh, which opens a new connection pool: closed here, or
    # every test leaves a socket open and a full run passes select()'s 1,024 descriptors.
    for pool in getattr(getattr(cache, "_cache", None), "_pools", {}).values():
        pool.disconnect()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    """Passwords the test process hashes (admin_user, staff logins) use a fast hasher rather
    than PBKDF2's million rounds, which cost about a second a test on a busy machine. Not in
    integration tests: there a server process of its own settings checks those passwords."""
    if request.node.get_closest_marker("integration") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pdf_bytes():
    """Build a real PDF with a text layer: pdf_bytes(["page one text", "page two text"])."""
    from tests.pdfs import make_pdf

    return make_pdf


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """TEST_DB_SUFFIX=x gives this run its own test database, so runs can overlap; under
    pytest-xdist each worker's database already ends in its id (test_thinktank_gw0), and the
    suffix goes after it (test_thinktank_gw0_x)."""
    from django.conf import settings

    suffix = os.environ.get("TEST_DB_SUFFIX")
    if suffix:
        default = settings.DATABASES["default"]
        test = default.setdefault("TEST", {})
        test["NAME"] = f"{test.get('NAME') or 'test_' + default['NAME']}_{suffix}"


@pytest.fixture
def worker_env(transactional_db, settings):
    """Environment for a worker process that sees what this test sees: its database (committed
    data, hence transactional_db), broker and media folder, with limits shrunk to seconds."""
    return worker_environment(media_root=settings.MEDIA_ROOT)


def worker_environment(*, media_root) -> dict[str, str]:
    """The environment of worker_env, for fixtures of a wider scope (tests/e2e/ serves the site
    from it): the test database, the test broker and cache, this media folder."""
    from django.db import connection

    db = connection.settings_dict
    host = db["HOST"].replace("/", "%2F")
    port = f":{db['PORT']}" if db["PORT"] and not db["HOST"].startswith("/") else ""
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}",
        CELERY_BROKER_URL=test_broker_url(),
        SECRET_KEY="test-worker-secret-key-not-for-production",
        DEBUG="1",
        MEDIA_ROOT=str(media_root),
        EXTRACTION_TIME_LIMIT_BASE="5",
        EXTRACTION_LEASE_MARGIN="1",
        EXTRACTION_PENDING_GRACE="2",
        EXTRACTION_SWEEP_INTERVAL="1",
    )
    if TEST_REDIS is not None:
        env["REDIS_URL"] = TEST_REDIS.cache_url
    if env.get("DATABASE_REPLICA_URL"):  # the replica is the test database too (a mirror)
        env["DATABASE_REPLICA_URL"] = env["DATABASE_URL"]
    return env


@pytest.fixture
def broker_queue_length():
    """How many messages wait in a queue of the test broker."""
    from config.celery import app

    def length(queue: str = "extraction") -> int:
        with app.connection_for_read() as conn:
            return conn.default_channel.client.llen(queue)

    return length


@pytest.fixture
def celery_worker(worker_env):
    """A real Celery worker process consuming both queues; stopped after the test."""
    workers: list[CeleryWorker] = []

    def start(**kwargs) -> CeleryWorker:
        worker = CeleryWorker(worker_env, **kwargs).start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    # What the workers left (a beat's later checks, say) must not reach the next test's workers.
    purge_test_broker()


@pytest.fixture
def with_pdf():
    """with_pdf(data) -> a publication whose stored file is these bytes, whatever they are
    (the upload check is bypassed on purpose: the pipeline must survive any file)."""

    def make(data: bytes, **fields):
        publication = PublicationFactory(**fields)
        PublicationFileFactory(publication=publication, data=data)
        return publication

    return make


@pytest.fixture
def smtp_server(settings):
    """aiosmtpd on 127.0.0.1; Django's SMTP backend in this process points at it."""
    server = SMTPServer().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server.handler
    server.stop()
