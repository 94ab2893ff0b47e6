"""Shipping methods: each consignment priced by its route's zone and its weight.

The order's shipping charge is the sum of its consignments' shipping, in the basket
currency (one currency per basket). Whether duties are paid at checkout or collected at
delivery depends on each consignment's quote, so method names promise no "duties paid":
the shipping-method page, the preview and the emails say it per consignment.
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import *  # noqa: F403  (Oscar fork convention)
from oscar.apps.shipping.methods import Base
from oscar.core import prices

from .parcels import basket_parcels

NAMES = {
    "standard": _("Standard delivery"),
    "express": _("Express delivery"),
}


class ZoneMethod(Base):
    """One method (``standard`` / ``express``) to one destination country."""

    def __init__(self, *, method: str, destination: str) -> None:
        self.method, self.destination = method, destination
        self.code = f"{method}-{destination.lower()}"
        self.name = NAMES[method]
        self._cache: dict = {}

    def parcels(self, basket):
        """The basket's parcels to this destination (computed once per basket state)."""
        key = (
            basket.pk,
            basket.currency,
            tuple((line.pk, line.quantity) for line in basket.all_lines()),
        )
        if key not in self._cache:
            self._cache.clear()
            self._cache[key] = basket_parcels(basket, destination=self.destination)
        return self._cache[key]

    def calculate(self, basket):
        currency = basket.currency
        amount = Decimal("0")
        for parcel in self.parcels(basket):
            # A parcel that cannot be priced (no route, no weight) is refused by the
            # checkout's pre-conditions before any charge is used; it adds nothing here.
            if not parcel.deliverable or any(
                not line.product.weight_grams for line in parcel.lines
            ):
                continue
            amount += parcel.shipping(method=self.method, currency=currency)
        return prices.Price(currency=currency, excl_tax=amount, tax=Decimal("0"))
