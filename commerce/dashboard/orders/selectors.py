"""What a dashboard user may see of orders: merchants only their own consignments and lines.

Platform staff (superusers, and staff who belong to no partner) see everything. A partner
user (a merchant) sees the orders holding one of its lines, and of those orders only its
own consignments and lines: never another merchant's lines, prices or supplier.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum
from django.http import Http404
from oscar.core.loading import get_model

Order = get_model("order", "Order")
Line = get_model("order", "Line")
Partner = get_model("partner", "Partner")
Consignment = get_model("order", "Consignment")


def user_partner_ids(*, user) -> list[int] | None:
    """The partners ``user`` acts for, or None for platform staff (who see everything)."""
    if user.is_superuser:
        return None
    ids = list(Partner._default_manager.filter(users=user).values_list("pk", flat=True))
    if not ids and user.is_staff:
        return None
    return ids


def user_is_platform(*, user) -> bool:
    return user_partner_ids(user=user) is None


def _own_lines_q(partner_ids: list[int], prefix: str = "") -> Q:
    return Q(**{f"{prefix}partner_id__in": partner_ids}) | Q(
        **{f"{prefix}consignment__partner_id__in": partner_ids}
    )


def orders_scope(*, user, queryset):
    """``queryset`` narrowed to the orders holding one of ``user``'s lines (no join, so
    counts and sums over it count each order once)."""
    partner_ids = user_partner_ids(user=user)
    if partner_ids is None:
        return queryset
    own = Line._default_manager.filter(_own_lines_q(partner_ids)).values("order_id")
    return queryset.filter(pk__in=own)


def order_for_user(*, user, number: str):
    from oscar.apps.dashboard.orders.views import queryset_orders_for_user

    found = (
        orders_scope(user=user, queryset=queryset_orders_for_user(user))
        .filter(number=number)
        .first()
    )
    if found is None:
        raise Http404()
    return found


def order_lines_for_user(*, user, order):
    """The lines of ``order`` that ``user`` may see and act on."""
    lines = order.lines.select_related("consignment", "partner", "product").order_by("pk")
    partner_ids = user_partner_ids(user=user)
    if partner_ids is None:
        return lines
    return lines.filter(_own_lines_q(partner_ids))


def order_consignments_for_user(*, user, order):
    consignments = Consignment.objects.filter(order=order).select_related("partner")
    partner_ids = user_partner_ids(user=user)
    if partner_ids is not None:
        consignments = consignments.filter(partner_id__in=partner_ids)
    return consignments.order_by("pk")


def consignment_for_user(*, user, order, pk) -> Consignment:
    """One of ``user``'s consignments of ``order``; another merchant's is a 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404() from None
    found = order_consignments_for_user(user=user, order=order).filter(pk=pk).first()
    if found is None:
        raise Http404()
    return found


def revenue_by_currency(*, user, orders) -> list[tuple[str, Decimal]]:
    """Revenue of ``orders`` per currency, [(currency, amount)] sorted by currency.

    Platform staff: what shoppers paid (order totals). A merchant: its own lines' prices
    plus, where the order has consignments, its consignments' shipping, duties and taxes.
    Amounts in different currencies are never added.
    """
    partner_ids = user_partner_ids(user=user)
    totals: dict[str, Decimal] = defaultdict(lambda: Decimal("0"))
    if partner_ids is None:
        rows = orders.order_by().values("currency").annotate(total=Sum("total_incl_tax"))
        for row in rows:
            totals[row["currency"]] += row["total"] or Decimal("0")
    else:
        order_ids = orders.order_by().values("pk")
        lines = (
            Line._default_manager.filter(_own_lines_q(partner_ids), order_id__in=order_ids)
            .order_by()
            .values("order__currency")
            .annotate(total=Sum("line_price_incl_tax"))
        )
        for row in lines:
            totals[row["order__currency"]] += row["total"] or Decimal("0")
        extras = (
            Consignment.objects.filter(partner_id__in=partner_ids, order_id__in=order_ids)
            .order_by()
            .values("currency")
            .annotate(s=Sum("shipping"), d=Sum("duties"), t=Sum("taxes"))
        )
        for row in extras:
            totals[row["currency"]] += (row["s"] or 0) + (row["d"] or 0) + (row["t"] or 0)
    return sorted((currency, amount) for currency, amount in totals.items() if currency)


def status_breakdown(*, orders) -> list[dict]:
    """[{"status", "freq"}]: each order counted once whatever its lines."""
    from django.db.models import Count

    return list(
        Order._default_manager.filter(pk__in=orders.order_by().values("pk"))
        .order_by("status")
        .values("status")
        .annotate(freq=Count("id"))
    )


def order_shares_for_user(*, user, order_ids) -> dict[int, Decimal] | None:
    """{order id: what the shopper paid for ``user``'s part of it}, or None for platform
    staff (who see order totals). A consignment counts in full (goods, shipping, duties,
    taxes); an order without consignments counts the merchant's own lines."""
    partner_ids = user_partner_ids(user=user)
    if partner_ids is None:
        return None
    shares: dict[int, Decimal] = defaultdict(lambda: Decimal("0"))
    with_consignments = set()
    for c in Consignment.objects.filter(order_id__in=order_ids, partner_id__in=partner_ids):
        shares[c.order_id] += c.total
        with_consignments.add(c.order_id)
    lines = (
        Line._default_manager.filter(_own_lines_q(partner_ids), order_id__in=order_ids)
        .exclude(order_id__in=with_consignments)
        .order_by()
        .values("order_id")
        .annotate(total=Sum("line_price_incl_tax"))
    )
    for row in lines:
        shares[row["order_id"]] += row["total"] or Decimal("0")
    return dict(shares)
