"""What base.html needs on every page."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest
from redis.exceptions import RedisError

from publications.models import Publication
from publications.totals import total_index_count

logger = logging.getLogger(__name__)


def site(request: HttpRequest) -> dict:
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
        "site_address": settings.SITE_ADDRESS,
        # The function itself, not its value: templates call it only where "Total Index" is shown,
        # and it reads a cached number rather than counting per request.
        "total_index": total_index,
        "canonical_url": canonical_url(request),
    }


def total_index() -> int:
    """The cached count; while the cache is down, a fresh count keeps every page up."""
    try:
        return total_index_count()
    except RedisError:
        logger.warning("Cache unavailable; counting the Total Index directly.", exc_info=True)
        return Publication.objects.published().count()


def canonical_url(request: HttpRequest) -> str:
    """This page's absolute URL on SITE_URL; filters are dropped, a page number beyond 1 kept."""
    page = request.GET.get("page", "")
    suffix = f"?page={page}" if page.isdigit() and int(page) > 1 else ""
    return f"{settings.SITE_URL}{request.path}{suffix}"
