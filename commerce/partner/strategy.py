"""Pricing strategy: merchants price in their own currency; shoppers see theirs.

Composed from Oscar's mixins like its ``Default`` strategy, with the pricing policy
replaced by one that converts the stock record's price with the stored display rate.
Import duties and taxes are added at checkout (as surcharges), so prices carry no tax.
"""

from decimal import Decimal

from django.conf import settings
from oscar.apps.partner import strategy
from oscar.apps.partner.availability import Unavailable as UnavailableToBuy
from oscar.apps.partner.prices import FixedPrice, Unavailable

from .fx import RateMissing, money_convert


class Selector:
    def strategy(self, request=None, user=None, currency=None, **kwargs):
        return Default(request, currency=currency)


class ConvertToShopperCurrency:
    """Price = stock record price converted into the shopper's currency, tax-free."""

    currency: str

    def pricing_policy(self, product, stockrecord):
        if not stockrecord or stockrecord.price is None:
            return Unavailable()
        try:
            price = money_convert(
                amount=stockrecord.price, base=stockrecord.price_currency, quote=self.currency
            )
        except RateMissing:
            return Unavailable()
        return FixedPrice(currency=self.currency, excl_tax=price, tax=Decimal("0"))

    def parent_pricing_policy(self, product, children_stock):
        stockrecords = [stockrecord for _child, stockrecord in children_stock if stockrecord]
        if not stockrecords:
            return Unavailable()
        return self.pricing_policy(product, stockrecords[0])


class Default(
    strategy.UseFirstStockRecord,
    strategy.StockRequired,
    ConvertToShopperCurrency,
    strategy.Structured,
):
    def __init__(self, request=None, currency=None):
        super().__init__(request)
        self.currency = (
            currency or getattr(request, "currency", None) or settings.OSCAR_DEFAULT_CURRENCY
        )

    def fetch_for_line(self, line, stockrecord=None):
        # A basket line is bought from its own merchant's stock record (a marketplace: the
        # line's merchant is its consignment), already loaded with the line.
        return self.fetch_for_product(line.product, stockrecord or line.stockrecord)

    def fetch_for_product(self, product, stockrecord=None):
        # A product with no price in the shopper's currency (no FX rate) cannot be bought.
        info = super().fetch_for_product(product, stockrecord)
        if not info.price.exists:
            return info._replace(availability=UnavailableToBuy())
        return info
