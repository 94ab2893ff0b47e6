"""README promise (Checkout): shipping methods are priced per destination zone in CNY
(commerce/shipping/zones.py) and converted into the basket currency with the stored
display rate, rounded half-up to the currency's minor unit (whole yen for JPY)."""

from decimal import Decimal as D
from types import SimpleNamespace

import pytest
from oscar.core.loading import get_class, get_model

Repository = get_class("shipping.repository", "Repository")
Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")

pytestmark = pytest.mark.django_db


def basket_in(currency: str):
    basket = Basket()
    basket.strategy = SimpleNamespace(currency=currency)
    return basket


def offered(country: str | None, currency: str) -> dict[str, tuple[D, str]]:
    address = None if country is None else ShippingAddress(country_id=country)
    basket = basket_in(currency)
    methods = Repository().get_available_shipping_methods(basket, shipping_addr=address)
    return {m.code: (m.calculate(basket).excl_tax, m.calculate(basket).currency) for m in methods}


@pytest.mark.parametrize(
    ("country", "currency", "expected"),
    [
        # Zone "cn", in CNY: no conversion. 30.00 / 60.00.
        ("CN", "CNY", {"standard-cn": "30.00", "express-cn": "60.00"}),
        # Zone "north_america": 130 x 0.1405 = 18.265 -> 18.27 (half-up, not half-even);
        # 260 x 0.1405 = 36.53.
        ("US", "USD", {"standard-north_america": "18.27", "express-north_america": "36.53"}),
        # Zone "asia" in yen: 60 x 21.35 = 1,281; 120 x 21.35 = 2,562 (whole yen).
        ("JP", "JPY", {"standard-asia": "1281", "express-asia": "2562"}),
        # Zone "europe": Great Britain in GBP, 120 x 0.1068 = 12.816 -> 12.82;
        # 240 x 0.1068 = 25.632 -> 25.63.
        ("GB", "GBP", {"standard-europe": "12.82", "express-europe": "25.63"}),
        # An EU country is in the same zone: in EUR 120 x 0.1212 = 14.544 -> 14.54;
        # 240 x 0.1212 = 29.088 -> 29.09.
        ("DE", "EUR", {"standard-europe": "14.54", "express-europe": "29.09"}),
        # Zone "oceania", a basket in HKD: 110 x 1.0935 = 120.285 -> 120.29 (half-up);
        # 220 x 1.0935 = 240.57.
        ("AU", "HKD", {"standard-oceania": "120.29", "express-oceania": "240.57"}),
    ],
)
def test_each_zone_is_priced_in_cny_and_converted(rates, country, currency, expected):
    got = offered(country, currency)
    assert got == {code: (D(amount), currency) for code, amount in expected.items()}
    # Exact to the currency's minor unit: no more decimals than it has.
    for amount, _ in got.values():
        assert -amount.as_tuple().exponent == (0 if currency == "JPY" else 2)


def test_the_same_destination_costs_the_same_cny_whatever_the_basket_currency(rates):
    # Hong Kong (zone asia), 60 CNY standard: 60.00 CNY, 8.43 USD (60 x 0.1405 = 8.43).
    assert offered("HK", "CNY")["standard-asia"] == (D("60.00"), "CNY")
    assert offered("HK", "USD")["standard-asia"] == (D("8.43"), "USD")


def test_a_country_outside_every_zone_gets_no_method(rates):
    assert offered("BR", "USD") == {}


def test_before_the_address_the_basket_shows_the_standard_domestic_price(rates):
    assert offered(None, "EUR") == {"standard-cn": (D("3.64"), "EUR")}  # 30 x 0.1212 = 3.636
