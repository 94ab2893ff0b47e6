"""The checkout fixtures (localstripe, the shop's products and rates) for the shopper
tests of issue #17."""

from tests.commerce.checkout.conftest import (  # noqa: F401  (fixtures)
    localstripe_url,
    shop,
    stripe_settings,
)
