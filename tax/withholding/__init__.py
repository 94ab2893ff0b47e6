"""Individual income-tax withholding: China (residents, non-residents, platform workers),
plus Hong Kong (reporting only) and the US (backup withholding). Pure: stdlib + Decimal.

    from tax.withholding import Payment, withhold
    results = withhold("cn-resident-labour", [Payment(period="2026-01", gross=Decimal("2000"))])
    results[0].tax  # Decimal("240.00")

Rules and sources: /work/shared/reference/income-tax-withholding.md. Decisions where the
reference leaves a choice (its section 10):

- ``cn-platform-labour`` (STA 2025 No. 16) applies from 2025-10-01; earlier periods raise
  ``InvalidPeriod`` rather than fall back: before that date (or for a payer not eligible
  under STA 2025 No. 15) the caller chooses ``cn-resident-labour`` explicitly.
- Its month count (basic deduction "5,000 元/月 × ... 连续取得劳务报酬的月份数") is the
  ``platform_months`` election: "consecutive" (default: the literal 连续, and the prudent
  reading) restarts the count after a month without income, income and tax stay
  cumulative for the year; "with-income" counts every month with income. A month whose
  payments are zero, or net zero after exempt income, is not a month with income under
  either reading (and breaks a consecutive run). See ``regimes._cumulative``.
- Labour and platform expense is taken on gross income; exempt income is subtracted after
  it (as in the withholding client's 收入 - 费用 - 免税收入). Taxable income is kept exact;
  only tax is rounded, half-up to 0.01, from cumulative (or aggregated) figures.
- ``full_year_deduction`` (STA 2020 No. 19) also applies to platform labour, which is
  labour withheld cumulatively; it needs a first payment in January, and cannot be
  combined with ``first_job_of_year``.
- Deductions are refused where prepayment allows none (labour per payment, non-residents).
- ``us``: the 1099 threshold is tested on the calendar year's total ("$2,000 or more in
  any calendar year"; USD 600 before 2026). Without a TIN, 24% backup withholding starts
  with the payment that brings the year's total to the threshold, on that payment in full
  and every later one; earlier payments are not caught up (3406(b)(6)). The election
  ``prior_year_reported`` (a return was due for, or backup withholding made from, the
  payee in the previous year) withholds from the first dollar. Years without a published
  threshold (from 2027, indexed) raise until the figure is added to tables.py.
- ``hk``: the tax year is the year of assessment (April to March); IR56M thresholds are
  "more than" the amount.
"""

from __future__ import annotations

from decimal import Context, Inexact, Rounded, getcontext, localcontext
from typing import Any

from tax.errors import InvalidElection, UnknownElection, UnknownRegime

from .explain import explain
from .payment import Payment, checked_months
from .regimes import ELECTION_DEFAULTS, PLATFORM_MONTHS, REGIMES, Regime
from .result import Withholding

__all__ = ["Payment", "REGIMES", "Regime", "Withholding", "explain", "withhold"]

# A caller's context with lowered precision (or trapping the rounding we do on purpose)
# must not change our figures: then we compute in our own. 28 digits hold any accepted
# amount (< 10**15, 2 places, summed over a year) times a rate exactly. Entering a local
# context costs more than a payment's tax, so the usual adequate context is used as is.
_CONTEXT = Context(prec=28)


def withhold(regime: str, payments: Any, **elections: Any) -> list[Withholding]:
    """Withholding for each of one payee's payments in one tax year, in the same order.

    Payments must be in time order. Elections: ``first_job_of_year`` (STA 2020 No. 13),
    ``full_year_deduction`` (STA 2020 No. 19), ``has_taxpayer_id`` and
    ``prior_year_reported`` (``us``),
    ``platform_months`` (``cn-platform-labour``: "consecutive" or "with-income").
    Raises a ``tax.errors.TaxInputError`` subclass naming the field for any bad input.
    """
    spec = REGIMES.get(regime) if type(regime) is str else None
    if spec is None:
        raise UnknownRegime("regime", regime, f"expected one of {', '.join(REGIMES)}")
    opts = _elections(spec, elections) if elections else ELECTION_DEFAULTS
    ctx = getcontext()
    if ctx.prec < 28 or ctx.Emax < 99 or ctx.traps[Inexact] or ctx.traps[Rounded]:
        with localcontext(_CONTEXT):
            return _run(spec, payments, opts)
    return _run(spec, payments, opts)


def _run(spec: Regime, payments: Any, opts: dict[str, Any]) -> list[Withholding]:
    payments, months = checked_months(payments, spec.year_start_month, spec.exempt, spec.deductions)
    if not payments:
        return []
    return spec.compute(spec, payments, months, opts)


def _elections(spec: Regime, given: dict[str, Any]) -> dict[str, Any]:
    opts = dict(ELECTION_DEFAULTS)
    for name, value in given.items():
        if name not in ELECTION_DEFAULTS:
            raise UnknownElection(
                name, value, f"unknown election; known: {', '.join(ELECTION_DEFAULTS)}"
            )
        if name == "platform_months":
            if value not in PLATFORM_MONTHS:
                raise InvalidElection(name, value, f"expected one of {', '.join(PLATFORM_MONTHS)}")
        elif type(value) is not bool:
            raise InvalidElection(name, value, "expected True or False")
        if value != ELECTION_DEFAULTS[name] and name not in spec.elections:
            raise InvalidElection(name, value, f"does not apply to {spec.code}")
        opts[name] = value
    if opts["first_job_of_year"] and opts["full_year_deduction"]:
        raise InvalidElection(
            "first_job_of_year",
            True,
            "cannot be combined with full_year_deduction (a first job has no last year here)",
        )
    return opts
