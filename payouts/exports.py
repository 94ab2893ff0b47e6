"""Tax exports of payout runs: what finance files with the tax office.

Kinds (layouts in ``tax.exports``):

- ``cn-wages``: lines of regime ``cn-resident-wages``, the withholding client's "正常工资
  薪金收入" import sheet (24 columns); 本期收入 is the creator's income (gross less the
  agency's share).
- ``cn-labour``: lines of ``cn-resident-labour`` (所得项目 一般劳务报酬所得) and
  ``cn-platform-labour`` (其他连续劳务报酬, the cumulative method), the 15-column
  labour-remuneration sheet.
- ``platform-income``: the platform's quarterly report of creators' identity and income
  by kind (gifts and tips 打赏, commission 佣金), per creator and earning currency, from
  the earnings taken into the period's runs (reversals net out).

Periods: ``YYYY-MM`` for every kind; ``YYYY-Qn`` (the three months of a quarter) for
``platform-income`` only. Only runs computed or later count; a period (and agency) without
one is an ``ExportError``. Non-resident regimes have their own returns and are not here.
Full ID numbers go into the files (the tax office needs them), never into logs.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from agencies.models import Agency
from tax import exports as fmt

from .models import Earning, PayoutLine, PayoutRun
from .runs import COUNTED_STATES

logger = logging.getLogger(__name__)

EXPORT_KINDS = ("cn-wages", "cn-labour", "platform-income")
CHUNK = 2000
_MONTH_RE = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_QUARTER_RE = re.compile(r"(\d{4})-Q([1-4])")
LABOUR_ITEMS = {
    "cn-resident-labour": fmt.INCOME_ITEM_LABOUR,
    "cn-platform-labour": fmt.INCOME_ITEM_LABOUR_CONTINUOUS,
}
IDENTITY = (
    "creator__handle",
    "creator__user__first_name",
    "creator__user__last_name",
    "creator__display_name",
    "creator__id_document_type",
    "creator__id_number",
)


class ExportError(Exception):
    """An export that cannot be made; the message says why (one readable line)."""


def export_months(*, kind: str, period: str) -> tuple[str, ...]:
    """The months ("YYYY-MM") a period covers: a month, or a quarter for platform income."""
    period = (period or "").strip().upper()
    if _MONTH_RE.fullmatch(period):
        return (period,)
    match = _QUARTER_RE.fullmatch(period)
    if match and kind == "platform-income":
        year, quarter = match.group(1), int(match.group(2))
        return tuple(f"{year}-{m:02d}" for m in range(quarter * 3 - 2, quarter * 3 + 1))
    if kind == "platform-income":
        raise ExportError(_("Period must be YYYY-MM or YYYY-Qn, e.g. 2026-Q3."))
    raise ExportError(_("Period must be YYYY-MM."))


def person_name(*, first: str, last: str, display: str) -> str:
    """The legal name from the user account (family name first in Chinese), else the
    display name."""
    first, last = (first or "").strip(), (last or "").strip()
    if not (first or last):
        return display
    if not (first + last).isascii():
        return f"{last}{first}"
    return f"{first} {last}".strip()


@dataclass
class TaxExport:
    kind: str
    period: str
    runs: QuerySet[PayoutRun]
    agency: Agency | None = None
    headers: tuple[str, ...] = field(default=())
    sheet: str = ""

    def filename(self, *, extension: str) -> str:
        who = f"-{self.agency.code}" if self.agency else ""
        return f"tax-{self.kind}-{self.period}{who}.{extension}"

    def rows(self) -> Iterator[tuple]:
        if self.kind == "cn-wages":
            return self._wages()
        if self.kind == "cn-labour":
            return self._labour()
        return self._platform_income()

    def _lines(self, regimes) -> QuerySet:
        return (
            PayoutLine.objects.filter(run__in=self.runs, regime__in=regimes)
            .order_by("period", "run_id", "creator_id")
            .values_list(*IDENTITY, "regime", "income", "run_id", "period")
        )

    def _wages(self) -> Iterator[tuple]:
        for handle, first, last, display, doc, number, _r, income, run_id, period in self._lines(
            ["cn-resident-wages"]
        ).iterator(chunk_size=CHUNK):
            name = person_name(first=first, last=last, display=display)
            yield (handle, name, doc, number, income, *[""] * 18, f"{period} run {run_id}")

    def _labour(self) -> Iterator[tuple]:
        for (
            handle,
            first,
            last,
            display,
            doc,
            number,
            regime,
            income,
            run_id,
            period,
        ) in self._lines(list(LABOUR_ITEMS)).iterator(chunk_size=CHUNK):
            name = person_name(first=first, last=last, display=display)
            yield (
                handle,
                name,
                doc,
                number,
                LABOUR_ITEMS[regime],
                income,
                *[""] * 8,
                f"{period} run {run_id}",
            )

    def _platform_income(self) -> Iterator[tuple]:
        zero = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
        tips = Q(kind__in=[Earning.Kind.GIFT, Earning.Kind.TIP])
        sums = (
            Earning.objects.filter(payout_run__in=self.runs)
            .order_by()
            .values("creator_id", *IDENTITY, "creator__country", "agency__code", "currency")
            .annotate(
                tips=Coalesce(Sum("amount", filter=tips), zero),
                commission=Coalesce(Sum("amount", filter=Q(kind=Earning.Kind.COMMISSION)), zero),
            )
            .order_by("creator_id", "agency__code", "currency")
        )
        for row in sums.iterator(chunk_size=CHUNK):
            yield (
                person_name(
                    first=row["creator__user__first_name"],
                    last=row["creator__user__last_name"],
                    display=row["creator__display_name"],
                ),
                row["creator__id_document_type"],
                row["creator__id_number"],
                row["creator__country"],
                row["agency__code"] or "",
                self.period,
                row["currency"],
                row["tips"],
                row["commission"],
                row["tips"] + row["commission"],
            )


def tax_export_prepare(*, kind: str, period: str, agency_code: str = "") -> TaxExport:
    """Check the request and find the runs; ``ExportError`` with the reason otherwise."""
    if kind not in EXPORT_KINDS:
        raise ExportError(
            _("Unknown export kind %(kind)r; use one of %(kinds)s.")
            % {"kind": kind, "kinds": ", ".join(EXPORT_KINDS)}
        )
    months = export_months(kind=kind, period=period)
    agency = None
    if agency_code:
        agency = Agency.objects.filter(code=agency_code).first()
        if agency is None:
            raise ExportError(_("Unknown agency %(code)r.") % {"code": agency_code})
    runs = PayoutRun.objects.filter(period__in=months, state__in=COUNTED_STATES)
    if agency is not None:
        runs = runs.filter(agency=agency)
    label = (period or "").strip().upper()
    if not runs.exists():
        raise ExportError(
            _("No computed payout run for %(period)s%(agency)s: compute the run first.")
            % {"period": label, "agency": f" ({agency.code})" if agency else ""}
        )
    headers, sheet = {
        "cn-wages": (fmt.CN_WAGES_HEADERS, fmt.CN_WAGES_SHEET),
        "cn-labour": (fmt.CN_LABOUR_HEADERS, fmt.CN_LABOUR_SHEET),
        "platform-income": (fmt.PLATFORM_INCOME_HEADERS, fmt.PLATFORM_INCOME_SHEET),
    }[kind]
    logger.info("tax export %s %s agency=%s", kind, label, agency.code if agency else "-")
    return TaxExport(
        kind=kind, period=label, runs=runs, agency=agency, headers=headers, sheet=sheet
    )
