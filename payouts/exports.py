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
(the legal name), its type and number, read through ``agencies.personal`` (issue #17: a
creator homed outside the global region has them in their region's store; rows stream in
chunks, each resolved with one look-up per store); the client rejects or mis-files a return
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

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from agencies.models import Agency, Creator
from tax.money import quantize_money

from .exporters import EXPORTERS, exporter_get
from .identity import creators_identity_missing, with_personal
from .models import Earning, PayoutLine, PayoutRun, Transfer
from .periods import Period, PeriodError
from .runs import COUNTED_STATES, PAYOUT_CURRENCY

logger = logging.getLogger(__name__)

# The kinds are the exporters' identifiers (payouts.exporters, a registry).
EXPORT_KINDS = tuple(EXPORTERS)
CHUNK = 2000
# Creators named in a refusal; the rest are counted.
MISSING_LISTED = 20
CENT = Decimal("0.01")
NONRESIDENT_YES = "是"
AGGREGATED_REMARK = "与本月此前支付合并计税"


class ExportError(Exception):
    """An export that cannot be made; the message says why (one readable line)."""


def export_months(*, kind: str, period: str) -> tuple[str, ...]:
    """The months ("YYYY-MM") a period covers: a month, or a quarter for platform income."""
    try:
        quarters = kind in EXPORTERS and exporter_get(kind).quarters
        parsed = Period.parse(period, quarters=quarters)
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


def figure_amount(value) -> Decimal:
    """An engine figure (a JSON string) as a Decimal shown with at least 2 places; exact
    figures with more places (taxable income) stay exact."""
    number = Decimal(str(value or "0"))
    cents = number.quantize(CENT)
    return cents if cents == number else number


def to_cny(*, amount: Decimal, currency: str, rates: dict | None) -> Decimal:
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
            ids = self.earnings().values("creator_id")
        else:
            ids = self._line_rows().values("creator_id")
        return Creator.objects.filter(pk__in=ids)

    def held(self) -> list[dict]:
        """Creators left out because they were held from their run until their identity
        is on file (identity before money): handle, period, what is missing, by handle.
        Paid once their identity is complete, they are exported then.

        A personal run holds the creator's transfer (``payouts.transfers``): the line is
        there, held. An agency run holds the creator at computing (``payouts.runs``): no
        line, their earnings of the run's period stay available, so those are listed
        while their identity is still incomplete.
        """
        held = list(
            PayoutLine.objects.filter(run__in=self.runs)
            .filter(Exists(_identity_holds()))
            .values_list("creator_id", "period")
        )
        waiting = []  # agency runs: creators with earnings of the period still available
        agency_runs = self.runs.filter(agency__isnull=False).values_list("period", "agency_id")
        agencies_by_period: dict[str, set[int]] = {}
        for period, agency_id in agency_runs:
            agencies_by_period.setdefault(period, set()).add(agency_id)
        for period, agency_ids in sorted(agencies_by_period.items()):  # a query per month
            end = Period.parse(period).bounds()[1]
            creator_ids = (
                Earning.objects.filter(
                    agency_id__in=agency_ids,
                    channel=Earning.Channel.AGENCY,
                    state=Earning.State.AVAILABLE,
                    occurred_at__lt=end,
                )
                .order_by()
                .values_list("creator_id", flat=True)
                .distinct()
            )
            waiting.extend((creator_id, period) for creator_id in creator_ids)
        missing = creators_identity_missing(
            creator_ids={creator_id for creator_id, _period in held + waiting}
        )
        # A held transfer keeps its line out of the file until it is re-sent, even once
        # the identity is complete; an agency run's creator is held only while incomplete.
        held += [(creator_id, period) for creator_id, period in waiting if creator_id in missing]
        ids = {creator_id for creator_id, _period in held}
        handles = dict(Creator.objects.filter(pk__in=ids).values_list("pk", "handle"))
        return [
            {"handle": handle, "period": period, "missing": missing.get(creator_id, [])}
            for handle, period, creator_id in sorted(
                {(handles[creator_id], period, creator_id) for creator_id, period in held}
            )
        ]

    def held_summary(self) -> str:
        """One readable line naming the held creators (empty when none)."""
        held = self.held()
        if not held:
            return ""
        parts = [f"{h['handle']} {h['period']} ({', '.join(h['missing'])})" for h in held]
        return _(
            "Not in this file, held from their run until their identity is on file: %(creators)s."
        ) % {"creators": "; ".join(parts)}

    def earnings(self) -> QuerySet[Earning]:
        holds = _identity_holds(run="payout_run_id")
        return Earning.objects.filter(payout_run__in=self.runs).exclude(Exists(holds))

    def rows(self) -> Iterator[tuple]:
        return exporter_get(self.kind).rows(self)

    def _line_rows(self) -> QuerySet[PayoutLine]:
        regimes = exporter_get(self.kind).regimes
        lines = PayoutLine.objects.filter(run__in=self.runs, regime__in=regimes)
        return lines.exclude(Exists(_identity_holds()))

    def lines(self, *extra: str) -> Iterator[tuple]:
        """(handle, legal name, ID type, ID number, regime, income, run id, period, *extra)
        per line; identities through ``agencies.personal``, a chunk at a time."""
        rows = (
            self._line_rows()
            .order_by("period", "run_id", "creator_id")
            .values_list("creator_id", "regime", "income", "run_id", "period", *extra)
            # The chunk size bounds memory only; every row comes whatever it is.
            .iterator(chunk_size=CHUNK)  # pragma: no mutate
        )
        for row, p in with_personal(rows, creator_id=lambda row: row[0], chunk=CHUNK):
            yield (p.handle, p.legal_name, p.id_document_type, p.id_number, *row[1:])


def _identity_holds(*, run: str = "run_id"):
    """Transfers of the outer row's run and creator held for identity, not re-sent."""
    return Transfer.objects.filter(
        run_id=OuterRef(run),
        creator_id=OuterRef("creator_id"),
        state=Transfer.State.HELD,
        hold=Transfer.Hold.IDENTITY,
        replaced_by__isnull=True,
    )


def _identity_refusal(*, export: TaxExport) -> None:
    """Refuse an export containing creators without the identity a filing needs, naming
    each by handle with what it lacks (``payouts.identity``, one rule)."""
    missing = creators_identity_missing(creator_ids=export.creators().values_list("pk", flat=True))
    if not missing:
        return
    total = len(missing)
    listed = (
        Creator.objects.filter(pk__in=list(missing))
        .order_by("handle")
        .values_list("pk", "handle")[:MISSING_LISTED]
    )
    parts = [f"{handle} ({', '.join(missing[pk])})" for pk, handle in listed]
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
    exporter = exporter_get(kind)
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
    export = TaxExport(
        kind=kind,
        period=label,
        runs=runs,
        agency=agency,
        headers=exporter.headers,
        sheet=exporter.sheet,
    )
    _identity_refusal(export=export)
    logger.info("tax export %s %s agency=%s", kind, label, agency.code if agency else "-")
    return export
