"""Per-client rate limits: a fixed-window counter in the cache, keyed on the client's address.

Generic on purpose (signup uses it; the search API will): `@rate_limited("signup",
rate=lambda: settings.SIGNUP_RATE_LIMIT)` on a view, or `limit_exceeded()` inside one. Off unless
settings.RATELIMIT_ENABLED (on by default when DEBUG is off; see docs/architecture.md).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_PATTERN = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """ "10/h", "100/m", "5/15m": that many requests per window."""
        match = RATE_PATTERN.match(text or "")
        if not match:
            raise ValueError(f"a rate looks like 10/h or 5/15m, not {text!r}")
        count, multiple, unit = match.groups()
        return cls(count=int(count), seconds=int(multiple or 1) * UNITS[unit])


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or when behind trusted proxies the address the first
    of them saw (X-Forwarded-For read from the right, so a client cannot forge it)."""
    remote = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT if settings.BEHIND_PROXY else 0
    if hops <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < hops:
        return remote
    candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def client_key(address: str) -> str:
    """IPv4 addresses as they are; IPv6 by /64, the block one customer usually holds."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def hit(*, scope: str, key: str, rate: Rate) -> bool:
    """Count one request for key in this window; False once it is over the limit."""
    window = int(time.time() // rate.seconds)
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    cache.add(cache_key, 0, timeout=rate.seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr: this request opens the window
        cache.add(cache_key, 1, timeout=rate.seconds + 1)
        count = 1
    return count <= rate.count


def limit_exceeded(request: HttpRequest, *, scope: str, rate: str) -> bool:
    """Count this request against its client; True when the client is over the rate."""
    if not settings.RATELIMIT_ENABLED or not rate:
        return False
    try:
        return not hit(scope=scope, key=client_key(client_ip(request)), rate=Rate.parse(rate))
    except RedisError:
        # A cache outage must not take the form down with it: fail open, and say so.
        logger.warning("Rate limit cache unavailable; %s not limited.", scope, exc_info=True)
        return False


def too_many_requests(request: HttpRequest, rate: str) -> HttpResponse:
    response = HttpResponse(
        "Too many requests. Please wait a while and try again.\n",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(Rate.parse(rate).seconds)
    return response


def rate_limited(
    scope: str,
    *,
    rate: Callable[[], str],
    methods: tuple[str, ...] = ("POST",),
    response: Callable[[HttpRequest, str], HttpResponse] = too_many_requests,
):
    """View decorator: answer 429 (through `response`) when the client is over `rate()`."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            current = rate()
            if request.method in methods and limit_exceeded(request, scope=scope, rate=current):
                return response(request, current)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
