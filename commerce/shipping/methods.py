"""Shipping methods priced per destination zone (delivered duty paid)."""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping.methods import *  # noqa: F403  (Oscar fork convention)
from oscar.apps.shipping.methods import Base
from oscar.core import prices

from commerce.partner.fx import money_convert

from .zones import BASE_CURRENCY, PRICES

NAMES = {
    "standard": _("Standard delivery, duties paid"),
    "express": _("Express delivery, duties paid"),
}


class ZoneMethod(Base):
    """One method (``standard`` / ``express``) in one zone; price from ``zones.PRICES``."""

    def __init__(self, *, method: str, zone: str) -> None:
        self.method, self.zone = method, zone
        self.code = f"{method}-{zone}"
        self.name = NAMES[method]
        self.price_cny: Decimal = PRICES[(method, zone)]

    def calculate(self, basket):
        currency = basket.currency
        amount = money_convert(amount=self.price_cny, base=BASE_CURRENCY, quote=currency)
        return prices.Price(currency=currency, excl_tax=amount, tax=Decimal("0"))
