"""Dashboard home fork: each order counted once, revenue per currency, a merchant's own."""

from datetime import timedelta

from django.utils.timezone import now
from oscar.apps.dashboard import views as core
from oscar.apps.dashboard.views import *  # noqa: F403  (Oscar fork convention)
from oscar.core.loading import get_model

from .orders.selectors import (
    _own_lines_q,
    orders_scope,
    revenue_by_currency,
    status_breakdown,
    user_partner_ids,
)

Order = get_model("order", "Order")
Line = get_model("order", "Line")


class IndexView(core.IndexView):
    """Oscar's figures, except that orders are counted once (Oscar counts a merchant's
    order once per line) and money is summed per currency, never across currencies. The
    hourly revenue chart, which adds every currency together, is not drawn."""

    def get_hourly_report(self, orders, hours=24, segments=10):
        return {"order_total_hourly": [], "max_revenue": 0, "y_range": []}

    def get_stats(self):
        stats = super().get_stats()
        user = self.request.user
        orders = orders_scope(user=user, queryset=Order._default_manager.all())
        orders_last_day = orders.filter(date_placed__gt=now() - timedelta(hours=24))
        partner_ids = user_partner_ids(user=user)
        lines = Line._default_manager.all()
        if partner_ids is not None:
            lines = lines.filter(_own_lines_q(partner_ids))
        stats.update(
            total_orders=orders.count(),
            total_orders_last_day=orders_last_day.count(),
            total_lines=lines.filter(order__in=orders.values("pk")).count(),
            total_lines_last_day=lines.filter(order__in=orders_last_day.values("pk")).count(),
            revenue_by_currency=revenue_by_currency(user=user, orders=orders),
            revenue_last_day_by_currency=revenue_by_currency(user=user, orders=orders_last_day),
            order_status_breakdown=status_breakdown(orders=orders),
        )
        for key in ("total_revenue", "total_revenue_last_day", "average_order_costs"):
            stats.pop(key, None)
        return stats
