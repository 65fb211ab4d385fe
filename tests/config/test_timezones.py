"""Times: UTC by default, staff see theirs in their browser's zone, "today" stays the site's."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from config.timezones import COOKIE, BrowserTimeZoneMiddleware
from publications.models import Publication, Status

BASE_DIR = Path(__file__).resolve().parents[2]


def active_zone(user, cookie: str | None) -> str:
    request = RequestFactory().get("/admin/")
    request.user = user
    if cookie is not None:
        request.COOKIES[COOKIE] = cookie
    middleware = BrowserTimeZoneMiddleware(
        lambda request: HttpResponse(timezone.get_current_timezone_name())
    )
    return middleware(request).content.decode()


def staff() -> User:
    return User(username="editor", is_staff=True)


def test_the_default_time_zone_is_utc():
    env = {k: v for k, v in os.environ.items() if k != "TIME_ZONE"}
    shown = subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.TIME_ZONE)"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert shown == "UTC"


def test_staff_requests_run_in_the_zone_their_browser_named(settings):
    settings.TIME_ZONE = "UTC"
    assert active_zone(staff(), "Asia/Tokyo") == "Asia/Tokyo"


@pytest.mark.parametrize("cookie", ["Mars/Olympus_Mons", "../../etc/passwd", "", None])
def test_a_missing_or_unknown_zone_leaves_the_site_zone(settings, cookie):
    settings.TIME_ZONE = "UTC"
    assert active_zone(staff(), cookie) == "UTC"


def test_readers_keep_the_site_zone_whatever_their_cookie_says(settings):
    # Their pages are cached and shared: one reader's zone must not be baked into another's.
    settings.TIME_ZONE = "UTC"
    assert active_zone(AnonymousUser(), "Asia/Tokyo") == "UTC"
    assert active_zone(User(username="reader", is_staff=False), "Asia/Tokyo") == "UTC"


def test_what_is_public_today_does_not_depend_on_the_staff_members_zone(settings):
    settings.TIME_ZONE = "UTC"
    evening = datetime.datetime(2026, 1, 1, 20, 0, tzinfo=datetime.UTC)  # 2 January in Kiribati
    tomorrow = Publication(status=Status.PUBLISHED, publication_date=datetime.date(2026, 1, 2))
    with (
        mock.patch("django.utils.timezone.now", return_value=evening),
        timezone.override("Pacific/Kiritimati"),
    ):
        tomorrow.refresh_release()  # as a staff save in that zone would
        assert not tomorrow.is_public
    assert tomorrow.visible_from == datetime.datetime(2026, 1, 2, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_the_admin_loads_the_time_zone_script(client):
    page = client.get("/admin/login/").content.decode()
    assert "js/timezone.js" in page
