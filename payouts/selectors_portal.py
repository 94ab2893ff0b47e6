"""Reads for the agency portal: always scoped to the agencies the user is staff of.

Every function takes the user and returns only rows of that user's agencies, so a view
that asks for another agency's run or line gets nothing (and answers 404). Creators'
legal names and ID numbers come from ``agencies.personal`` (issue #17: regional stores
included), for a page's creators at once: one look-up per store, not one per row.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from agencies.models import Agency
from agencies.personal import CreatorPersonal, creators_personal_get_many

from .identity import with_personal
from .models import PayoutLine, PayoutRun
from .regimes import REGIMES, regime_label
from .runs import COUNTED_STATES

__all__ = ["regime_label"]

CHUNK = 2000


def portal_agencies(*, user) -> QuerySet[Agency]:
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    return Agency.objects.filter(staff=user).order_by("legal_name")


def portal_runs(*, user) -> QuerySet[PayoutRun]:
    return (
        PayoutRun.objects.filter(agency__in=portal_agencies(user=user))
        .select_related("agency")
        .order_by("-period", "agency__legal_name")
    )


def portal_run_get(*, user, run_id: int) -> PayoutRun:
    """The run, if it belongs to one of the user's agencies; Http404 otherwise."""
    return get_object_or_404(portal_runs(user=user), pk=run_id)


def portal_run_lines(*, run: PayoutRun) -> QuerySet[PayoutLine]:
    return run.lines.select_related("creator").order_by("creator__display_name", "creator_id")


def portal_run_lines_personal(*, run: PayoutRun) -> list[tuple[PayoutLine, CreatorPersonal]]:
    """The run's lines, each with its creator's personal values (one look-up per store)."""
    lines = list(portal_run_lines(run=run))
    personal = creators_personal_get_many(creators=[line.creator for line in lines])
    return [(line, personal[line.creator_id]) for line in lines]


def portal_line_personal(*, line: PayoutLine) -> CreatorPersonal:
    return creators_personal_get_many(creators=[line.creator])[line.creator_id]


def portal_line_get(*, user, run_id: int, creator_id: int) -> PayoutLine:
    """One creator's line of one of the user's agencies' runs; Http404 otherwise."""
    return get_object_or_404(
        PayoutLine.objects.select_related("run__agency", "creator"),
        run__in=portal_runs(user=user),
        run_id=run_id,
        creator_id=creator_id,
    )


def working_figures(*, line: PayoutLine) -> dict[str, Decimal | int | str]:
    """The engine's working as Decimals (rate, quick deduction, cumulative figures)."""
    working = line.working or {}
    out: dict[str, Decimal | int | str] = {}
    for key in (
        "rate",
        "quick_deduction",
        "expense",
        "basic_deduction",
        "cumulative_income",
        "cumulative_deductions",
        "cumulative_taxable",
        "cumulative_tax",
        "already_withheld",
    ):
        try:
            # A missing key reads as zero whatever the default: an unreadable value is
            # caught below and read as zero too.
            out[key] = Decimal(str(working.get(key, "0")))  # pragma: no mutate
        except ArithmeticError:
            out[key] = Decimal("0")
    out["months"] = working.get("months", 0)
    out["scope"] = working.get("scope", "")
    return out


# Regime labels are keyed by the engine's regime codes in one place (payouts.regimes).
REGIME_LABELS = {code: info.label for code, info in REGIMES.items()}


RUN_CSV_HEADERS = (
    _("Period"),
    _("Creator"),
    _("Name"),
    _("ID document type"),
    _("ID number (masked)"),
    _("Regime"),
    _("Gross"),
    _("Agency share"),
    _("Income"),
    _("Taxable income"),
    _("Rate"),
    _("Quick deduction"),
    _("Cumulative income"),
    _("Cumulative tax"),
    _("Already withheld"),
    _("Tax withheld"),
    _("Net"),
    _("Currency"),
)


def csv_amount(value) -> str:
    """An amount in a CSV: a plain number with two decimals, half-up ("3360.00")."""
    if value is None or value == "":
        return ""
    return f"{Decimal(str(value)).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"


def portal_run_csv_rows(*, run: PayoutRun) -> Iterator[tuple]:
    """One row per line, read with an iterator; the agency sees ID numbers masked."""
    lines = (
        run.lines.order_by("creator_id")
        .values_list(
            "creator_id",
            "period",
            "regime",
            "gross",
            "agency_share",
            "income",
            "taxable_income",
            "working",
            "tax",
            "net",
            "currency",
        )
        .iterator(chunk_size=CHUNK)
    )
    for row, personal in with_personal(lines, creator_id=lambda row: row[0], chunk=CHUNK):
        (_creator_id, period, regime, gross, share, income) = row[:6]
        taxable, working, tax, net, currency = row[6:]
        working = working or {}
        # 姓名 is the name on the identity document; amounts are plain two-decimal numbers.
        yield (
            period,
            personal.handle,
            personal.legal_name.strip(),
            personal.id_document_type,
            personal.id_number_masked,
            regime,
            csv_amount(gross),
            csv_amount(share),
            csv_amount(income),
            csv_amount(taxable),
            working.get("rate", ""),
            csv_amount(working.get("quick_deduction")),
            csv_amount(working.get("cumulative_income")),
            csv_amount(working.get("cumulative_tax")),
            csv_amount(working.get("already_withheld")),
            csv_amount(tax),
            csv_amount(net),
            currency,
        )


def portal_monthly_totals(*, user, agency: Agency, months: list[str]) -> list[dict]:
    """Gross, tax and net per month of ``months`` for one of the user's agencies."""
    totals = {
        row["period"]: row
        for row in PayoutLine.objects.filter(
            run__agency=agency,
            run__agency__staff=user,
            run__state__in=COUNTED_STATES,
            # Only the asked months are read from the result: this filter saves rows.
            period__in=months,  # pragma: no mutate
        )
        .order_by()
        .values("period")
        .annotate(gross=Sum("gross"), tax=Sum("tax"), net=Sum("net"))
    }
    zero = Decimal("0")
    return [
        {
            "period": month,
            "gross": totals.get(month, {}).get("gross") or zero,
            "tax": totals.get(month, {}).get("tax") or zero,
            "net": totals.get(month, {}).get("net") or zero,
        }
        for month in months
    ]
