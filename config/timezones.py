"""Staff see times in their browser's time zone: static/js/timezone.js stores the zone's name in a
cookie and this middleware activates it for their requests. Readers keep the site's TIME_ZONE, so
the pages cached for them are the same for everyone."""

from __future__ import annotations

import zoneinfo
from functools import cache

from django.utils import timezone

COOKIE = "tz"


@cache
def _known_zones() -> frozenset[str]:
    # Checked against the list rather than by loading the name: ZoneInfo() would try to open a
    # file for whatever path a client puts in the cookie.
    return frozenset(zoneinfo.available_timezones())


def zone_from_cookie(value: str | None) -> zoneinfo.ZoneInfo | None:
    """The zone a cookie names, or None for a missing or unknown name."""
    if not value or value not in _known_zones():
        return None
    return zoneinfo.ZoneInfo(value)


class BrowserTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The cookie first: a reader without one costs no session lookup.
        zone = zone_from_cookie(request.COOKIES.get(COOKIE))
        if zone is None or not (request.user.is_authenticated and request.user.is_staff):
            return self.get_response(request)
        with timezone.override(zone):
            return self.get_response(request)
