"""The regimes: how each computes a year's (or a payment's) withholding.

Each computation works from figures accumulated within its scope, rounds the tax due on
them half-up to 0.01 and subtracts what was already withheld, so rounding never drifts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from tax.errors import InvalidElection, InvalidPeriod

from .payment import Payment
from .result import Withholding
from .tables import (
    CENT,
    CN_FIRST_JOB,
    CN_FULL_YEAR_DEDUCTION,
    CN_NONRESIDENT_LABOUR,
    CN_NONRESIDENT_WAGES,
    CN_PLATFORM_LABOUR,
    CN_RESIDENT_LABOUR,
    CN_RESIDENT_WAGES,
    HK_IR56M_THRESHOLDS,
    US_BACKUP_RATE,
    US_REPORTING_THRESHOLD,
    Dated,
)

ZERO = Decimal("0")
NIL = Decimal("0.00")
# Results are built with tuple.__new__ and a positional tuple (field order of Withholding):
# it skips the generated keyword-handling __new__, which costs more than the tax itself.
_new = tuple.__new__
HALF_UP = ROUND_HALF_UP

# Election defaults; a regime lists the ones it honours. STA 2025 No. 16 counts months of
# "连续" income: "consecutive" restarts the count after a month without a payment,
# "with-income" counts every month with a payment (reference section 10.3, unsettled).
ELECTION_DEFAULTS: dict[str, Any] = {
    "first_job_of_year": False,
    "full_year_deduction": False,
    "has_taxpayer_id": True,
    "platform_months": "consecutive",
    "prior_year_reported": False,
}
PLATFORM_MONTHS = ("consecutive", "with-income")

_rule_cache: dict[tuple[int, int], Dated[Any]] = {}


def rule_at(rows: tuple[Dated[Any], ...], index: int, i: int, period: str, what: str) -> Any:
    """The row of ``rows`` in force in month ``index`` (year*12 + month-1), cached.

    ``i`` and ``period`` (payment number and its period) only name the field in an error.
    """
    key = (id(rows), index)
    row = _rule_cache.get(key)
    if row is None:
        day = date(index // 12, index % 12 + 1, 1)
        for candidate in rows:
            if candidate.covers(day):
                row = _rule_cache[key] = candidate
                break
        else:
            spans = "; ".join(
                f"{r.valid_from.isoformat()} to {r.valid_to or 'open'} ({r.source})" for r in rows
            )
            raise InvalidPeriod(
                f"payments[{i}].period", period, f"no {what} rule in force then; in force: {spans}"
            )
    return row


def _period_of(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@dataclass(frozen=True, slots=True)
class Regime:
    code: str
    title: str  # plain English, for statements and the CLI
    currency: str
    year_start_month: int  # the tax year's first month
    exempt: bool  # exempt income may be given
    deductions: bool  # Payment.deductions may be given
    elections: frozenset[str]
    compute: Callable[[Regime, list[Payment], list[int], dict[str, Any]], list[Withholding]]


# --- cumulative methods: resident wages, platform labour -------------------------------


def _cumulative(
    regime: Regime, payments: list[Payment], months: list[int], opts: dict[str, Any]
) -> list[Withholding]:
    """Cumulative withholding: resident wages (STA 2018 No. 61) and platform labour.

    Platform labour (STA 2025 No. 16) takes as basic deduction, literally:
    "累计减除费用 = 5,000 元/月 × 纳税人当年截至本月在本互联网平台企业连续取得劳务报酬
    的月份数" (5,000 a month times the number of months this year, up to this month, in
    which the taxpayer consecutively (连续) obtained labour remuneration from this
    platform). A month counts only if remuneration was actually obtained in it: a month
    whose payments are all zero, or whose net income (gross less exempt income) is zero,
    is not a month with income under either reading of ``platform_months``.

    Default reading, "consecutive": the count is of the current run of consecutive months
    with income and restarts after a month without income (a month with no payment, or
    with only zero payments); income, expense and tax stay cumulative for the year. It is
    the default because it is what 连续 ("consecutively, without a break") says, and it is
    the prudent reading: a restart only lowers the deduction, so at worst more is withheld
    in the year and refunded at the annual settlement, never less withheld and owed. The
    other reading, "with-income", counts every month of the year with income.
    """
    platform = regime.code == "cn-platform-labour"
    rows = CN_PLATFORM_LABOUR if platform else CN_RESIDENT_WAGES
    first = months[0]
    first_job = opts["first_job_of_year"]
    full_year = None
    base_flags: tuple[str, ...] = ()
    if opts["full_year_deduction"]:
        row = _election_row(CN_FULL_YEAR_DEDUCTION, first, "full_year_deduction")
        if first % 12 != 0:
            raise InvalidElection(
                "full_year_deduction",
                True,
                f"needs employment from January; first period is {_period_of(first)}",
            )
        full_year = row.value
        base_flags = ("full-year-deduction",)
    elif first_job:
        _election_row(CN_FIRST_JOB, first, "first_job_of_year")
        base_flags = ("first-job-of-year",)
    restart = opts["platform_months"] == "consecutive"
    note = regime.title

    results = []
    cum_income = cum_exempt = cum_ded = ZERO
    withheld = NIL
    run = 0
    # Sentinels, set before the first payment: month indexes are year*12 + month - 1
    # (>= 12), so any small value, or None, behaves the same; month_net is reset on the
    # first payment. Their mutants are equivalent.
    # pragma: no mutate start
    last = -2  # the last month counted as a month with income
    month = -1  # the month of the payments summed in month_net
    month_net = ZERO
    # pragma: no mutate end
    # pragma reason: months comes from checked_months(payments), one per payment, so
    # zip's strict flag never matters here.
    for i, (p, m) in enumerate(zip(payments, months, strict=True)):  # pragma: no mutate
        rule = rule_at(rows, m, i, p.period, regime.code).value
        cum_income += p.gross
        cum_exempt += p.exempt
        cum_ded += p.deductions
        flags = base_flags
        if full_year is not None:
            n = 12
            basic = full_year
        else:
            if platform:
                # Months in which labour remuneration was received from this platform (see
                # the docstring): a month counts once its payments' net income (gross less
                # exempt) is above zero; a month of zero payments only does not count,
                # and under "consecutive" it breaks the run.
                if m != month:
                    month, month_net = m, ZERO
                month_net += p.gross - p.exempt
                if month_net <= 0:
                    flags = (*flags, "no-income-month")
                elif m != last:
                    if restart and m != last + 1 and run:
                        run = 0
                        flags = (*flags, "months-restarted")
                    run += 1
                    last = m
                n = run
            elif first_job:
                n = m % 12 + 1  # months from January (STA 2020 No. 13)
            else:
                n = m - first + 1  # months employed here this year
            basic = rule.monthly_deduction * n
        # With a zero expense rate (wages) income x 0 is 0 too: the test is a shortcut.
        expense = cum_income * rule.expense_rate if rule.expense_rate else ZERO  # pragma: no mutate
        taxable = cum_income - expense - cum_exempt - basic - cum_ded
        # A taxable 0 is 0 either way: `<` and `<=` agree.
        if taxable < 0:  # pragma: no mutate
            taxable = ZERO
        b = rule.table.bracket(taxable)
        due = (taxable * b.rate - b.quick_deduction).quantize(CENT, HALF_UP)
        tax = due - withheld
        if tax < 0:
            # No refund during the year (STA 2018 No. 61): withhold 0; the next month's
            # subtraction of tax already withheld carries the shortfall forward.
            tax = NIL
            flags = (*flags, "carried-forward")
        results.append(
            _new(
                Withholding,
                (
                    regime.code,
                    p.period,
                    p.project,
                    regime.currency,
                    "tax-year",
                    p.gross,
                    p.exempt,
                    p.deductions,
                    tax,
                    taxable,
                    b.rate,
                    b.quick_deduction,
                    expense,
                    basic,
                    n,
                    cum_income,
                    cum_exempt,
                    cum_ded,
                    taxable,
                    due,
                    withheld,
                    (),
                    flags,
                    note,
                ),
            )
        )
        withheld += tax
    return results


def _election_row(rows: tuple[Dated[Any], ...], first: int, name: str) -> Dated[Any]:
    try:
        return rule_at(rows, first, 0, _period_of(first), name)
    except InvalidPeriod as exc:
        raise InvalidElection(name, True, exc.message) from None


# --- per payment: resident labour, non-resident labour and wages -----------------------


def _per_payment(
    regime: Regime, payments: list[Payment], months: list[int], opts: dict[str, Any]
) -> list[Withholding]:
    code = regime.code
    labour = code == "cn-resident-labour"
    wages = code == "cn-nonresident-wages"
    rows = (
        CN_RESIDENT_LABOUR if labour else (CN_NONRESIDENT_WAGES if wages else CN_NONRESIDENT_LABOUR)
    )
    scope = "month" if wages else "project-month"
    note = regime.title
    results = []
    # One payment per project and month (Regs Art. 14(1)); wages: per month.
    groups: dict[Any, list[Decimal]] = {}
    # pragma reason: months comes from checked_months(payments), one per payment, so
    # zip's strict flag never matters here.
    for i, (p, m) in enumerate(zip(payments, months, strict=True)):  # pragma: no mutate
        rule = rule_at(rows, m, i, p.period, code).value
        key = m if wages else (m, p.project)
        g = groups.get(key)
        if g is None:
            income, exempt, withheld = p.gross, p.exempt, NIL
            flags: tuple[str, ...] = ()
        else:
            income, exempt, withheld = g[0] + p.gross, g[1] + p.exempt, g[2]
            flags = ("aggregated",)
        basic = ZERO
        n = 0
        if labour:
            # At 4,000 exactly the flat 800 and 20% are both 800: `<` and `<=` agree.
            # pragma: no mutate start
            expense = rule.flat_expense if income <= rule.flat_limit else income * rule.expense_rate
            # pragma: no mutate end
            taxable = income - expense - exempt
        elif wages:
            expense = ZERO
            basic = rule.monthly_deduction
            n = 1
            taxable = income - exempt - basic
        else:
            share = income * rule.income_share
            expense = income - share
            taxable = share - exempt
        # A taxable 0 is 0 either way: `<` and `<=` agree.
        if taxable < 0:  # pragma: no mutate
            taxable = ZERO
        b = rule.table.bracket(taxable)
        due = (taxable * b.rate - b.quick_deduction).quantize(CENT, HALF_UP)
        tax = due - withheld
        if tax < 0:
            tax = NIL
            flags = (*flags, "carried-forward")
        groups[key] = [income, exempt, withheld + tax]
        results.append(
            _new(
                Withholding,
                (
                    code,
                    p.period,
                    p.project,
                    regime.currency,
                    scope,
                    p.gross,
                    p.exempt,
                    p.deductions,
                    tax,
                    taxable,
                    b.rate,
                    b.quick_deduction,
                    expense,
                    basic,
                    n,
                    income,
                    exempt,
                    ZERO,
                    taxable,
                    due,
                    withheld,
                    (),
                    flags,
                    note,
                ),
            )
        )
    return results


# --- United States: backup withholding --------------------------------------------------


def _us(
    regime: Regime, payments: list[Payment], months: list[int], opts: dict[str, Any]
) -> list[Withholding]:
    """Backup withholding (26 U.S.C. 3406) on reportable payments only.

    3406(a) withholds on a "reportable payment"; 3406(b)(6)(A) makes a 6041 payment
    reportable only if "the aggregate amount of such payment and all previous payments"
    by the payer to the payee in the calendar year "equals or exceeds" the 6041(a)
    threshold (USD 600 before 2026, USD 2,000 for 2026: tables.US_REPORTING_
    THRESHOLD). So, without a TIN: payments before the year's total reaches the threshold
    are not withheld on, and are not withheld on later (no retroactive catch-up); the
    payment that brings the total to the threshold or beyond is withheld on in full, and
    so is every later payment of the year. With ``prior_year_reported`` (the payer had to
    file a 6041(a) return for this payee for the preceding calendar year, or withheld from
    the payee's reportable payments in it: 3406(b)(6)(B) and (C)) every payment is
    reportable from the first dollar.

    The amount withheld on is cumulated (``taxable_income``) and the tax is rounded half-up
    to the cent on that running total, less what was already withheld, so it never drifts.
    """
    backup = not opts["has_taxpayer_id"]
    prior = opts["prior_year_reported"]
    results = []
    cum = ZERO
    subject = ZERO  # payments withheld on so far this year (from the crossing one on)
    withheld = NIL
    reportable = prior
    base_flags: tuple[str, ...] = ("prior-year-reported",) if prior else ()
    # pragma reason: months comes from checked_months(payments), one per payment, so
    # zip's strict flag never matters here.
    for i, (p, m) in enumerate(zip(payments, months, strict=True)):  # pragma: no mutate
        rate = rule_at(US_BACKUP_RATE, m, i, p.period, "US backup withholding").value
        threshold = rule_at(US_REPORTING_THRESHOLD, m, i, p.period, "US 1099").value
        cum += p.gross
        flags = base_flags
        if not reportable and cum >= threshold:  # "$2,000 or more in any calendar year"
            reportable = True
        if reportable:
            flags = (*flags, "reportable")
            subject += p.gross  # the crossing payment in full, and every later one
        if backup:
            if reportable:
                flags = (*flags, "backup-withholding")
            else:
                flags = (*flags, "under-threshold")
                rate = ZERO
        else:
            rate = ZERO
        # 24% of an amount in cents never ends in exactly half a cent (24c = 50 mod 100 has
        # no solution), so HALF_UP and the context's default HALF_EVEN agree here.
        due = (subject * rate).quantize(CENT, HALF_UP)  # pragma: no mutate
        tax = due - withheld  # never negative: the amount withheld on only grows
        results.append(
            _new(
                Withholding,
                (
                    regime.code,
                    p.period,
                    p.project,
                    regime.currency,
                    "tax-year",
                    p.gross,
                    p.exempt,
                    p.deductions,
                    tax,
                    subject,
                    rate,
                    ZERO,
                    ZERO,
                    ZERO,
                    0,
                    cum,
                    ZERO,
                    ZERO,
                    subject,
                    due,
                    withheld,
                    (("form-1099", threshold),),
                    flags,
                    regime.title,
                ),
            )
        )
        withheld += tax
    return results


# --- Hong Kong: no withholding, reporting only -------------------------------------------


def _hk(
    regime: Regime, payments: list[Payment], months: list[int], opts: dict[str, Any]
) -> list[Withholding]:
    results = []
    cum = ZERO
    # pragma reason: months comes from checked_months(payments), one per payment, so
    # zip's strict flag never matters here.
    for i, (p, m) in enumerate(zip(payments, months, strict=True)):  # pragma: no mutate
        # The IR56M thresholds are in force from year 1 with no end, so rule_at never raises
        # here and the arguments that only name an error are unobservable.
        # pragma: no mutate start
        thresholds = rule_at(HK_IR56M_THRESHOLDS, m, i, p.period, "HK IR56M").value
        # pragma: no mutate end
        cum += p.gross
        flags = ("no-withholding",) + tuple(
            f"over-{name}" for name, limit in thresholds if cum > limit
        )
        results.append(
            _new(
                Withholding,
                (
                    regime.code,
                    p.period,
                    p.project,
                    regime.currency,
                    "tax-year",
                    p.gross,
                    p.exempt,
                    p.deductions,
                    NIL,
                    ZERO,
                    ZERO,
                    ZERO,
                    ZERO,
                    ZERO,
                    0,
                    cum,
                    ZERO,
                    ZERO,
                    ZERO,
                    NIL,
                    NIL,
                    thresholds,
                    flags,
                    regime.title,
                ),
            )
        )
    return results


# Runs at import only, before mutmut switches a mutant on: its mutants cannot be observed
# there (the regimes' fields are pinned by tests/tax/test_withholding_rules.py).
# pragma: no mutate start
def _regime(code, title, currency, start, exempt, deductions, elections, compute) -> Regime:
    return Regime(code, title, currency, start, exempt, deductions, frozenset(elections), compute)


# pragma: no mutate end


REGIMES: dict[str, Regime] = {
    r.code: r
    for r in (
        _regime(
            "cn-resident-wages",
            "Resident wages, cumulative withholding (STA 2018 No. 61), Table 1",
            "CNY",
            1,
            True,
            True,
            ("first_job_of_year", "full_year_deduction"),
            _cumulative,
        ),
        _regime(
            "cn-resident-labour",
            "Resident labour remuneration, per payment (STA 2018 No. 61), Table 2",
            "CNY",
            1,
            True,
            False,
            (),
            _per_payment,
        ),
        _regime(
            "cn-platform-labour",
            "Platform worker labour remuneration, cumulative (STA 2025 No. 16), Table 1",
            "CNY",
            1,
            True,
            True,
            ("full_year_deduction", "platform_months"),
            _cumulative,
        ),
        _regime(
            "cn-nonresident-wages",
            "Non-resident wages, monthly income less 5,000 (IIT Law Art. 6), Table 3",
            "CNY",
            1,
            True,
            False,
            (),
            _per_payment,
        ),
        _regime(
            "cn-nonresident-labour",
            "Non-resident labour remuneration, 80% per payment (IIT Law Art. 6), Table 3",
            "CNY",
            1,
            True,
            False,
            (),
            _per_payment,
        ),
        _regime(
            "hk",
            "Hong Kong: no withholding; IR56M return for non-employees over the threshold",
            "HKD",
            4,
            False,
            False,
            (),
            _hk,
        ),
        _regime(
            "us",
            "United States: 24% backup withholding without a TIN; Form 1099 threshold",
            "USD",
            1,
            False,
            False,
            ("has_taxpayer_id", "prior_year_reported"),
            _us,
        ),
    )
}
