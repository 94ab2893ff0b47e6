"""Input checks: each raises a ``tax.errors.TaxInputError`` subclass naming field and value.

Nothing is coerced or guessed: amounts must be ``Decimal`` (never float or int), codes must
be given exactly (upper case), quantities must be positive ints.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any

from tax.errors import (
    InvalidAmount,
    InvalidCountry,
    InvalidDate,
    InvalidHSCode,
    InvalidQuantity,
    InvalidRate,
    TaxInputError,
)

from .amounts import CONTEXT, ONE, ZERO
from .countries import ISO_ALPHA2

# A duty rate above 1,000% is taken for a percentage typed as a number (25 for 25%).
MAX_DUTY_RATE = Decimal(10)


def check_text(field: str, value: Any) -> None:
    if type(value) is not str or not value.strip():
        raise TaxInputError(field, value, "expected a non-empty string")


def check_hs_code(field: str, value: Any) -> None:
    if type(value) is not str or not (
        6 <= len(value) <= 10 and value.isascii() and value.isdigit()
    ):
        raise InvalidHSCode(field, value, "expected a string of 6 to 10 digits, e.g. '330499'")


def check_country(field: str, value: Any, *, blank_ok: bool = False) -> None:
    if type(value) is str and value in ISO_ALPHA2:
        return
    if blank_ok and value == "":
        return
    raise InvalidCountry(field, value, "expected an ISO 3166-1 alpha-2 code in capitals, e.g. 'JP'")


def check_quantity(field: str, value: Any) -> None:
    if type(value) is not int or value <= 0:
        raise InvalidQuantity(field, value, "expected a positive int")


def check_amount(field: str, value: Any) -> None:
    """A non-negative, finite Decimal (precision is checked against the currency later)."""
    if type(value) is not Decimal:
        if isinstance(value, float):
            raise InvalidAmount(field, value, "floats are not accepted; pass Decimal('...')")
        if not isinstance(value, Decimal):
            raise InvalidAmount(field, value, "expected a Decimal")
    if not value.is_finite() or value < ZERO:
        raise InvalidAmount(field, value, "expected a finite, non-negative Decimal")


def check_precision(field: str, value: Decimal, quantum: Decimal, currency: str) -> None:
    """``value`` must be a whole number of the currency's minor unit (JPY: whole yen)."""
    try:
        exact = value.quantize(quantum, rounding=ROUND_DOWN, context=CONTEXT) == value
    except InvalidOperation:
        raise InvalidAmount(field, value, "too large") from None
    if not exact:
        raise InvalidAmount(field, value, f"more precise than {currency} allows ({quantum})")


def check_rate(field: str, value: Any, *, below_one: bool = False, cap: Decimal = ONE) -> None:
    """``None`` (not given) or a Decimal fraction: 0.20 means 20%."""
    if value is None:
        return
    if not isinstance(value, Decimal) or not value.is_finite():
        raise InvalidRate(
            field, value, "expected a Decimal fraction, e.g. Decimal('0.13'), or None"
        )
    if value < ZERO or value > cap or (below_one and value >= ONE):
        bound = "below 1" if below_one else f"at most {cap}"
        raise InvalidRate(field, value, f"expected a fraction from 0 to {bound} (0.20 means 20%)")


def check_date(field: str, value: Any) -> None:
    if type(value) is datetime or not isinstance(value, date):
        raise InvalidDate(field, value, "expected a datetime.date (the order date)")
