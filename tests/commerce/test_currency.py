from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from commerce.partner.fx import RateMissing, money_convert, rate_get
from commerce.partner.strategy import Default
from tests.factories import RateFactory, product_with_price

Basket = get_model("basket", "Basket")

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "base", "quote", "expected"),
    [
        pytest.param("100.00", "CNY", "USD", Decimal("14.05"), id="direct"),
        pytest.param("100.00", "CNY", "JPY", Decimal("2135"), id="jpy-whole-yen"),
        pytest.param("99.99", "CNY", "JPY", Decimal("2135"), id="jpy-rounds-half-up"),
        pytest.param("0.02", "CNY", "JPY", Decimal("0"), id="jpy-below-half"),
        pytest.param("14.05", "USD", "CNY", Decimal("100.00"), id="inverse"),
        pytest.param("1000", "JPY", "USD", Decimal("6.58"), id="through-cny"),
        pytest.param("12.34", "USD", "USD", Decimal("12.34"), id="same-currency"),
    ],
)
def test_money_convert(rates, amount, base, quote, expected):
    result = money_convert(amount=Decimal(amount), base=base, quote=quote)
    assert result == expected
    assert result.as_tuple().exponent == expected.as_tuple().exponent


def test_half_up_not_half_even(db):
    # 1 CNY = 0.125 USD: 0.5 CNY is 0.0625, so 1.00 CNY -> 0.125 -> 0.13 half up (0.12 half even)
    RateFactory(quote="USD", rate=Decimal("0.125"))
    assert money_convert(amount=Decimal("1.00"), base="CNY", quote="USD") == Decimal("0.13")


def test_newest_rate_in_force_is_used(db):
    from datetime import date

    RateFactory(quote="USD", rate=Decimal("0.1"), as_of=date(2026, 1, 1))
    RateFactory(quote="USD", rate=Decimal("0.2"), as_of=date(2026, 6, 1))
    RateFactory(quote="USD", rate=Decimal("0.3"), as_of=date(2099, 1, 1))
    assert rate_get(base="CNY", quote="USD", on=date(2026, 5, 31)) == Decimal("0.1")
    assert rate_get(base="CNY", quote="USD", on=date(2026, 11, 21)) == Decimal("0.2")


def test_missing_rate_raises(db):
    with pytest.raises(RateMissing):
        rate_get(base="CNY", quote="GBP")


def test_display_and_customs_rates_are_separate(db):
    RateFactory(quote="USD", rate=Decimal("0.14"), kind="display")
    RateFactory(quote="USD", rate=Decimal("0.15"), kind="customs")
    assert rate_get(base="CNY", quote="USD") == Decimal("0.14")
    assert rate_get(base="CNY", quote="USD", kind="customs") == Decimal("0.15")


def test_strategy_prices_in_shopper_currency(rates):
    product = product_with_price("268.00", "CNY")
    info = Default(currency="JPY").fetch_for_product(product)
    assert info.price.currency == "JPY"
    assert info.price.excl_tax == Decimal("5722")
    assert info.price.incl_tax == Decimal("5722")


def test_strategy_without_rate_makes_product_unavailable(db):
    product = product_with_price("10.00", "USD")
    info = Default(currency="GBP").fetch_for_product(product)
    assert not info.price.exists
    assert not info.availability.is_available_to_buy


def test_switch_to_jpy_shows_whole_yen(client, rates):
    product = product_with_price("99.99", "CNY")
    client.post(reverse("currency-switch"), {"currency": "JPY", "next": "/"})
    response = client.get(product.get_absolute_url())
    assert "¥2,135" in response.content.decode()
    assert "2,134.79" not in response.content.decode()


def test_unknown_currency_falls_back_to_language_default(client, rates):
    response = client.post(reverse("currency-switch"), {"currency": "XXX", "next": "/notes/"})
    assert response.status_code == 302
    assert response["Location"] == "/notes/"
    assert response.cookies["currency"].value == "USD"
    client.cookies["currency"] = "nonsense"
    assert client.get("/catalogue/").status_code == 200


def test_switch_refuses_offsite_next(client, rates):
    response = client.post(
        reverse("currency-switch"), {"currency": "EUR", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_chinese_defaults_to_cny(client, rates):
    product = product_with_price("10.00", "USD")
    client.cookies["django_language"] = "zh-hans"
    response = client.get(product.get_absolute_url())
    assert "¥71.17" in response.content.decode()


def add_to_basket(client, product, quantity=1):
    return client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})


def test_switching_currency_reprices_the_basket(client, rates):
    product = product_with_price("100.00", "CNY")
    client.post(reverse("currency-switch"), {"currency": "USD", "next": "/"})
    add_to_basket(client, product, 2)
    basket = Basket.objects.get()
    assert basket.all_lines()[0].price_currency == "USD"

    client.post(reverse("currency-switch"), {"currency": "JPY", "next": "/"})
    line = Basket.objects.get().all_lines()[0]
    assert (line.price_currency, line.price_excl_tax) == ("JPY", Decimal("2135"))
    response = client.get(reverse("basket:summary"))
    assert "¥4,270" in response.content.decode()


def test_switch_refused_when_basket_cannot_be_priced(client, db):
    RateFactory(quote="USD", rate=Decimal("0.1405"))
    product = product_with_price("100.00", "CNY")
    client.post(reverse("currency-switch"), {"currency": "USD", "next": "/"})
    add_to_basket(client, product)
    response = client.post(
        reverse("currency-switch"), {"currency": "GBP", "next": "/"}, follow=True
    )
    assert "stays in USD" in response.content.decode()
    line = Basket.objects.get().all_lines()[0]
    assert line.price_currency == "USD"
    assert client.cookies["currency"].value == "USD"


def test_adding_after_currency_changed_elsewhere_never_mixes(client, rates):
    first, second = product_with_price("100.00"), product_with_price("50.00")
    client.cookies["currency"] = "USD"
    add_to_basket(client, first)
    client.cookies["currency"] = "EUR"  # e.g. the cookie changed in another tab
    add_to_basket(client, second)
    currencies = {line.price_currency for line in Basket.objects.get().all_lines()}
    assert currencies == {"EUR"}
