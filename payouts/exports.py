"""Tax exports of payout runs: what finance files with the tax office.

Kinds (layouts in ``tax.exports``; reference: income-tax-withholding.md §4, §5, §8):

- ``cn-wages``: lines of regime ``cn-resident-wages``, the withholding client's "正常工资
  薪金收入" import sheet (§8.1, 24 columns); 本期收入 is the creator's income (gross less
  the agency's share).
- ``cn-labour``: lines of ``cn-resident-labour`` (所得项目 一般劳务报酬所得) and
  ``cn-platform-labour`` (其他连续劳务报酬, the cumulative method), the 15-column
  labour-remuneration sheet (§8.2).
- ``cn-nonresident``: lines of ``cn-nonresident-wages`` (所得项目 正常工资薪金) and
  ``cn-nonresident-labour`` (一般劳务报酬所得), one row per line in the 52-column
  withholding-return layout of §8.6 with 是否为非居民个人 = 是. Why not the §8.1/§8.2
  sheets: those are the residents' comprehensive-income (cumulative) imports, and a
  non-resident is taxed per month or per payment on Table 3 with no annual
  reconciliation (§5.1); §8.6 is the one layout the reference documents that carries the
  non-resident flag and the working (费用 = 20% for labour, 减除费用 = 5,000 for wages,
  应纳税所得额, 税率, 速算扣除数, 应纳税额). Figures come from the line's ``working``:
  收入 and 应补退税额 are the line's own income and tax; when the engine aggregated the
  line with an earlier payment of the same month (flag ``aggregated``), 费用, 累计收入额,
  累计应纳税所得额 and 应纳税额 are the month's, 已缴税额 is what was withheld before, and
  备注 says so. 纳税人识别号 is left blank (the client assigns it on registration).
- ``platform-income``: the platform's quarterly 《平台内的经营者和从业人员收入信息报送表》
  (Decree 810 Art. 4, STA 2025 No. 15): one row per creator and agency (personal
  accounts: no agency) with identity, the agency (live-streaming platforms report the
  streamer ↔ agency relation) and income by category: 打赏 (gifts and tips) and 佣金
  (commission), each 总额 (earnings before reversals) and 净额 (after reversals), in CNY.
  Confirmed by the reference: the content (identity, income by category, total and net,
  tips/gifts and commission, the agency relation) and the quarterly period. Our design:
  the column headers and order, reporting the creator's earnings (before the agency's
  share), and one row per agency. Amounts: every earning taken into a run is converted
  the way that run converted it, with the rate recorded on the creator's line
  (``PayoutLine.fx_rates``), per run and currency summed then rounded to the fen half-up;
  净额 then adds up exactly to the lines' gross (a rounding fen falls on 打赏).

Names and identity (decision): a filing must carry the name on the identity document
(``Creator.legal_name``), its type and number; the client rejects or mis-files a return
whose name does not match the ID. An export therefore never falls back to the display
name: when any creator it would contain lacks a legal name, a document type or number,
it is refused (``ExportError``) with the handles of those creators and what each lacks,
and nothing is written. Finance completes them in the admin and exports again.

Periods: ``YYYY-MM`` for every kind; ``YYYY-Qn`` (the three months of a quarter) for
``platform-income`` only. Only runs computed or later count; a period (and agency) without
one is an ``ExportError``. Full ID numbers go into the files (the tax office needs them),
never into logs or error messages (those name creators by handle).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from agencies.models import Agency, Creator
from tax import exports as fmt
from tax.money import quantize_money

from .models import Earning, PayoutLine, PayoutRun
from .periods import Period, PeriodError
from .runs import COUNTED_STATES, PAYOUT_CURRENCY

logger = logging.getLogger(__name__)

EXPORT_KINDS = ("cn-wages", "cn-labour", "cn-nonresident", "platform-income")
CHUNK = 2000
# Creators named in a refusal; the rest are counted.
MISSING_LISTED = 20
_BLANK = r"^\s*$"
CENT = Decimal("0.01")
KIND_REGIMES = {
    "cn-wages": ("cn-resident-wages",),
    "cn-labour": ("cn-resident-labour", "cn-platform-labour"),
    "cn-nonresident": ("cn-nonresident-wages", "cn-nonresident-labour"),
}
INCOME_ITEMS = {
    "cn-resident-labour": fmt.INCOME_ITEM_LABOUR,
    "cn-platform-labour": fmt.INCOME_ITEM_LABOUR_CONTINUOUS,
    "cn-nonresident-wages": fmt.INCOME_ITEM_WAGES,
    "cn-nonresident-labour": fmt.INCOME_ITEM_LABOUR,
}
LAYOUTS = {
    "cn-wages": (fmt.CN_WAGES_HEADERS, fmt.CN_WAGES_SHEET),
    "cn-labour": (fmt.CN_LABOUR_HEADERS, fmt.CN_LABOUR_SHEET),
    "cn-nonresident": (fmt.CN_NONRESIDENT_HEADERS, fmt.CN_NONRESIDENT_SHEET),
    "platform-income": (fmt.PLATFORM_INCOME_HEADERS, fmt.PLATFORM_INCOME_SHEET),
}
IDENTITY = (
    "creator__handle",
    "creator__legal_name",
    "creator__id_document_type",
    "creator__id_number",
)
NONRESIDENT_YES = "是"
AGGREGATED_REMARK = "与本月此前支付合并计税"


class ExportError(Exception):
    """An export that cannot be made; the message says why (one readable line)."""


def export_months(*, kind: str, period: str) -> tuple[str, ...]:
    """The months ("YYYY-MM") a period covers: a month, or a quarter for platform income."""
    try:
        parsed = Period.parse(period, quarters=kind == "platform-income")
    except PeriodError as exc:
        raise ExportError(str(exc)) from None
    return parsed.month_codes


def person_name(*, first: str, last: str, display: str) -> str:
    """A readable name from the user account (family name first in Chinese), else the
    display name. For screens and agency reports only (``selectors_portal``): filings use
    ``Creator.legal_name`` and never fall back to it."""
    first, last = (first or "").strip(), (last or "").strip()
    if not (first or last):
        return display
    if not (first + last).isascii():
        return f"{last}{first}"
    return f"{first} {last}".strip()


def _amount(value) -> Decimal:
    """An engine figure (a JSON string) as a Decimal shown with at least 2 places; exact
    figures with more places (taxable income) stay exact."""
    number = Decimal(str(value or "0"))
    cents = number.quantize(CENT)
    return cents if cents == number else number


def _to_cny(*, amount: Decimal, currency: str, rates: dict | None) -> Decimal:
    """``amount`` converted as the run converted it: the line's recorded rate, to the fen
    half-up (``payouts.runs``)."""
    if currency == PAYOUT_CURRENCY:
        return amount
    rate = (rates or {}).get(currency)
    if rate is None:
        # Every earning of a counted run has its creator's line with the rate it used.
        raise ExportError(
            _("No recorded %(currency)s rate on a payout line; the run is inconsistent.")
            % {"currency": currency}
        )
    return quantize_money(amount * Decimal(rate), PAYOUT_CURRENCY, ROUND_HALF_UP)


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

    def creators(self) -> QuerySet[Creator]:
        """The creators this export contains."""
        if self.kind == "platform-income":
            ids = Earning.objects.filter(payout_run__in=self.runs).values("creator_id")
        else:
            ids = self._line_rows().values("creator_id")
        return Creator.objects.filter(pk__in=ids)

    def rows(self) -> Iterator[tuple]:
        if self.kind == "cn-wages":
            return self._wages()
        if self.kind == "cn-labour":
            return self._labour()
        if self.kind == "cn-nonresident":
            return self._nonresident()
        return self._platform_income()

    def _line_rows(self) -> QuerySet[PayoutLine]:
        return PayoutLine.objects.filter(run__in=self.runs, regime__in=KIND_REGIMES[self.kind])

    def _lines(self, *extra: str) -> Iterator[tuple]:
        return (
            self._line_rows()
            .order_by("period", "run_id", "creator_id")
            .values_list(*IDENTITY, "regime", "income", "run_id", "period", *extra)
            .iterator(chunk_size=CHUNK)
        )

    def _wages(self) -> Iterator[tuple]:
        for handle, name, doc, number, _regime, income, run_id, period in self._lines():
            yield (handle, name.strip(), doc, number, income, *[""] * 18, f"{period} run {run_id}")

    def _labour(self) -> Iterator[tuple]:
        for handle, name, doc, number, regime, income, run_id, period in self._lines():
            yield (
                handle,
                name.strip(),
                doc,
                number,
                INCOME_ITEMS[regime],
                income,
                *[""] * 8,
                f"{period} run {run_id}",
            )

    def _nonresident(self) -> Iterator[tuple]:
        rows = self._lines("working", "tax")
        for n, row in enumerate(rows, start=1):
            _handle, name, doc, number, regime, income, run_id, period, working, tax = row
            remark = f"{period} run {run_id}"
            if "aggregated" in (working.get("flags") or ()):
                remark = f"{remark}; {AGGREGATED_REMARK}"
            basic = _amount(working.get("basic_deduction"))
            yield (
                n,
                name.strip(),
                doc,
                number,
                "",  # 纳税人识别号: assigned by the client
                NONRESIDENT_YES,
                INCOME_ITEMS[regime],
                income,  # 收入
                _amount(working.get("expense")),  # 费用
                "",  # 免税收入
                basic,  # 减除费用
                *[""] * 19,  # 基本养老保险费 … 其他: none known
                _amount(working.get("cumulative_income")),  # 累计收入额 (the month's)
                basic,  # 累计减除费用
                *[""] * 11,  # 累计专项扣除 … 准予扣除的捐赠额: none for non-residents
                _amount(working.get("taxable_income")),  # 累计应纳税所得额
                Decimal(str(working.get("rate") or "0")),  # 税率/预扣率
                _amount(working.get("quick_deduction")),  # 速算扣除数
                _amount(working.get("cumulative_tax")),  # 应纳税额
                "",  # 减免税额
                "",  # 协定减免
                _amount(working.get("already_withheld")),  # 已缴税额
                tax,  # 应补退税额: this line's withholding
                remark,
            )

    def _platform_income(self) -> Iterator[tuple]:
        zero = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
        tips = Q(kind__in=[Earning.Kind.GIFT, Earning.Kind.TIP])
        commission = Q(kind=Earning.Kind.COMMISSION)
        original = Q(reverses__isnull=True)
        line_rates = PayoutLine.objects.filter(
            run_id=OuterRef("payout_run_id"), creator_id=OuterRef("creator_id")
        ).values("fx_rates")[:1]
        sums = (
            Earning.objects.filter(payout_run__in=self.runs)
            .order_by()
            .values(
                "creator_id",
                *IDENTITY,
                "creator__country",
                "agency_id",
                "agency__legal_name",
                "agency__registration_number",
                "payout_run_id",
                "currency",
            )
            .annotate(
                tips_total=Coalesce(Sum("amount", filter=tips & original), zero),
                tips_net=Coalesce(Sum("amount", filter=tips), zero),
                commission_total=Coalesce(Sum("amount", filter=commission & original), zero),
                commission_net=Coalesce(Sum("amount", filter=commission), zero),
                rates=Subquery(line_rates),
            )
            .order_by("creator_id", "agency_id", "payout_run_id", "currency")
        )
        # Rows come grouped per creator, agency, run and currency, in creator and agency
        # order: fold each (creator, agency) into one row, converting per run and currency.
        key, head, figures = None, None, None
        for row in sums.iterator(chunk_size=CHUNK):
            this = (row["creator_id"], row["agency_id"])
            if this != key:
                if key is not None:
                    yield (*head, *self._income_cells(figures))
                key = this
                head = (
                    row["creator__legal_name"].strip(),
                    row["creator__id_document_type"],
                    row["creator__id_number"],
                    str(row["creator__country"] or ""),
                    row["agency__legal_name"] or "",
                    row["agency__registration_number"] or "",
                    self.period,
                    PAYOUT_CURRENCY,
                )
                figures = [Decimal("0.00")] * 4
            currency, rates = row["currency"], row["rates"]
            net = _to_cny(
                amount=row["tips_net"] + row["commission_net"], currency=currency, rates=rates
            )
            commission_net = _to_cny(amount=row["commission_net"], currency=currency, rates=rates)
            figures[0] += _to_cny(amount=row["tips_total"], currency=currency, rates=rates)
            figures[1] += net - commission_net
            figures[2] += _to_cny(amount=row["commission_total"], currency=currency, rates=rates)
            figures[3] += commission_net
        if key is not None:
            yield (*head, *self._income_cells(figures))

    @staticmethod
    def _income_cells(figures: list[Decimal]) -> tuple[Decimal, ...]:
        tips_total, tips_net, commission_total, commission_net = figures
        return (tips_total, tips_net, commission_total, commission_net, tips_net + commission_net)


def _identity_refusal(*, export: TaxExport) -> None:
    """Refuse an export containing creators without the identity a filing needs."""
    blank_name = Q(legal_name__regex=_BLANK)
    blank_type = Q(id_document_type__regex=_BLANK)
    blank_number = Q(id_number__regex=_BLANK)
    missing = export.creators().filter(blank_name | blank_type | blank_number)
    listed = list(
        missing.order_by("handle").values_list(
            "handle", "legal_name", "id_document_type", "id_number"
        )[: MISSING_LISTED + 1]
    )
    if not listed:
        return
    total = len(listed) if len(listed) <= MISSING_LISTED else missing.count()
    parts = []
    for handle, name, doc, number in listed[:MISSING_LISTED]:
        lacks = [
            label
            for label, value in (
                (_("legal name"), name),
                (_("ID type"), doc),
                (_("ID number"), number),
            )
            if not (value or "").strip()
        ]
        parts.append(f"{handle} ({', '.join(lacks)})")
    if total > MISSING_LISTED:
        parts.append(_("and %(count)d more") % {"count": total - MISSING_LISTED})
    raise ExportError(
        _(
            "%(count)d creator(s) lack the legal name or identity document a filing needs "
            "(the display name is never used): %(creators)s. Complete them and export again."
        )
        % {"count": total, "creators": "; ".join(parts)}
    )


def tax_export_prepare(*, kind: str, period: str, agency_code: str = "") -> TaxExport:
    """Check the request and find the runs; ``ExportError`` with the reason otherwise.

    Nothing is read row by row here: the caller streams ``TaxExport.rows()``.
    """
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
    scoped = PayoutRun.objects.filter(period__in=months)
    if agency is not None:
        scoped = scoped.filter(agency=agency)
    runs = scoped.filter(state__in=COUNTED_STATES)
    label = (period or "").strip().upper()
    if not runs.exists():
        where = {"period": label, "agency": f" ({agency.code})" if agency else ""}
        states = sorted(set(scoped.values_list("state", flat=True)))
        if states:
            raise ExportError(
                _(
                    "No computed payout run for %(period)s%(agency)s (runs found: "
                    "%(states)s): compute the run first."
                )
                % {**where, "states": ", ".join(states)}
            )
        raise ExportError(
            _("No computed payout run for %(period)s%(agency)s: compute the run first.") % where
        )
    headers, sheet = LAYOUTS[kind]
    export = TaxExport(
        kind=kind, period=label, runs=runs, agency=agency, headers=headers, sheet=sheet
    )
    _identity_refusal(export=export)
    logger.info("tax export %s %s agency=%s", kind, label, agency.code if agency else "-")
    return export
