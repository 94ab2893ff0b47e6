"""Surcharges: duties and import taxes, one per named charge (see applicator)."""

from oscar.apps.checkout.surcharges import *  # noqa: F403  (Oscar fork convention)
from oscar.apps.checkout.surcharges import BaseSurcharge
from oscar.core import prices


class LandedCostCharge(BaseSurcharge):
    """One duty or import tax from the landed-cost quote, in the basket currency."""

    def __init__(self, *, code: str, label: str, amount):
        self.code = f"landed-{code}"
        self.name = label
        self.amount = amount

    def calculate(self, basket, **kwargs):
        return prices.Price(currency=basket.currency, excl_tax=self.amount, incl_tax=self.amount)
