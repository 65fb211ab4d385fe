"""Fixtures of the browser journeys: Debian's chromium driven by Playwright, the site served as
`make run` serves it against the test database, and a real SMTP server the tests read."""

from __future__ import annotations

import os
from unittest import mock

import pytest

from tests import conftest as suite
from tests.e2e.browser import CHROMIUM, TIMEOUT_MS, Screenshots
from tests.e2e.site import Site, site_start, site_stop
from tests.newsletter.smtp import SMTPServer


# Package scope: the browser and the site stop after the last test here, so the rest of the
# suite runs without Playwright's event loop or these processes.
@pytest.fixture(scope="package")
def chromium() -> str:
    if not CHROMIUM.exists():
        pytest.skip(
            f"the browser tests need Debian's chromium at {CHROMIUM} (apt install chromium); "
            "they never download a browser build"
        )
    return str(CHROMIUM)


@pytest.fixture(scope="package")
def browser(chromium):
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)

    # Playwright's sync API keeps an event loop running in this thread, beside which Django
    # refuses blocking database calls; the tests' own ORM calls are ordinary blocking ones.
    with (
        mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=chromium, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def smtp():
    """aiosmtpd on loopback for the whole run; tests pick out their own recipients' mail."""
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def e2e_media(tmp_path_factory):
    """One media folder for every site these tests start: their workers share the test broker,
    so a file one site stored may be extracted by another site's worker."""
    return tmp_path_factory.mktemp("e2e-media")


@pytest.fixture(scope="package")
def site(browser, django_db_setup, smtp, tmp_path_factory, e2e_media) -> Site:
    """runserver, a Celery worker (extraction and email queues) and beat, started once."""
    site = _site_start(smtp, tmp_path_factory, e2e_media)
    yield site
    site_stop(site)


@pytest.fixture(scope="module")
def fresh_site(browser, django_db_setup, smtp, tmp_path_factory, e2e_media) -> Site:
    """A site of the module's own, for a journey that writes in the admin: the flush after
    each transactional test makes content types anew under new ids, and a runserver that has
    cached the old ones cannot save the admin's log entries (an IntegrityError on the add)."""
    site = _site_start(smtp, tmp_path_factory, e2e_media)
    yield site
    site_stop(site)


def _site_start(smtp, tmp_path_factory, media_root) -> Site:
    var_dir = tmp_path_factory.mktemp("e2e-var")
    env = suite.worker_environment(media_root=media_root)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser's concern, not the site's
    if suite.TEST_REDIS is None:  # the cache the test process clears between tests
        env["REDIS_URL"] = suite.cache_location_for_tests(os.environ["REDIS_URL"])
    env.update(
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        NEWSLETTER_CONFIRMATION_INTERVAL="0",
        NEWSLETTER_RETRY_BACKOFF="1",
        # The lease and sweep of worker_env are for fault tests; a journey's PDF takes moments.
        EXTRACTION_TIME_LIMIT_BASE="30",
        EXTRACTION_PENDING_GRACE="60",
    )
    return site_start(env=env, var_dir=var_dir)


@pytest.fixture(autouse=True)
def _as_the_site_sees_it(_media_in_tmp, settings, site):
    """This process writes files where the site reads them and signs links as it does."""
    settings.MEDIA_ROOT = site.media_root
    settings.SECRET_KEY = site.secret_key
    settings.SITE_URL = site.url


@pytest.fixture
def context(browser, site):
    context = browser.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def screenshot(request):
    """screenshot(page, "name"): saved under var/artifacts/screenshots/<test name>/."""
    return Screenshots(request.node.name)


@pytest.fixture
def mail(smtp):
    return smtp.handler
