"""Marketplace orders for the merchant dashboard: two merchants, one order, one payment.

Orders are built here (Oscar's test OrderCreator plus our own Consignment rows), not by the
checkout, so these tests do not depend on how checkout splits a basket. The payment is a
real PaymentIntent on localstripe.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from oscar.apps.partner.strategy import Default
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from commerce.stripe_api import amount_to_minor, stripe_client
from tests.commerce.checkout.conftest import localstripe_url, stripe_settings  # noqa: F401
from tests.factories import PartnerFactory, StockRecordFactory, UserFactory

Basket = get_model("basket", "Basket")
Consignment = get_model("order", "Consignment")
StripePayment = get_model("order", "StripePayment")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")


def merchant_user(partner, username):
    """A merchant as the demo makes them: a partner user with dashboard access, not staff."""
    user = UserFactory(username=username, is_staff=False)
    user.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    partner.users.add(user)
    return user


def marketplace_order(
    goods,
    *,
    currency="GBP",
    shipping=None,
    duties=None,
    taxes=None,
    paid=True,
    user=None,
    kinds=None,
):
    """An order with one consignment per partner. ``goods``: [(partner, price, quantity)].

    ``shipping``/``duties``/``taxes``: {partner code: amount}. With ``paid``, a succeeded
    PaymentIntent for the consignments' total is on localstripe and the order is Paid.
    """
    shipping, duties, taxes, kinds = shipping or {}, duties or {}, taxes or {}, kinds or {}
    basket = Basket.objects.create(owner=user)
    basket.strategy = Default()
    for partner, price, quantity in goods:
        record = StockRecordFactory(
            partner=partner, price=Decimal(price), price_currency=currency, num_in_stock=50
        )
        basket.add_product(record.product, quantity=quantity)
    order = create_order(basket=basket, user=user)
    total = Decimal("0")
    for partner in {p for p, _price, _qty in goods}:
        lines = order.lines.filter(partner=partner)
        consignment = Consignment.objects.create(
            order=order,
            partner=partner,
            ship_from=str(partner.ship_from_country or "JP"),
            destination="GB",
            kind=kinds.get(partner.code, Consignment.Kind.IMPORT),
            collected=Consignment.Collected.AT_CHECKOUT,
            currency=currency,
            goods=sum(line.line_price_incl_tax for line in lines),
            shipping=Decimal(shipping.get(partner.code, "0")),
            duties=Decimal(duties.get(partner.code, "0")),
            taxes=Decimal(taxes.get(partner.code, "0")),
            weight_grams=500,
        )
        lines.update(consignment=consignment)
        total += consignment.total
    order.total_incl_tax = order.total_excl_tax = total
    order.save(update_fields=["total_incl_tax", "total_excl_tax"])
    if paid:
        intent = stripe_client().v1.payment_intents.create(
            params={
                "amount": amount_to_minor(amount=total, currency=currency),
                "currency": currency.lower(),
                "payment_method": "pm_card_visa",
                "confirm": True,
            }
        )
        StripePayment.objects.create(
            order_number=order.number,
            order=order,
            intent_id=intent.id,
            amount=total,
            currency=currency,
            state=StripePayment.State.SUCCEEDED,
        )
        source_type, _ = SourceType.objects.get_or_create(name="Stripe")
        Source.objects.create(
            order=order,
            source_type=source_type,
            currency=currency,
            amount_allocated=total,
            amount_debited=total,
            reference=intent.id,
        )
        order.set_status("Paid")
        order.lines.update(status="Paid")
    return order


@pytest.fixture
def merchants(db):
    tokyo = PartnerFactory(code="tokyo-goods", name="Tokyo Goods", ship_from_country="JP")
    brooklyn = PartnerFactory(code="brooklyn", name="Brooklyn Makers", ship_from_country="US")
    return {
        "tokyo": tokyo,
        "brooklyn": brooklyn,
        "tokyo_user": merchant_user(tokyo, "merchant-jp"),
        "brooklyn_user": merchant_user(brooklyn, "merchant-us"),
    }


@pytest.fixture
def mixed_order(merchants):
    """Tokyo: one line GBP 28.61 + GBP 4.00 shipping + GBP 5.72 VAT; Brooklyn: 2 x 35.00."""
    shopper = UserFactory(username="shopper")
    return marketplace_order(
        [(merchants["tokyo"], "28.61", 1), (merchants["brooklyn"], "35.00", 2)],
        shipping={"tokyo-goods": "4.00", "brooklyn": "6.00"},
        taxes={"tokyo-goods": "5.72", "brooklyn": "14.00"},
        user=shopper,
    )
