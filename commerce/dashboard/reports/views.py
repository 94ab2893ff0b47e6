"""Reports fork: the order report shows its totals per currency, and each order's customer
name and email read through the residency selectors; the user analytics report (ours,
``users``) its customers' names and emails the same way and what each spent per currency."""

from oscar.apps.dashboard.reports import views as core
from oscar.apps.dashboard.reports.views import *  # noqa: F403  (Oscar fork convention)
from oscar.core.loading import get_model

from commerce.order.reports import (
    REPORT_RELATED,
    order_totals_by_currency,
    orders_with_customer_names,
)

from .users import user_records_resolve

Order = get_model("order", "Order")
UserRecord = get_model("analytics", "UserRecord")


class IndexView(core.IndexView):
    def get_context_data(self, **kwargs):
        queryset = kwargs.get("object_list")
        model = getattr(queryset, "model", None)
        if model is Order:
            kwargs["object_list"] = queryset.select_related(*REPORT_RELATED)
        ctx = super().get_context_data(**kwargs)
        # The page's rows with names and emails from their region: the global rows of an
        # overseas customer or order hold only masks (issue #17).
        if model is Order:
            ctx["totals_by_currency"] = order_totals_by_currency(queryset)
            ctx["objects"] = orders_with_customer_names(orders=ctx["objects"])
        elif model is UserRecord:
            ctx["objects"] = user_records_resolve(records=ctx["objects"])
        return ctx
