"""Basket fork: one currency per basket, and lines remember the note that sold them."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from oscar.apps.basket.abstract_models import AbstractBasket, AbstractLine


class Basket(AbstractBasket):
    @property
    def currency(self):
        # An empty basket is in the shopper's currency (Oscar's would say None, and the
        # mini-basket would then show its total in the default currency).
        lines_currency = super().currency
        if lines_currency:
            return lines_currency
        strategy = getattr(self, "_strategy", None)
        return getattr(strategy, "currency", None)

    def all_lines(self):
        # Oscar's cached lines, with each line's merchant and product class too: checkout
        # splits the basket per merchant, and stock checks read the class (no query per line).
        lines = super().all_lines()
        if getattr(lines, "_result_cache", ()) is None and self.id is not None:
            lines = self._lines = lines.select_related(
                "stockrecord__partner", "product__product_class"
            )
        return lines

    def reprice(self) -> bool:
        """Re-price every line in this basket's strategy currency.

        Returns False, changing nothing, when any line has no price in that currency.
        """
        lines = list(self.all_lines())
        priced = []
        for line in lines:
            info = self.strategy.fetch_for_line(line)
            if not info.price.exists:
                return False
            priced.append((line, info.price))
        with transaction.atomic():
            for line, price in priced:
                line.price_currency = price.currency
                line.price_excl_tax = price.excl_tax
                line.price_incl_tax = price.incl_tax if price.is_tax_known else None
                line.save(update_fields=["price_currency", "price_excl_tax", "price_incl_tax"])
        self.reset_offer_applications()
        return True


class Line(AbstractLine):
    attributed_note = models.ForeignKey(
        "catalogue.Note",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attributed note"),
    )
    attributed_creator = models.ForeignKey(
        "agencies.Creator",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attributed creator"),
    )


from oscar.apps.basket.models import *  # noqa: E402,F403  (Oscar fork convention: last)
