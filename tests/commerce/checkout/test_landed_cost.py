"""The landed-cost service: conversion, rounding, refusals (no HTTP)."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_class, get_model

from commerce.checkout.landed_cost import landed_cost_quote
from commerce.checkout.tariff import tariff_rate
from commerce.partner.fx import money_convert
from tests.factories import product_with_price

Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")


def basket_of(*products, currency):
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy(currency=currency)
    for product in products:
        basket.add_product(product)
    return basket


def test_charges_come_back_in_the_basket_currency_rounded_to_its_minor_unit(shop):
    basket = basket_of(shop["cream"], currency="JPY")
    landed = landed_cost_quote(basket=basket, country="GB", shipping=Decimal("2562"))
    assert landed.allowed
    (charge,) = landed.charges
    assert charge.label == "Import VAT (UK)"
    assert charge.amount == charge.amount.to_integral_value()
    # 20% of (goods + shipping) in GBP at the customs rate, converted back to JPY.
    goods = money_convert(amount=Decimal("6405"), base="JPY", quote="GBP", kind="customs")
    freight = money_convert(amount=Decimal("2562"), base="JPY", quote="GBP", kind="customs")
    vat = ((goods + freight) * Decimal("0.20")).quantize(Decimal("0.01"))
    assert charge.amount == money_convert(amount=vat, base="GBP", quote="JPY", kind="customs")


def test_canada_needs_the_province(shop):
    basket = basket_of(shop["cream"], currency="USD")
    refused = landed_cost_quote(basket=basket, country="CA", shipping=Decimal("18"))
    assert not refused.allowed
    assert "province" in refused.reason
    quoted = landed_cost_quote(basket=basket, country="CA", state="on", shipping=Decimal("18"))
    assert quoted.allowed


def test_missing_customs_rate_refuses_rather_than_guesses(shop):
    from commerce.partner.fx import rates_clear_cache

    get_model("partner", "Rate").objects.filter(kind="customs", quote="GBP").delete()
    rates_clear_cache()
    basket = basket_of(shop["cream"], currency="USD")
    landed = landed_cost_quote(basket=basket, country="GB", shipping=Decimal("18"))
    assert not landed.allowed
    assert "customs exchange rate" in landed.reason


def test_china_refuses_goods_off_the_positive_list(shop, rates):
    product = product_with_price("100.00", title="Supplement", cbec_eligible=False)
    basket = basket_of(product, currency="CNY")
    landed = landed_cost_quote(basket=basket, country="CN", shipping=Decimal("30"))
    assert not landed.allowed
    assert "Supplement" in landed.reason


@pytest.mark.parametrize(
    ("destination", "kind", "hs_code", "rate"),
    [
        ("CN", "vat_rate", "330499", Decimal("0.13")),
        ("CN", "vat_rate", "490199", Decimal("0.09")),
        ("US", "duty_rate", "420221", Decimal("0.08")),
        ("GB", "duty_rate", "640399", Decimal("0.08")),
        ("GB", "vat_rate", "330499", None),
        ("CA-ON", "duty_rate", "999999", Decimal("0.04")),
    ],
)
def test_tariff_lookup_by_hs_chapter(destination, kind, hs_code, rate):
    assert tariff_rate(destination=destination, kind=kind, hs_code=hs_code) == rate
