"""A result's working as labelled lines, in plain English, for finance staff."""

from __future__ import annotations

from decimal import Decimal

from .result import Withholding


def money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def explain(r: Withholding) -> list[tuple[str, str]]:
    """(label, value) rows showing how ``r.tax`` was reached."""
    if r.regime == "hk":
        return _hk(r)
    if r.regime == "us":
        return _us(r)
    if r.scope == "tax-year":
        return _cumulative(r)
    return _per_payment(r)


def _tail(r: Withholding, already: str) -> list[tuple[str, str]]:
    return [
        ("rate", percent(r.rate)),
        ("quick deduction", money(r.quick_deduction)),
        (
            f"tax = {money(r.taxable_income)} x {percent(r.rate)} - {money(r.quick_deduction)}",
            money(r.cumulative_tax),
        ),
        (f"less tax already withheld {already}", money(r.already_withheld)),
        (
            "= tax to withhold" + (" (negative: 0, carried forward)" if _carried(r) else ""),
            money(r.tax),
        ),
    ]


def _carried(r: Withholding) -> bool:
    return "carried-forward" in r.flags


def _cumulative(r: Withholding) -> list[tuple[str, str]]:
    rows = [
        ("gross paid this period", money(r.gross)),
        ("cumulative income this year", money(r.cumulative_income)),
    ]
    if r.expense:
        rows.append(("less cumulative expense (20% of income)", money(r.expense)))
    if r.cumulative_exempt:
        rows.append(("less cumulative exempt income", money(r.cumulative_exempt)))
    if "full-year-deduction" in r.flags:
        label = "less basic deduction (60,000 from January, STA 2020 No. 19)"
    else:
        unit = "month" if r.months == 1 else "months"
        if r.regime == "cn-platform-labour":
            unit += " with income"
        label = f"less basic deduction (5,000 x {r.months} {unit})"
        if "first-job-of-year" in r.flags:
            label += ", from January (STA 2020 No. 13)"
    rows.append((label, money(r.basic_deduction)))
    if r.cumulative_deductions:
        what = "other" if r.regime == "cn-platform-labour" else "special and other"
        rows.append((f"less cumulative {what} deductions", money(r.cumulative_deductions)))
    rows.append(("= cumulative taxable income (not below 0)", money(r.taxable_income)))
    return rows + _tail(r, "this year")


def _per_payment(r: Withholding) -> list[tuple[str, str]]:
    rows = [("gross of this payment", money(r.gross))]
    wages = r.scope == "month"
    if "aggregated" in r.flags:
        what = "this month" if wages else "this project this month (one payment)"
        rows.append((f"income {what}", money(r.cumulative_income)))
    if r.regime == "cn-resident-labour":
        if r.expense == Decimal("800") and r.cumulative_income <= Decimal("4000"):
            label = "less expense (800, income up to 4,000)"
        else:
            label = "less expense (20% of income over 4,000)"
        rows.append((label, money(r.expense)))
    elif wages:
        rows.append(("less basic deduction (5,000 a month)", money(r.basic_deduction)))
    else:
        rows.append(("less expense (20%: income x 80%)", money(r.expense)))
    if r.cumulative_exempt:
        rows.append(("less exempt income", money(r.cumulative_exempt)))
    rows.append(("= taxable income (not below 0)", money(r.taxable_income)))
    return rows + _tail(r, "this month" if wages else "on this project this month")


def _us(r: Withholding) -> list[tuple[str, str]]:
    (name, threshold), *_ = r.thresholds
    reportable = "yes" if "reportable" in r.flags else "no"
    if "prior-year-reported" in r.flags:
        reportable += " (a return was due for the payee last year: from the first dollar)"
    if "backup-withholding" in r.flags:
        rate_row = ("backup withholding rate (no TIN on file)", percent(r.rate))
    elif "under-threshold" in r.flags:
        rate_row = ("no backup withholding yet (no TIN, below the threshold)", percent(r.rate))
    else:
        rate_row = ("no backup withholding (TIN)", percent(r.rate))
    return [
        ("gross paid (USD)", money(r.gross)),
        ("payments this calendar year", money(r.cumulative_income)),
        (f"Form 1099 threshold ({money(threshold)} or more): reportable", reportable),
        ("payments withheld on this year (from the one reaching it)", money(r.taxable_income)),
        rate_row,
        ("backup withholding on those payments", money(r.cumulative_tax)),
        ("less already withheld this year", money(r.already_withheld)),
        ("= tax to withhold", money(r.tax)),
    ]


_HK_WHO = {
    "ir56m-subcontractor": "a sub-contractor",
    "ir56m-other": "an agent, consultant, artiste, writer etc.",
}


def _hk(r: Withholding) -> list[tuple[str, str]]:
    rows = [
        ("gross paid (HKD)", money(r.gross)),
        ("payments this year of assessment (from 1 April)", money(r.cumulative_income)),
    ]
    for name, limit in r.thresholds:
        over = "yes" if f"over-{name}" in r.flags else "no"
        who = _HK_WHO.get(name, name)
        rows.append((f"IR56M due for {who} (more than {money(limit)} a year)", over))
    rows.append(("= tax to withhold (Hong Kong has no withholding)", money(r.tax)))
    return rows
