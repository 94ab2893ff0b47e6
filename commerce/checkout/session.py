"""Checkout session fork: the China import identity and the landed-cost pre-conditions."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from oscar.apps.checkout import exceptions
from oscar.apps.checkout.session import CheckoutSessionMixin as CoreCheckoutSessionMixin

from .context import import_identity_get, request_landed_cost
from .landed_cost import LandedCost, needs_import_identity


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

    def check_landed_cost_is_allowed(self, request):
        basket = request.basket
        address = self.get_shipping_address(basket)
        if address is None:
            return
        method = self.get_shipping_method(basket, address)
        if method is None:
            return
        landed = request_landed_cost(
            request,
            basket=basket,
            country=address.country_id,
            state=address.state,
            shipping=method.calculate(basket).excl_tax,
        )
        if not landed.allowed:
            raise exceptions.FailedPreCondition(
                url=reverse("checkout:shipping-address"),
                message=_("We cannot take this order: %(reason)s") % {"reason": landed.reason},
            )

    def landed_cost(self, basket, shipping_address, shipping_charge) -> LandedCost | None:
        if shipping_address is None or shipping_charge is None:
            return None
        return request_landed_cost(
            self.request,
            basket=basket,
            country=shipping_address.country_id,
            state=shipping_address.state,
            shipping=shipping_charge.excl_tax,
        )

    def build_submission(self, **kwargs):
        submission = super().build_submission(**kwargs)
        submission["landed_cost"] = self.landed_cost(
            submission["basket"], submission["shipping_address"], submission["shipping_charge"]
        )
        submission["import_identity"] = import_identity_get(self.request)
        return submission
