"""The Stripe client and Stripe's integer minor units, shared by checkout and payouts.

It sits outside ``commerce.checkout`` so that payouts (Stripe Connect transfers) can use it
without reaching into the checkout fork (DESIGN §2).
"""

from __future__ import annotations

from decimal import Decimal

import stripe
from django.conf import settings

from tax.money import minor_unit, quantize_money


def stripe_client(*, api_base: str | None = None) -> stripe.StripeClient:
    """The official client; ``api_base`` (else ``STRIPE_API_BASE``) points it at a local server."""
    kwargs = {}
    api_base = api_base if api_base is not None else settings.STRIPE_API_BASE
    if api_base:
        kwargs["base_addresses"] = {"api": api_base}
    return stripe.StripeClient(settings.STRIPE_API_KEY, max_network_retries=0, **kwargs)


def amount_to_minor(*, amount: Decimal, currency: str) -> int:
    """Stripe's integer amount: 12.34 USD -> 1234, 1234 JPY -> 1234 (rounded half-up)."""
    return int(quantize_money(amount, currency) / minor_unit(currency))


def amount_from_minor(*, minor: int, currency: str) -> Decimal:
    return quantize_money(Decimal(minor) * minor_unit(currency), currency)
