"""Which orders a dashboard user may see: partner staff see only their partners' orders."""

from django.http import Http404
from oscar.core.loading import get_model

Order = get_model("order", "Order")
Partner = get_model("partner", "Partner")


def orders_scope(*, user, queryset):
    """``queryset`` narrowed to ``user``'s partners, unless they are platform staff.

    Oscar lets every ``is_staff`` user see all orders; here a staff user who belongs to a
    partner (a merchant) sees only orders with a line from that partner. Superusers and
    staff outside any partner (platform operations) see everything.
    """
    if user.is_superuser:
        return queryset
    partner_ids = list(Partner._default_manager.filter(users=user).values_list("pk", flat=True))
    if not partner_ids:
        return queryset if user.is_staff else queryset.none()
    own = Order._default_manager.filter(lines__partner_id__in=partner_ids).values("pk")
    return queryset.filter(pk__in=own)


def order_for_user(*, user, number: str):
    from oscar.apps.dashboard.orders.views import queryset_orders_for_user

    order = orders_scope(user=user, queryset=queryset_orders_for_user(user)).filter(number=number)
    found = order.first()
    if found is None:
        raise Http404()
    return found
