"""Checkout session fork: the China import identity and the consignments' pre-conditions."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.apps.checkout import exceptions
from oscar.apps.checkout.session import CheckoutSessionMixin as CoreCheckoutSessionMixin

from commerce.shipping.parcels import ParcelRefused, basket_parcels, parcels_check

from .consignments import CheckoutQuote
from .context import import_identity_get, request_consignments
from .landed_cost import needs_import_identity


class CheckoutSessionMixin(CoreCheckoutSessionMixin):
    def check_import_identity_is_captured(self, request):
        address = self.get_shipping_address(request.basket)
        if address is None:
            return
        if needs_import_identity(country=address.country_id, basket=request.basket) and not (
            import_identity_get(request)
        ):
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:shipping-address"),
                message=_(
                    "Goods shipped to mainland China from abroad need the buyer's real name "
                    "and ID number."
                ),
            )

    def check_basket_ships_to_destination(self, request):
        """Goods the merchants cannot send to the address (no route, no weight, a country
        we do not deliver to) send the shopper back to the basket, naming the product."""
        address = self.get_shipping_address(request.basket)
        if address is None:
            return
        country = address.country_id
        try:
            parcels_check(basket_parcels(request.basket, destination=country), destination=country)
        except ParcelRefused as refusal:
            raise exceptions.FailedPreCondition(
                url=reverse("basket:summary"), message=str(refusal)
            ) from refusal

    def check_landed_cost_is_allowed(self, request):
        basket = request.basket
        address = self.get_shipping_address(basket)
        if address is None:
            return
        quote = request_consignments(
            request, basket=basket, country=address.country_id, state=address.state
        )
        if not quote.allowed:
            url = "basket:summary" if quote.stage == "basket" else "checkout:shipping-address"
            raise exceptions.FailedPreCondition(
                url=reverse(url),
                message=_("We cannot take this order: %(reason)s") % {"reason": quote.reason},
            )

    def consignments(self, basket, shipping_address, shipping_method) -> CheckoutQuote | None:
        if shipping_address is None or shipping_method is None:
            return None
        return request_consignments(
            self.request,
            basket=basket,
            country=shipping_address.country_id,
            state=shipping_address.state,
            method=getattr(shipping_method, "method", None),
        )

    def build_submission(self, **kwargs):
        submission = super().build_submission(**kwargs)
        submission["consignments"] = self.consignments(
            submission["basket"], submission["shipping_address"], submission["shipping_method"]
        )
        submission["import_identity"] = import_identity_get(self.request)
        return submission
