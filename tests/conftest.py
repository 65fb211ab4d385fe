"""Fixtures shared by the whole suite. PostgreSQL and Redis are real: the embedded servers under
var/ unless DATABASE_URL / REDIS_URL point elsewhere."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from config import embedded

TEST_CACHE_DB = 15


def pytest_configure(config):
    embedded.start()


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
    default["LOCATION"] = cache_location_for_tests(default["LOCATION"])
    settings.CACHES = {"default": default}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def pdf_bytes():
    """Build a real PDF with a text layer: pdf_bytes(["page one text", "page two text"])."""
    from tests.pdfs import make_pdf

    return make_pdf


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """TEST_DB_SUFFIX=x gives this run its own test database, so runs can overlap."""
    import os

    from django.conf import settings

    suffix = os.environ.get("TEST_DB_SUFFIX")
    if suffix:
        test = settings.DATABASES["default"].setdefault("TEST", {})
        test["NAME"] = f"test_{settings.DATABASES['default']['NAME']}_{suffix}"
