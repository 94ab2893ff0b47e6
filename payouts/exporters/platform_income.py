"""Export ``platform-income``: the platform's quarterly 《平台内的经营者和从业人员收入信息报送表》
(one row per creator and agency, income by category in CNY; see ``payouts.exports``)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from tax import exports as fmt

from ..exports import CHUNK, PAYOUT_CURRENCY, to_cny
from ..identity import with_personal
from ..models import Earning, PayoutLine
from . import Exporter


def rows(export) -> Iterator[tuple]:
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=16, decimal_places=2))
    tips = Q(kind__in=[Earning.Kind.GIFT, Earning.Kind.TIP])
    commission = Q(kind=Earning.Kind.COMMISSION)
    original = Q(reverses__isnull=True)
    line_rates = PayoutLine.objects.filter(
        run_id=OuterRef("payout_run_id"), creator_id=OuterRef("creator_id")
    ).values("fx_rates")[:1]
    sums = (
        export.earnings()
        .order_by()
        .values(
            "creator_id",
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
    # Identities through agencies.personal (regional stores included), a chunk at a time.
    key, head, figures = None, None, None
    rows = with_personal(
        sums.iterator(chunk_size=CHUNK), creator_id=lambda row: row["creator_id"], chunk=CHUNK
    )
    for row, personal in rows:
        this = (row["creator_id"], row["agency_id"])
        if this != key:
            if key is not None:
                yield (*head, *_income_cells(figures))
            key = this
            head = (
                personal.legal_name.strip(),
                personal.id_document_type,
                personal.id_number,
                str(row["creator__country"] or ""),
                row["agency__legal_name"] or "",
                row["agency__registration_number"] or "",
                export.period,
                PAYOUT_CURRENCY,
            )
            figures = [Decimal("0.00")] * 4
        currency, rates = row["currency"], row["rates"]
        net = to_cny(amount=row["tips_net"] + row["commission_net"], currency=currency, rates=rates)
        commission_net = to_cny(amount=row["commission_net"], currency=currency, rates=rates)
        figures[0] += to_cny(amount=row["tips_total"], currency=currency, rates=rates)
        figures[1] += net - commission_net
        figures[2] += to_cny(amount=row["commission_total"], currency=currency, rates=rates)
        figures[3] += commission_net
    if key is not None:
        yield (*head, *_income_cells(figures))


def _income_cells(figures: list[Decimal]) -> tuple[Decimal, ...]:
    tips_total, tips_net, commission_total, commission_net = figures
    return (tips_total, tips_net, commission_total, commission_net, tips_net + commission_net)


EXPORTER = Exporter(
    identifier="platform-income",
    label=_("Platform income report (quarterly)"),
    headers=fmt.PLATFORM_INCOME_HEADERS,
    sheet=fmt.PLATFORM_INCOME_SHEET,
    quarters=True,
    rows=rows,
)
