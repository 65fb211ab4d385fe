"""Whole public pages kept in the cache for anonymous readers, so a page is rendered once and then
served at about the cost of a plain-text response.

Correctness rests on a generation, not on expiry: every change to what readers see replaces it
(`page_cache_invalidate`, after commit, from the services that write the catalogue), each kept
page carries the generation read before it was rendered, and only a page of the current one is
served (both read in one round trip). The key holds today's date, since a scheduled item becomes
public when its date comes without any write. Expiry (PAGE_CACHE_SECONDS) only bounds what is
kept and catches changes made outside the services (a shell, the search statistics refresh).
Staff, and anyone with a session, always get a fresh page: they may see previews of drafts.
"""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from redis.exceptions import RedisError

GENERATION_KEY = "pages:generation"
# Longer query strings are left uncached: each would be a cache entry of its own.
MAX_QUERY_LENGTH = 500
# The mailing-list form on every page carries a CSRF token tied to the visitor's cookie: it is
# kept out of the stored page and each visitor's own is put back when the page is served.
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"\x00csrf-token\x00"

logger = logging.getLogger(__name__)


@dataclass
class CachedPage:
    """A stored response: compressed body with the CSRF token taken out, the view's headers,
    and whatever the view needs again when the page is served from the cache (`extra`)."""

    generation: str
    body: bytes
    headers: dict[str, str]
    extra: dict = field(default_factory=dict)

    def response(self, request: HttpRequest) -> HttpResponse:
        body = zlib.decompress(self.body)
        if CSRF_PLACEHOLDER in body:
            body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        return HttpResponse(body, headers=self.headers)


@dataclass
class PageSlot:
    """Where this request's page is (or will be) kept, and the page when it was there."""

    key: str
    generation: str
    page: CachedPage | None

    def store(self, response: HttpResponse, extra: dict | None = None) -> None:
        if not _storable(response):
            return
        body = CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
        headers = dict(response.items())
        page = CachedPage(self.generation, zlib.compress(body, 6), headers, extra or {})
        try:
            cache.set(self.key, page, timeout=settings.PAGE_CACHE_SECONDS)
        except RedisError:
            logger.warning("Cache unavailable; page not stored.", exc_info=True)


def page_slot(request: HttpRequest) -> PageSlot | None:
    """The cache slot for this request, or None when its page must be rendered afresh (cache
    off or down, a session, a query string too long)."""
    if not _cacheable(request):
        return None
    key = _page_key(request)
    try:
        found = cache.get_many([GENERATION_KEY, key])
        generation = found.get(GENERATION_KEY)
        if generation is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            return PageSlot(key, cache.get(GENERATION_KEY), None)
    except RedisError:
        logger.warning("Cache unavailable; rendering the page.", exc_info=True)
        return None
    page = found.get(key)
    return PageSlot(key, generation, page if page and page.generation == generation else None)


def page_cache_invalidate() -> None:
    """Forget every cached page: a new generation (random, so it never meets an old key)."""
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except RedisError:
        logger.warning("Cache unavailable; cached pages expire on their own.", exc_info=True)


def cached_page(view: Callable) -> Callable:
    """Serve this view's page from the cache when it is there, else render and keep it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        slot = page_slot(request)
        if slot is not None and slot.page is not None:
            return slot.page.response(request)
        response = view(request, *args, **kwargs)
        if slot is not None:
            slot.store(response)
        return response

    return wrapper


def _cacheable(request: HttpRequest) -> bool:
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_LENGTH
    )


def _storable(response: HttpResponse) -> bool:
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def _page_key(request: HttpRequest) -> str:
    address = f"{request.get_host()}{request.get_full_path()}".encode()
    digest = hashlib.sha256(address).hexdigest()
    return (
        f"pages:{timezone.localdate(timezone=timezone.get_default_timezone()).isoformat()}:{digest}"
    )
