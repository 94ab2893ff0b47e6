"""Basket fork: the basket grouped by merchant with an estimate for the ship-to country."""

from oscar.apps.basket import views
from oscar.apps.basket.views import *  # noqa: F403  (Oscar fork convention)

from commerce.checkout.context import request_consignments
from commerce.checkout.display import quote_display
from commerce.partner.ship_to import ship_to_for_request, ship_to_state_for_request


class BasketView(views.BasketView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        basket = self.request.basket
        if basket.is_empty:
            return ctx
        country = ship_to_for_request(self.request)
        # An estimate until the address is known: Canada for the chosen province.
        quote = request_consignments(
            self.request,
            basket=basket,
            country=country,
            state=ship_to_state_for_request(self.request),
            method="standard",
        )
        ctx["estimate"] = quote
        ctx["estimate_rows"] = quote_display(quote) if quote.allowed else []
        charges = sum((c.duties + c.taxes for c in quote.consignments), 0)
        ctx["estimate_charges"] = charges
        if ctx.get("order_total") is not None and quote.allowed:
            ctx["estimated_total"] = ctx["order_total"].excl_tax + charges
        return ctx
