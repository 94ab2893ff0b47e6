"""What an order adds to the shopper's analytics record, without adding money across
currencies.

Oscar's ``receive_order_placed`` adds every order's ``total_incl_tax`` to
``UserRecord.total_spent`` whatever its currency, so a shopper with a ¥300 and a $30
order "spent 330". One decimal column cannot hold a per-currency figure, so nothing writes
it here: the customers dashboard and the user report compute what was spent per currency
from the orders themselves (``commerce.dashboard.users``, ``commerce.dashboard.reports``),
and the admin no longer lists the column. Every other counter is kept as Oscar keeps it.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from oscar.apps.analytics import receivers as oscar_analytics
from oscar.core.loading import get_model


def order_placed_record(sender, order, user, **kwargs) -> None:
    if kwargs.get("raw", False):
        return
    oscar_analytics._record_products_in_order(order)
    if user and user.is_authenticated:
        user_order_record(user=user, order=order)


def user_order_record(*, user, order) -> None:
    """Count one more order, its lines and items, for ``user``."""
    UserRecord = get_model("analytics", "UserRecord")
    counts = {
        "num_orders": 1,
        "num_order_lines": order.num_lines,
        "num_order_items": order.num_items,
    }
    updated = UserRecord.objects.filter(user=user).update(
        date_last_order=order.date_placed,
        **{field: F(field) + value for field, value in counts.items()},
    )
    if not updated:
        try:
            with transaction.atomic():  # a savepoint: a lost race must not break the order
                UserRecord.objects.create(user=user, date_last_order=order.date_placed, **counts)
        except IntegrityError:  # another process created it between the update and here
            user_order_record(user=user, order=order)


def order_analytics_install() -> None:
    """Replace Oscar's order receiver with ``order_placed_record``."""
    from oscar.apps.order.signals import order_placed

    order_placed.disconnect(oscar_analytics.receive_order_placed)
    order_placed.connect(order_placed_record, dispatch_uid="commerce.order_placed_record")
