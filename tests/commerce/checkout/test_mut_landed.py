"""Landed cost: the figures and refusals the mutation run found unguarded.

Worked by hand against the customs rates of ``conftest.CUSTOMS_RATES`` (CNY 1 = GBP 0.1050
= JPY 21.00, so JPY 1 = GBP 0.005) and the display rates of ``tests/conftest.py``
(CNY 1 = GBP 0.1068 = JPY 21.35).
"""

import logging
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django_countries.fields import Country
from oscar.core.loading import get_model

from commerce.checkout.landed_cost import (
    LandedCharge,
    _country_code,
    buyer_annual_used,
    destination_code,
    landed_cost_quote,
)
from commerce.partner.fx import rates_clear_cache
from tests.factories import RateFactory, product_with_price

from .conftest import ID_NUMBERS, basket_add, checkout_preview, deliver, event_payload, place_order
from .test_landed_cost import basket_of

Order = get_model("order", "Order")
StripePayment = get_model("order", "StripePayment")


def test_the_engine_destination_is_the_country_or_canada_with_its_province():
    assert destination_code(country="CA", state=" on ") == "CA-ON"
    assert destination_code(country="CA", state="") == "CA-"
    assert destination_code(country="CA") == "CA-"
    assert destination_code(country="GB", state="Greater London") == "GB"
    assert destination_code(country="US", state="NY") == "US"


def test_a_uk_quote_in_pounds(shop, rates):
    # Face cream CNY 300 shown in GBP at the display rate: 32.04; shipping GBP 10.00.
    # Under GBP 135: UK import VAT at checkout, 20% of (32.04 + 10.00) = 8.408 -> 8.41.
    landed = landed_cost_quote(
        basket=basket_of(shop["cream"], currency="GBP"), country="GB", shipping=Decimal("10.00")
    )
    assert landed.allowed is True
    assert landed.collected == "at_checkout"
    assert landed.charges == [LandedCharge("import_vat", "Import VAT (UK)", Decimal("8.41"))]
    assert landed.border_charges == []
    assert landed.total == Decimal("8.41")
    assert landed.taxable_value_cny == 0  # counted toward China's limits only


def test_a_china_quote_counts_goods_and_shipping_in_cny(shop, rates):
    # CNY 300 + 30 shipping = 330 taxable; cross-border tax 70% of 13% VAT: 30.03.
    landed = landed_cost_quote(
        basket=basket_of(shop["cream"], currency="CNY"), country="CN", shipping=Decimal("30.00")
    )
    assert landed.allowed is True
    assert [(c.code, c.amount) for c in landed.charges] == [("cn_cbec_tax", Decimal("30.03"))]
    assert landed.taxable_value_cny == Decimal("330.00")


def test_china_adds_the_products_consumption_tax(shop, rates):
    # 15% consumption tax: CT = 330 / 0.85 x 0.15 = 58.235...; VAT = (330 + CT) x 13%;
    # cross-border tax = 70% of (CT + VAT) = 76.09.
    cream = shop["cream"]
    cream.consumption_tax_rate = Decimal("0.15")
    cream.save()
    landed = landed_cost_quote(
        basket=basket_of(cream, currency="CNY"), country="CN", shipping=Decimal("30.00")
    )
    assert [c.amount for c in landed.charges] == [Decimal("76.09")]
    # Outside China the consumption tax is not China's to levy: the UK quote is unchanged.
    uk = landed_cost_quote(
        basket=basket_of(cream, currency="GBP"), country="GB", shipping=Decimal("10.00")
    )
    assert [c.amount for c in uk.charges] == [Decimal("8.41")]


def test_refusals_say_why(shop, rates, caplog):
    caplog.set_level(logging.INFO, logger="commerce.checkout.landed_cost")
    basket = basket_of(shop["cream"], currency="USD")
    canada = landed_cost_quote(basket=basket, country="CA", shipping=Decimal("18"))
    assert (canada.allowed, canada.reason) == (
        False,
        "Please give the province for a Canadian address.",
    )
    brazil = landed_cost_quote(basket=basket, country="BR", shipping=Decimal("18"))
    assert (brazil.allowed, brazil.reason) == (
        False,
        "We cannot deliver duty-paid to this destination yet.",
    )
    off_list = product_with_price("100.00", title="Supplement", cbec_eligible=False)
    china = landed_cost_quote(
        basket=basket_of(off_list, currency="CNY"), country="CN", shipping=Decimal("30")
    )
    assert (china.allowed, china.reason) == (
        False,
        "Supplement is not on China's cross-border retail import list.",
    )
    # A product without an HS code cannot be classified: refused, not quoted at zero.
    unclassified = product_with_price("300.00", title="Mystery", origin_country="JP", hs_code="")
    unknown = landed_cost_quote(
        basket=basket_of(unclassified, currency="GBP"), country="GB", shipping=Decimal("10")
    )
    assert (unknown.allowed, unknown.charges) == (False, [])
    assert unknown.reason == "We cannot deliver duty-paid to this destination yet."
    # The engine's own reason is kept in the log for the shop's staff.
    (logged,) = [r for r in caplog.records if r.name == "commerce.checkout.landed_cost"]
    message = logged.getMessage()
    assert message.startswith("landed cost for GB refused: ")
    assert message.removeprefix("landed cost for GB refused: ") not in ("", "None")


def test_missing_rate_refusal_is_exactly_false(shop):
    get_model("partner", "Rate").objects.filter(kind="customs", quote="GBP").delete()
    rates_clear_cache()
    landed = landed_cost_quote(
        basket=basket_of(shop["cream"], currency="USD"), country="GB", shipping=Decimal("18")
    )
    assert (landed.allowed, landed.reason) == (
        False,
        "Duties cannot be computed right now (no customs exchange rate).",
    )


def test_the_quote_uses_the_customs_rates_in_force_on_its_date(shop, rates):
    # From 2026-06-01 the yen is worth twice as much at customs (JPY 10.00 per CNY).
    RateFactory(kind="customs", quote="JPY", rate=Decimal("10.00"), as_of=date(2026, 6, 1))
    rates_clear_cache()
    cream = basket_of(shop["cream"], currency="JPY")  # JPY 6,405 at the display rate
    # On 2026-03-01 the January rates apply both ways: goods 6,405 x 0.005 = 32.03 (32.025
    # half-up), shipping 2,562 x 0.005 = 12.81, VAT 20% of 44.84 = 8.97 GBP = JPY 1,794.
    march = landed_cost_quote(
        basket=cream, country="GB", shipping=Decimal("2562"), on=date(2026, 3, 1)
    )
    assert [c.amount for c in march.charges] == [Decimal("1794")]
    # On 2026-07-01 the June rate: JPY 1 = GBP 0.0105: goods 67.25, shipping 26.90,
    # VAT 18.83 GBP = JPY 1,793 (18.83 / 0.0105 = 1,793.3).
    july = landed_cost_quote(
        basket=cream, country="GB", shipping=Decimal("2562"), on=date(2026, 7, 1)
    )
    assert [c.amount for c in july.charges] == [Decimal("1793")]
    # A kimono of JPY 18,500: GBP 92.50 in March (under GBP 135: VAT at checkout), GBP
    # 194.25 in July (over it: collected at the border).
    kimono = product_with_price(
        "18500", "JPY", title="Kimono", origin_country="JP", hs_code="620442"
    )
    basket = basket_of(kimono, currency="JPY")
    assert (
        landed_cost_quote(
            basket=basket, country="GB", shipping=Decimal("0"), on=date(2026, 3, 1)
        ).collected
        == "at_checkout"
    )
    assert (
        landed_cost_quote(
            basket=basket, country="GB", shipping=Decimal("0"), on=date(2026, 7, 1)
        ).collected
        != "at_checkout"
    )


def test_the_annual_limit_counts_this_calendar_year_only(
    client, shop, django_capture_on_commit_callbacks
):
    # A paid order of CNY 24,000+ counted for buyer 张三.
    basket_add(client, shop["watch"], currency="CNY")
    checkout_preview(client, "CN", identity=("张三", ID_NUMBERS[0]))
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    order = Order.objects.get()
    # Placed but not paid yet: nothing counted.
    assert buyer_annual_used(id_hash=order.import_identity.id_number_hash) == 0
    payment = StripePayment.objects.get(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event_payload("evt_year", "payment_intent.succeeded", payment.intent_id))
    order.refresh_from_db()
    assert order.status == "Paid"
    identity = order.import_identity
    today = timezone.localdate()
    assert buyer_annual_used(id_hash=identity.id_number_hash) == identity.counted_value
    assert buyer_annual_used(id_hash=identity.id_number_hash, on=today) == identity.counted_value
    assert buyer_annual_used(id_hash="someone-else") == 0
    # Next year, this order no longer counts.
    next_year = date(today.year + 1, 1, 1)
    assert buyer_annual_used(id_hash=identity.id_number_hash, on=next_year) == 0
    # Placed last year: this year's limit is whole again; the same basket is allowed.
    Order.objects.filter(pk=order.pk).update(date_placed=order.date_placed - timedelta(days=366))
    assert buyer_annual_used(id_hash=identity.id_number_hash) == 0
    basket_add(client, shop["bag"], currency="CNY")
    response = checkout_preview(client, "CN", identity=("张三", ID_NUMBERS[0]))
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("origin", "code"), [(Country("JP"), "JP"), ("FR", "FR"), (None, ""), ("", "")]
)
def test_a_products_origin_reads_as_its_iso_code(db, origin, code):
    # django-countries gives a Country object (its ``code``), older data plain text.
    assert _country_code(origin) == code
    product = product_with_price("300.00", title="Bag", origin_country=origin or "")
    assert _country_code(product.origin_country) == code


def test_the_engines_own_refusal_reaches_the_shopper_in_words(shop, rates):
    # A French bag shipped into Germany: inside the EU's customs territory, not an import.
    landed = landed_cost_quote(
        basket=basket_of(shop["bag"], currency="EUR"),
        country="DE",
        shipping=Decimal("10.00"),
        ships_from="FR",
    )
    assert (landed.allowed, landed.charges) == (False, [])
    assert landed.reason == (
        "This parcel ships from France, inside the customs territory of Germany, "
        "so it is not an import."
    )


def test_duties_collected_at_the_us_border_are_quoted_apart(shop, rates):
    # A leather bag (HS 4202, 8% US duty) into the US: collected by the carrier at the
    # border, shown as an estimate, not charged at checkout.
    landed = landed_cost_quote(
        basket=basket_of(shop["bag"], currency="USD"), country="US", shipping=Decimal("18.00")
    )
    assert landed.allowed is True
    assert landed.collected != "at_checkout"
    assert landed.charges == [] and landed.total == 0
    assert [c.label for c in landed.border_charges] == ["Import duty (US)"]
    # 8% of the goods (CNY 4,800 at the display rate 0.1405 = USD 674.40): USD 53.95.
    assert landed.border_charges[0].amount == Decimal("53.95")


def test_only_a_chinese_address_with_goods_from_abroad_needs_an_identity(market, rates):
    from commerce.checkout.landed_cost import needs_import_identity

    tokyo = basket_of(market["tokyo_cream"], currency="CNY")
    shanghai = basket_of(market["shanghai_cream"], currency="CNY")
    assert needs_import_identity(country="CN", basket=tokyo) is True
    assert needs_import_identity(country="CN", basket=shanghai) is False
    assert needs_import_identity(country="GB", basket=tokyo) is False
    assert needs_import_identity(country="HK", basket=shanghai) is False
