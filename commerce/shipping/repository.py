"""Shipping methods to the address's country (or, before the address, the ship-to country)."""

from oscar.apps.shipping import repository

from .methods import ZoneMethod
from .zones import METHODS, zone_for


def _ship_to(request) -> str:
    from commerce.partner.ship_to import ship_to_for_request

    return ship_to_for_request(request) if request is not None else "US"


class Repository(repository.Repository):
    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        if shipping_addr is None:
            # The basket page estimates for the shopper's ship-to country.
            return [ZoneMethod(method="standard", destination=_ship_to(kwargs.get("request")))]
        country = shipping_addr.country_id
        if zone_for(country) is None:
            return []
        return [ZoneMethod(method=method, destination=country) for method in METHODS]

    def get_default_shipping_method(self, basket, shipping_addr=None, **kwargs):
        if shipping_addr is not None and zone_for(shipping_addr.country_id) is None:
            # A saved default address we do not deliver to: estimate for the ship-to country.
            shipping_addr = None
        return super().get_default_shipping_method(basket, shipping_addr=shipping_addr, **kwargs)
