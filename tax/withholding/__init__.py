"""Individual income-tax withholding: China (residents, non-residents, platform workers),
plus Hong Kong (reporting only) and the US (backup withholding). Pure: stdlib + Decimal.

    from tax.withholding import Payment, withhold
    results = withhold("cn-resident-labour", [Payment(period="2026-01", gross=Decimal("2000"))])
    results[0].tax  # Decimal("240.00")

Rules and sources: /work/shared/reference/income-tax-withholding.md.
"""

from __future__ import annotations

from decimal import Context, localcontext
from typing import Any

from tax.errors import InvalidElection, UnknownElection, UnknownRegime

from .payment import Payment, checked_months
from .regimes import ELECTION_DEFAULTS, PLATFORM_MONTHS, REGIMES, Regime
from .result import Withholding

__all__ = ["Payment", "REGIMES", "Regime", "Withholding", "withhold"]

# Own context: a caller's lowered precision must not round our sums. 28 digits hold any
# accepted amount (< 10**15, 2 places) times a rate exactly.
_CONTEXT = Context(prec=28)


def withhold(regime: str, payments: Any, **elections: Any) -> list[Withholding]:
    """Withholding for each of one payee's payments in one tax year, in the same order.

    Payments must be in time order. Elections: ``first_job_of_year`` (STA 2020 No. 13),
    ``full_year_deduction`` (STA 2020 No. 19), ``has_taxpayer_id`` (``us``),
    ``platform_months`` (``cn-platform-labour``: "consecutive" or "with-income").
    Raises a ``tax.errors.TaxInputError`` subclass naming the field for any bad input.
    """
    spec = REGIMES.get(regime) if type(regime) is str else None
    if spec is None:
        raise UnknownRegime("regime", regime, f"expected one of {', '.join(REGIMES)}")
    opts = _elections(spec, elections) if elections else ELECTION_DEFAULTS
    with localcontext(_CONTEXT):
        payments, months = checked_months(
            payments, spec.year_start_month, spec.exempt, spec.deductions
        )
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
