"""Reports fork: the order report shows its totals per currency, and each order's customer
name and email read through the residency selectors."""

from oscar.apps.dashboard.reports import views as core
from oscar.apps.dashboard.reports.views import *  # noqa: F403  (Oscar fork convention)
from oscar.core.loading import get_model

from commerce.order.reports import (
    REPORT_RELATED,
    order_totals_by_currency,
    orders_with_customer_names,
)

Order = get_model("order", "Order")


class IndexView(core.IndexView):
    def get_context_data(self, **kwargs):
        queryset = kwargs.get("object_list")
        is_order_report = queryset is not None and getattr(queryset, "model", None) is Order
        if is_order_report:
            kwargs["object_list"] = queryset.select_related(*REPORT_RELATED)
        ctx = super().get_context_data(**kwargs)
        if is_order_report:
            ctx["totals_by_currency"] = order_totals_by_currency(queryset)
            # The page's orders with the customer's name and email from their region: the
            # global rows of an overseas order hold only masks (issue #17).
            ctx["objects"] = orders_with_customer_names(orders=ctx["objects"])
        return ctx
