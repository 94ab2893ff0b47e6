"""The shopper's order history grouped by consignment (selectors, reads only).

A bounded number of queries whatever the number of parcels and lines: the consignments
with their merchant, then their lines with product and stock record (and their
attributes, which ``Line.description`` reads), then any lines
written before consignments existed (shown as one parcel "without a merchant").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from oscar.core.loading import get_model

ZERO = Decimal("0")


@dataclass
class OrderParcels:
    parcels: list = field(default_factory=list)
    unassigned: list = field(default_factory=list)  # lines of a pre-consignment order
    goods: Decimal = ZERO
    shipping: Decimal = ZERO
    charges: Decimal = ZERO  # duties and import taxes paid at checkout
    border_estimate: Decimal = ZERO  # to be collected at delivery, not paid to us


def order_parcels_get(*, order) -> OrderParcels:
    """``order``'s consignments (merchant, lines, products) and their sums."""
    Consignment = get_model("order", "Consignment")
    Line = get_model("order", "Line")
    # ``Line.description`` reads the line's attributes: fetched once for all lines.
    lines = (
        Line.objects.select_related("product", "stockrecord")
        .prefetch_related("attributes")
        .order_by("pk")
    )
    parcels = list(
        Consignment.objects.filter(order=order)
        .select_related("partner")
        .prefetch_related(Prefetch("lines", queryset=lines))
    )
    found = OrderParcels(parcels=parcels)
    if not parcels:
        found.unassigned = list(lines.filter(order=order))
    for parcel in parcels:
        found.goods += parcel.goods
        found.shipping += parcel.shipping
        found.charges += parcel.duties + parcel.taxes
        found.border_estimate += parcel.border_estimate
    return found


def orders_parcels_get(*, orders) -> dict[int, list]:
    """{order id: [consignment, ...]} for a page of orders, in one query."""
    Consignment = get_model("order", "Consignment")
    by_order: dict[int, list] = {}
    ids = [order.pk for order in orders]
    for parcel in Consignment.objects.filter(order_id__in=ids).select_related("partner"):
        by_order.setdefault(parcel.order_id, []).append(parcel)
    return by_order
