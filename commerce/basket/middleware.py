from oscar.apps.basket.middleware import BasketMiddleware as CoreBasketMiddleware


class BasketMiddleware(CoreBasketMiddleware):
    def apply_offers_to_basket(self, request, basket):
        # The shopper's currency may have changed since the basket was priced (another
        # tab, an expired cookie): re-price it so a basket never holds two currencies.
        if basket.id and basket.all_lines() and basket.currency != basket.strategy.currency:
            basket.reprice()
        super().apply_offers_to_basket(request, basket)
