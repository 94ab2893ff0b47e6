"""The input record and its validation.

Validation happens in ``withhold`` (once per call), not when a ``Payment`` is built, so a
bad payment can be constructed, stored and reported with the regime's context.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tax.errors import InvalidAmount, InvalidPeriod, TaxInputError

from .tables import CENT

ZERO = Decimal("0")
# Amounts at or above 10**15 could lose digits in a 28-digit context once multiplied.
MAX_ADJUSTED = 14
_PERIOD_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_PERIODS: dict[str, tuple[int, int]] = {}  # parse cache: periods repeat across calls


@dataclass(frozen=True, slots=True)
class Payment:
    """One payment to one payee.

    ``period`` is the month paid, "YYYY-MM". ``gross`` is the income paid, ``exempt`` the
    exempt part of it. ``deductions`` is, for wages, the month's special deductions plus
    special additional deductions plus other allowed deductions (for platform labour: other
    lawful deductions only). ``project`` groups continuous labour of one project: payments
    of one project in one month are one payment (Regs Art. 14(1)).
    """

    period: str
    gross: Decimal
    exempt: Decimal = ZERO
    deductions: Decimal = ZERO
    project: str = ""


def parse_period(value: Any, field: str) -> tuple[int, int]:
    """Parse "YYYY-MM" into (year, month); raises ``InvalidPeriod``."""
    # The cache only saves time: the lines below give the same answer without it, so its
    # mutants (always miss, miss for strings) are equivalent.
    hit = _PERIODS.get(value) if type(value) is str else None  # pragma: no mutate
    if hit is not None:
        return hit
    if type(value) is not str:
        raise InvalidPeriod(field, value, "expected a string 'YYYY-MM'")
    m = _PERIOD_RE.fullmatch(value)
    if m is None or m.group(1) == "0000":
        raise InvalidPeriod(field, value, "expected 'YYYY-MM' with a month 01 to 12")
    hit = _PERIODS[value] = (int(m.group(1)), int(m.group(2)))
    return hit


def check_amount(value: Any, field: str) -> None:
    """A finite, non-negative Decimal of at most 2 places; raises ``InvalidAmount``."""
    if not isinstance(value, Decimal):
        if isinstance(value, float):
            raise InvalidAmount(field, value, "floats are not accepted; pass a Decimal")
        raise InvalidAmount(field, value, "expected a Decimal")
    if not value.is_finite():
        raise InvalidAmount(field, value, "must be a finite number")
    if value.is_signed():
        raise InvalidAmount(field, value, "must not be negative")
    if value.adjusted() > MAX_ADJUSTED:
        raise InvalidAmount(field, value, "amount too large (limit 10**15)")
    if value.quantize(CENT) != value:  # 1.000 is fine, 1.005 is not
        raise InvalidAmount(field, value, "more than 2 decimal places")


def checked_months(
    payments: Any, year_start_month: int, with_exempt: bool, with_deductions: bool
) -> tuple[list[Payment], list[int]]:
    """Validate ``payments`` and return them with a month index (year*12 + month-1) each.

    Periods must not go back in time and must all fall in one tax year, which starts in
    ``year_start_month`` (1 in China and the US, 4 in Hong Kong).
    """
    if isinstance(payments, (str, bytes, Payment)) or not hasattr(payments, "__iter__"):
        raise TaxInputError("payments", payments, "expected a list of Payment")
    payments = list(payments)
    months: list[int] = []
    prev = -1  # pragma: no mutate (any value below the first month index, 12, works)
    tax_year = None
    for i, p in enumerate(payments):
        if type(p) is not Payment:
            raise TaxInputError(f"payments[{i}]", p, "expected a Payment")
        year, month = parse_period(p.period, f"payments[{i}].period")
        index = year * 12 + month - 1
        if index < prev:
            raise InvalidPeriod(
                f"payments[{i}].period", p.period, "out of order: periods must not go back"
            )
        ty = year if month >= year_start_month else year - 1
        if tax_year is None:
            tax_year = ty
        elif ty != tax_year:
            raise InvalidPeriod(
                f"payments[{i}].period",
                p.period,
                f"spans two tax years (first payment {payments[0].period})",
            )
        prev = index
        months.append(index)
        g = p.gross
        # Fast path for the usual clean Decimal; check_amount gives the precise error. The
        # fast path only decides whether check_amount runs, and check_amount accepts every
        # clean amount, so mutants that send more amounts to it are equivalent.
        # pragma: no mutate start
        if (
            type(g) is not Decimal
            or not g.is_finite()
            or g.is_signed()
            or g.adjusted() > MAX_ADJUSTED
            or g.quantize(CENT) != g
        ):
            # pragma: no mutate end
            check_amount(g, f"payments[{i}].gross")
        exempt = p.exempt
        if type(exempt) is not Decimal or exempt:  # pragma: no mutate (the same fast path)
            check_amount(exempt, f"payments[{i}].exempt")
            if exempt and not with_exempt:
                raise InvalidAmount(
                    f"payments[{i}].exempt", exempt, "exempt income does not apply here"
                )
            if exempt > g:
                raise InvalidAmount(f"payments[{i}].exempt", exempt, "more than gross")
        deductions = p.deductions
        if type(deductions) is not Decimal or deductions:  # pragma: no mutate (fast path)
            check_amount(deductions, f"payments[{i}].deductions")
            if deductions and not with_deductions:
                raise InvalidAmount(
                    f"payments[{i}].deductions",
                    deductions,
                    "deductions are not allowed at prepayment for this regime",
                )
        if type(p.project) is not str:
            raise TaxInputError(f"payments[{i}].project", p.project, "expected a string")
    return payments, months
