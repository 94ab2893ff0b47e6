"""The per-payment result: the tax and the working behind it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple


class Withholding(NamedTuple):
    """What to withhold from one payment, and the figures used (immutable).

    A named tuple rather than a frozen dataclass: it is built once per payment on the hot
    path, and tuple construction is several times cheaper than frozen-dataclass setattr.

    ``scope`` says what the cumulative figures cover: ``"tax-year"`` (cumulative methods,
    and the year's totals for ``hk``/``us``), ``"project-month"`` (labour per payment: one
    project's payments in one month are one payment) or ``"month"`` (non-resident wages).

    - ``gross``, ``exempt``, ``deductions``: this payment's inputs.
    - ``cumulative_income``, ``cumulative_exempt``, ``cumulative_deductions`` (the special,
      special additional and other deductions): totals within the scope, this payment
      included.
    - ``expense``: the expense allowance within the scope (800 or 20% for labour).
    - ``basic_deduction``: the basic deduction within the scope, ``months`` months of it
      (5,000 each), or 60,000 under STA 2020 No. 19.
    - ``taxable_income``: the amount the rate table was applied to; the same figure as
      ``cumulative_taxable`` (kept under both names for statements).
    - ``rate``, ``quick_deduction``: the bracket used.
    - ``cumulative_tax``: tax on ``taxable_income``, rounded half-up to 0.01.
    - ``already_withheld``: withheld earlier within the scope.
    - ``tax``: ``max(0, cumulative_tax - already_withheld)``.
    - ``thresholds``: reporting thresholds in force (``hk``, ``us``), name -> amount.
    - ``flags``: short codes, e.g. ``carried-forward``, ``aggregated``, ``reportable``.
    """

    regime: str
    period: str
    project: str
    currency: str
    scope: str
    gross: Decimal
    exempt: Decimal
    deductions: Decimal
    tax: Decimal
    taxable_income: Decimal
    rate: Decimal
    quick_deduction: Decimal
    expense: Decimal
    basic_deduction: Decimal
    months: int
    cumulative_income: Decimal
    cumulative_exempt: Decimal
    cumulative_deductions: Decimal
    cumulative_taxable: Decimal
    cumulative_tax: Decimal
    already_withheld: Decimal
    thresholds: tuple[tuple[str, Decimal], ...]
    flags: tuple[str, ...]
    note: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe: Decimals as strings, tuples as lists, thresholds as an object."""
        out: dict[str, Any] = {}
        for name, value in zip(self._fields, self, strict=True):
            if isinstance(value, Decimal):
                value = str(value)
            elif name == "thresholds":
                value = {k: str(v) for k, v in value}
            elif name == "flags":
                value = list(value)
            out[name] = value
        return out
