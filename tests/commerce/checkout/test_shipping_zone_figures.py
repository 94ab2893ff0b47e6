"""Shipping per zone, converted: the figure the checkout charges for one parcel.

Prices are set in CNY per (method, zone, weight band) (``commerce.shipping.zones``) and
converted into the basket currency at the display rate (tests/conftest.py ``DEMO_RATES``),
rounded half-up to the currency's minor unit. Each case is one parcel through the real
checkout URLs; the expected figure is worked by hand beside it.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from .conftest import basket_add, checkout_preview


@pytest.mark.parametrize(
    ("product", "currency", "country", "method", "expected"),
    [
        # From the US to the UK, zone europe, 200 g: CNY 120.00 x 0.1068 = 12.816 -> 12.82.
        ("tshirt", "GBP", "GB", "standard", "12.82"),
        # Express, same route: CNY 240.00 x 0.1068 = 25.632 -> 25.63.
        ("tshirt", "GBP", "GB", "express", "25.63"),
        # To Germany, zone europe: CNY 120.00 x 0.1212 = 14.544 -> 14.54.
        ("tshirt", "EUR", "DE", "standard", "14.54"),
        # From Japan to the US, zone north_america, 150 g: CNY 130.00 x 0.1405 = 18.265,
        # half-up -> 18.27 (half-even would give 18.26).
        ("tokyo_cream", "USD", "US", "standard", "18.27"),
        # Inside the US, zone domestic: CNY 20.00 x 0.1405 = 2.81.
        ("tshirt", "USD", "US", "standard", "2.81"),
        # Inside Japan, in yen: CNY 20.00 x 21.35 = 427.
        ("tokyo_cream", "JPY", "JP", "standard", "427"),
        # Inside mainland China, in CNY: no conversion.
        ("shanghai_cream", "CNY", "CN", "standard", "20.00"),
    ],
)
def test_the_checkout_charges_the_zone_price_converted(
    client, market, product, currency, country, method, expected
):
    basket_add(client, market[product], currency=currency)
    preview = checkout_preview(client, country, method=method)
    assert preview.status_code == 200
    charge = preview.context["shipping_charge"]
    assert charge.currency == currency
    assert charge.incl_tax == Decimal(expected)
    assert str(charge.incl_tax) == expected  # the currency's precision, nothing more


def test_a_heavier_parcel_moves_up_the_bands_of_its_zone(client, market):
    # 6 T-shirts from the US to the UK: 1,200 g, the band up to 2,000 g of zone europe:
    # CNY 240.00 x 0.1068 = 25.632 -> GBP 25.63; 11 of them (2,200 g): CNY 240.00 + one
    # started kilogram at 80.00 = 320.00 x 0.1068 = 34.176 -> GBP 34.18.
    basket_add(client, market["tshirt"], quantity=6, currency="GBP")
    assert checkout_preview(client, "GB").context["shipping_charge"].incl_tax == Decimal("25.63")
    basket_add(client, market["tshirt"], quantity=5)
    preview = client.get(reverse("checkout:preview"))
    assert preview.context["shipping_charge"].incl_tax == Decimal("34.18")
