"""Currency conversion with stored rates.

Rates are read once and kept in this process for ``CACHE_SECONDS`` (and dropped when a
rate is saved), so a page that shows 100 prices costs no rate queries at all.
"""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from django.utils import timezone

from tax.money import quantize_money

CACHE_SECONDS = 60
PIVOT = "CNY"


class RateMissing(LookupError):
    """No stored rate converts between the two currencies."""

    def __init__(self, base: str, quote: str, kind: str) -> None:
        self.base, self.quote, self.kind = base, quote, kind
        super().__init__(f"no {kind} rate from {base} to {quote}")


_cache: dict[tuple[str, date], tuple[float, dict[tuple[str, str], Decimal]]] = {}


def rates_clear_cache() -> None:
    _cache.clear()


def _latest_rates(kind: str, on: date) -> dict[tuple[str, str], Decimal]:
    key = (kind, on)
    hit = _cache.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    from .models import Rate

    table: dict[tuple[str, str], Decimal] = {}
    # Newest first, so the first rate seen for a pair is the one in force on ``on``.
    rows = (
        Rate.objects.filter(kind=kind, as_of__lte=on)
        .order_by("base", "quote", "-as_of")
        .values_list("base", "quote", "rate")
    )
    for base, quote, rate in rows:
        table.setdefault((base, quote), rate)
    _cache[key] = (time.monotonic() + CACHE_SECONDS, table)
    return table


def rate_get(*, base: str, quote: str, kind: str = "display", on: date | None = None) -> Decimal:
    """The rate that turns 1 ``base`` into ``quote``: direct, inverse, or through CNY."""
    if base == quote:
        return Decimal(1)
    table = _latest_rates(kind, on or timezone.localdate())
    if (base, quote) in table:
        return table[(base, quote)]
    if (quote, base) in table:
        return 1 / table[(quote, base)]
    if PIVOT not in (base, quote):
        try:
            return rate_get(base=base, quote=PIVOT, kind=kind, on=on) * rate_get(
                base=PIVOT, quote=quote, kind=kind, on=on
            )
        except RateMissing:
            pass
    raise RateMissing(base, quote, kind)


def money_convert(
    *, amount: Decimal, base: str, quote: str, kind: str = "display", on: date | None = None
) -> Decimal:
    """``amount`` in ``base`` converted to ``quote``, rounded half-up to the quote's minor unit."""
    if base == quote:
        return quantize_money(amount, quote)
    return quantize_money(amount * rate_get(base=base, quote=quote, kind=kind, on=on), quote)
