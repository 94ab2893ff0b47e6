"""A per-client limit on translation requests (each may run an engine: CPU or a paid API).

The client is the signed-in user, else the IP address (``REMOTE_ADDR``: behind a proxy,
set it from the trusted forwarded header in the proxy or server). Counters live in the
default cache, one fixed window per client; with a shared cache (``CACHE_URL``) every
worker counts together. The rate is the ``TRANSLATION_RATE_LIMIT`` setting, "N/s", "N/m",
"N/h" or "N/d"; empty turns the limit off.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int
    text: str


def rate_parse(text: str) -> Rate | None:
    """``"30/m"`` -> 30 requests a minute; ``""`` -> None (no limit)."""
    text = (text or "").strip()
    if not text:
        return None
    count, _, period = text.partition("/")
    period = period.strip().lower()
    if not count.strip().isdigit() or period[:1] not in PERIODS:
        raise ValueError(f"TRANSLATION_RATE_LIMIT must look like '30/m', not {text!r}.")
    return Rate(count=int(count), seconds=PERIODS[period[:1]], text=text)


def client_key(request) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return "ip:" + (request.META.get("REMOTE_ADDR") or "unknown")


def rate_limit_check(*, request) -> tuple[Rate, int] | None:
    """Count this request; when the client is over the limit, the limit and the seconds
    until its window ends, else None."""
    rate = rate_parse(settings.TRANSLATION_RATE_LIMIT)
    if rate is None:
        return None
    now = int(time.time())
    window = now // rate.seconds
    key = f"translation-rate:{client_key(request)}:{rate.seconds}:{window}"
    if cache.add(key, 1, timeout=rate.seconds + 1):
        used = 1
    else:
        try:
            used = cache.incr(key)
        except ValueError:  # the key expired between add and incr
            cache.add(key, 1, timeout=rate.seconds + 1)
            used = 1
    if used > rate.count:
        return rate, (window + 1) * rate.seconds - now
    return None
