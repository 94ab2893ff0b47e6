"""Reports fork: the order report shows its totals per currency."""

from oscar.apps.dashboard.reports import views as core
from oscar.apps.dashboard.reports.views import *  # noqa: F403  (Oscar fork convention)
from oscar.core.loading import get_model

from commerce.order.reports import order_totals_by_currency

Order = get_model("order", "Order")


class IndexView(core.IndexView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        queryset = kwargs.get("object_list")
        if queryset is not None and getattr(queryset, "model", None) is Order:
            ctx["totals_by_currency"] = order_totals_by_currency(queryset)
        return ctx
