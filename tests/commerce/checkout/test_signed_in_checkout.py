"""A signed-in shopper's checkout, end to end through the real URLs, on localstripe.

Sign in with the login form, fill the basket, give an address, choose a method, place the
order with a card on the local Stripe server, the webhook marks it paid: the order is the
shopper's (user, email), the payment Stripe holds is the order's total, and the order is
listed in the shopper's history and opens there (and only there).
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.core.loading import get_model

from commerce.stripe_api import stripe_client

from .conftest import ADDRESSES, basket_add, deliver, event_payload, place_order

Order = get_model("order", "Order")
StripePayment = get_model("order", "StripePayment")


def sign_in(client, email, password):
    response = client.post(
        reverse("customer:login"),
        {"login-username": email, "login-password": password, "login_submit": "1"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert client.session.get("_auth_user_id")


def address_and_method(client, country):
    # Signed in: the checkout starts at the address (no guest email step).
    start = client.get(reverse("checkout:index"))
    assert start.status_code == 302
    assert start["Location"] == reverse("checkout:shipping-address")
    response = client.post(
        reverse("checkout:shipping-address"),
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "line1": "1 High Street",
            "country": country,
            "phone_number": "",
            **ADDRESSES[country],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    methods = client.get(reverse("checkout:shipping-method"))
    if methods.status_code == 200:
        code = [m.code for m in methods.context["methods"] if m.code.startswith("standard")][0]
        client.post(reverse("checkout:shipping-method"), {"method_code": code})
    preview = client.get(reverse("checkout:preview"))
    assert preview.status_code == 200
    return preview


def test_a_signed_in_shopper_pays_and_finds_the_order_in_their_history(
    client, market, django_capture_on_commit_callbacks, paid_signals, mailoutbox
):
    ada = get_user_model().objects.create_user("ada", "ada@example.com", "pw-ada-123")
    sign_in(client, "ada@example.com", "pw-ada-123")
    basket_add(client, market["tshirt"], quantity=2, currency="GBP")
    preview = address_and_method(client, "GB")
    assert "Ada Lovelace" in preview.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = place_order(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("checkout:thank-you")
    order = Order.objects.get()
    assert order.user == ada
    assert order.email == "ada@example.com"
    assert order.status == "Pending payment"
    assert order.currency == "GBP"
    assert order.num_items == 2
    assert order.total_incl_tax == (
        order.basket_total_incl_tax
        + order.shipping_incl_tax
        + sum((s.incl_tax for s in order.surcharges.all()), Decimal("0"))
    )
    assert mailoutbox[0].to == ["ada@example.com"]

    # What the local Stripe server holds: the order's total in pence, for this order.
    payment = StripePayment.objects.get(order=order)
    intent = stripe_client().v1.payment_intents.retrieve(payment.intent_id)
    assert intent.amount == int(order.total_incl_tax * 100)
    assert intent.currency == "gbp"
    assert intent.metadata["order_number"] == order.number

    with django_capture_on_commit_callbacks(execute=True):
        answer = deliver(
            client, event_payload("evt_signed_in", "payment_intent.succeeded", payment.intent_id)
        )
    assert answer.status_code == 200
    order.refresh_from_db()
    assert order.status == "Paid"
    assert paid_signals == [(order.number, order.total_incl_tax, payment.intent_id)]

    # The shopper's history lists it; its page opens for the shopper.
    history = client.get(reverse("customer:order-list"))
    assert [o.number for o in history.context["orders"]] == [order.number]
    assert order.number in history.content.decode()
    detail = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert detail.status_code == 200
    assert "Brooklyn T-shirt" in detail.content.decode()

    # Another signed-in shopper sees neither.
    get_user_model().objects.create_user("bob", "bob@example.com", "pw-bob-123")
    client.logout()
    sign_in(client, "bob@example.com", "pw-bob-123")
    assert list(client.get(reverse("customer:order-list")).context["orders"]) == []
    other = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert other.status_code == 404
