"""Currency precision and rounding, shared by the pure engines and the Django apps.

Precision comes from ISO 4217 minor units (through Babel's CLDR data): CNY, USD, EUR
have 2 places, JPY and KRW none. Every rounding here names its mode.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import get_currency_precision


@lru_cache(maxsize=64)
def minor_unit(currency: str) -> Decimal:
    """The smallest amount of ``currency``: Decimal('0.01') for CNY, Decimal('1') for JPY."""
    return Decimal(1).scaleb(-get_currency_precision(currency))


def quantize_money(amount: Decimal, currency: str, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round ``amount`` to the minor unit of ``currency`` (half-up unless told otherwise)."""
    return amount.quantize(minor_unit(currency), rounding=rounding)
