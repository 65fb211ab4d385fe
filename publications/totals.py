"""The Total Index figure every page shows: how many publications the public can see."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from publications.models import Publication, site_today

TOTAL_INDEX_KEY = "publications:total-index:{date}"


def total_index_count() -> int:
    """Counted once and cached per day; every catalogue change clears it."""
    key = TOTAL_INDEX_KEY.format(date=site_today().isoformat())
    return cache.get_or_set(
        key,
        lambda: Publication.objects.published().count(),
        timeout=settings.TOTAL_INDEX_CACHE_SECONDS,
    )


def total_index_invalidate() -> None:
    cache.delete(TOTAL_INDEX_KEY.format(date=site_today().isoformat()))
