"""A JPY checkout end to end: the yen has no minor unit.

Stripe takes amounts in the currency's smallest unit: cents for USD, but whole yen for JPY
(a zero-decimal currency). The amount the local Stripe server holds must equal the yen
total (not 100 times it), and every figure of the order is a whole number of yen that adds
up exactly.
"""

from decimal import Decimal

from oscar.core.loading import get_model

from commerce.stripe_api import stripe_client

from .conftest import basket_add, checkout_preview, deliver, event_payload, place_order

Order = get_model("order", "Order")
StripePayment = get_model("order", "StripePayment")


def whole_yen(value: Decimal) -> bool:
    return value == value.to_integral_value()


def test_a_jpy_order_to_the_uk_charges_stripe_the_yen_total(
    client, market, django_capture_on_commit_callbacks, paid_signals
):
    # Tokyo cream, JPY 5,600, 150 g, from Japan to the UK (zone europe): under GBP 135, so
    # UK import VAT is collected at checkout, in yen.
    basket_add(client, market["tokyo_cream"], quantity=1, currency="JPY")
    preview = checkout_preview(client, "GB")
    assert preview.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert place_order(client).status_code == 302
    order = Order.objects.get()
    assert order.currency == "JPY"
    assert order.basket_total_incl_tax == Decimal("5600")
    # Shipping: CNY 120.00 (standard, europe, up to 500 g) x 21.35 = JPY 2,562 exactly.
    assert order.shipping_incl_tax == Decimal("2562")
    (vat,) = order.surcharges.all()
    assert vat.incl_tax > 0
    for figure in (order.total_incl_tax, order.shipping_incl_tax, vat.incl_tax):
        assert whole_yen(figure), figure
    assert order.total_incl_tax == Decimal("5600") + Decimal("2562") + vat.incl_tax
    (consignment,) = order.consignments.all()
    assert consignment.total == order.total_incl_tax

    payment = StripePayment.objects.get(order=order)
    assert (payment.amount, payment.currency) == (order.total_incl_tax, "JPY")
    intent = stripe_client().v1.payment_intents.retrieve(payment.intent_id)
    assert intent.currency == "jpy"
    assert intent.amount == int(order.total_incl_tax)  # yen, not 100x

    with django_capture_on_commit_callbacks(execute=True):
        answer = deliver(
            client, event_payload("evt_jpy_paid", "payment_intent.succeeded", payment.intent_id)
        )
    assert answer.status_code == 200
    order.refresh_from_db()
    assert order.status == "Paid"
    assert order.sources.get().amount_debited == order.total_incl_tax
    assert paid_signals == [(order.number, order.total_incl_tax, payment.intent_id)]


def test_a_jpy_order_converted_from_a_usd_price_is_rounded_to_the_yen(
    client, market, django_capture_on_commit_callbacks
):
    # A USD-priced T-shirt (USD 25.00, 200 g, from the US) bought in yen, shipped to Japan
    # (zone asia): price and shipping converted into JPY, each a whole number of yen.
    basket_add(client, market["tshirt"], quantity=3, currency="JPY")
    preview = checkout_preview(client, "JP")
    assert preview.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        assert place_order(client).status_code == 302
    order = Order.objects.get()
    assert order.currency == "JPY"
    # 600 g, asia standard up to 1,000 g: CNY 80.00 x 21.35 = JPY 1,708.
    assert order.shipping_incl_tax == Decimal("1708")
    for line in order.lines.all():
        assert whole_yen(line.line_price_incl_tax), line.line_price_incl_tax
    assert whole_yen(order.total_incl_tax)
    surcharges = sum((s.incl_tax for s in order.surcharges.all()), Decimal("0"))
    assert order.total_incl_tax == (
        order.basket_total_incl_tax + order.shipping_incl_tax + surcharges
    )
    payment = StripePayment.objects.get(order=order)
    intent = stripe_client().v1.payment_intents.retrieve(payment.intent_id)
    assert (intent.amount, intent.currency) == (int(order.total_incl_tax), "jpy")
