"""Card payments that fail, and refunds from the merchant dashboard."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from oscar.core.loading import get_model

from commerce.stripe_api import stripe_client
from tests.factories import PartnerFactory, UserFactory, product_with_price

from .conftest import basket_add, checkout_preview, deliver, event_payload, place_order

Order = get_model("order", "Order")
StripePayment = get_model("order", "StripePayment")
StripeEvent = get_model("order", "StripeEvent")
PaymentEvent = get_model("order", "PaymentEvent")
Basket = get_model("basket", "Basket")


def card(number: str) -> str:
    method = stripe_client().v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"},
        }
    )
    return method.id


def test_declined_card_shows_an_error_and_places_no_order(
    client, shop, django_capture_on_commit_callbacks, paid_signals
):
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    response = place_order(client, payment_method=card("4000000000000341"))
    assert response.status_code == 200
    assert "declined" in response.context["error"].lower()
    assert 'id="card-element"' in response.content.decode()
    assert not Order.objects.exists()
    payment = StripePayment.objects.get()
    assert payment.state == "failed"
    assert "declined" in payment.last_error.lower()
    # The basket is usable again, and a good card then succeeds.
    with django_capture_on_commit_callbacks(execute=True):
        response = place_order(client, payment_method=card("4242424242424242"))
    assert response.status_code == 302
    order = Order.objects.get()
    assert order.stripe_payment.state == "processing"
    assert paid_signals == []


def test_payment_failed_event_for_a_card_declined_at_checkout_is_recorded(client, shop):
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    place_order(client, payment_method=card("4000000000000341"))
    payment = StripePayment.objects.get()
    assert payment.intent_id
    response = deliver(
        client, event_payload("evt_declined", "payment_intent.payment_failed", payment.intent_id)
    )
    assert response.json() == {"status": "processed"}
    payment.refresh_from_db()
    assert payment.state == "failed"
    assert "declined" in payment.last_error.lower()


class BrokenEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_a_mail_server_that_is_down_does_not_fail_a_placed_order(
    client, shop, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenEmailBackend"
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    with django_capture_on_commit_callbacks(execute=True):
        response = place_order(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("checkout:thank-you")
    assert Order.objects.count() == 1
    assert Basket.objects.get().status == "Submitted"


def test_missing_card_is_asked_for(client, shop):
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    response = place_order(client, payment_method="")
    assert response.status_code == 200
    assert response.context["error"] == "Please enter your card details."
    assert not StripePayment.objects.exists()


def test_payment_failed_event_before_payment_is_recorded(
    client, shop, django_capture_on_commit_callbacks
):
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(
            client,
            event_payload(
                "evt_fail", "payment_intent.payment_failed", order.stripe_payment.intent_id
            ),
        )
    order.refresh_from_db()
    assert order.status == "Pending payment"
    assert PaymentEvent.objects.filter(order=order, event_type__code="payment-failed").exists()


@pytest.fixture
def merchant(db):
    """A partner's staff user with dashboard access, like the demo's merchants."""
    user = UserFactory(username="merchant", is_staff=True)
    user.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    return user


@pytest.fixture
def paid_order(client, shop, merchant, django_capture_on_commit_callbacks):
    shop["cream"].stockrecords.first().partner.users.add(merchant)
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    order = Order.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        deliver(
            client,
            event_payload("evt_paid", "payment_intent.succeeded", order.stripe_payment.intent_id),
        )
    order.refresh_from_db()
    assert order.status == "Paid"
    client.logout()
    return order


def refund(client, order, amount, captured):
    with captured(execute=True):
        return client.post(
            reverse("dashboard:order-detail", kwargs={"number": order.number}),
            {"order_action": "refund", "amount": amount},
            follow=True,
        )


def refund_consignment(client, order, amount, captured):
    """A merchant refunds its consignment from the dashboard order page."""
    consignment = order.consignments.get()
    with captured(execute=True):
        return client.post(
            reverse("dashboard:order-detail", kwargs={"number": order.number}),
            {
                "order_action": "refund_consignment",
                "consignment": consignment.pk,
                f"refund-{consignment.pk}-amount": amount,
            },
            follow=True,
        )


# Issue #10 (a marketplace): every order now has consignments, and a merchant refunds at
# most what the shopper paid for its own consignment (the order-level refund form is only
# for orders placed before consignments). These tests refund the consignment.
def test_partial_then_full_refund_and_over_refund_refused(
    client, paid_order, merchant, django_capture_on_commit_callbacks, refunded_signals
):
    order = paid_order
    client.force_login(merchant)
    page = client.get(reverse("dashboard:order-detail", kwargs={"number": order.number}))
    html = page.content.decode()
    assert "Import taxes" in html
    consignment = order.consignments.get()
    assert consignment.total == order.total_incl_tax  # one merchant: the whole order

    response = refund_consignment(client, order, "10.00", django_capture_on_commit_callbacks)
    assert "Refunded 10.00 GBP." in [str(m) for m in response.context["messages"]]
    remaining = order.total_incl_tax - Decimal("10.00")

    over = refund_consignment(
        client, order, str(remaining + Decimal("0.01")), django_capture_on_commit_callbacks
    )
    assert f"You can refund at most {remaining} GBP" in over.content.decode()

    refund_consignment(client, order, str(remaining), django_capture_on_commit_callbacks)
    payment = StripePayment.objects.get(order=order)
    assert payment.refunded == order.total_incl_tax
    assert [(n, a) for n, a, _lines, _ref in refunded_signals] == [
        (order.number, Decimal("10.00")),
        (order.number, remaining),
    ]
    stripe_refunds = stripe_client().v1.refunds.list(params={"payment_intent": payment.intent_id})
    assert sum(r.amount for r in stripe_refunds.data) == int(order.total_incl_tax * 100)

    again = refund_consignment(client, order, "0.01", django_capture_on_commit_callbacks)
    assert "You can refund at most 0.00 GBP" in again.content.decode()


def test_refund_of_an_unpaid_order_is_refused(
    client, shop, merchant, django_capture_on_commit_callbacks
):
    shop["cream"].stockrecords.first().partner.users.add(merchant)
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    order = Order.objects.get()
    client.force_login(merchant)
    response = refund_consignment(client, order, "1.00", django_capture_on_commit_callbacks)
    assert "no settled card payment" in response.content.decode()
    assert StripePayment.objects.get(order=order).refunded == 0


def test_merchants_see_and_refund_only_their_own_orders(
    client, paid_order, django_capture_on_commit_callbacks, refunded_signals
):
    other = UserFactory(username="other-merchant", is_staff=True)
    other.user_permissions.add(
        Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    )
    PartnerFactory(code="other-shop").users.add(other)
    product_with_price("50.00", title="Other goods")
    client.force_login(other)
    listing = client.get(reverse("dashboard:order-list"))
    assert listing.status_code == 200
    assert paid_order.number not in listing.content.decode()
    detail = client.get(reverse("dashboard:order-detail", kwargs={"number": paid_order.number}))
    assert detail.status_code == 404
    response = client.post(
        reverse("dashboard:order-detail", kwargs={"number": paid_order.number}),
        {"order_action": "refund", "amount": "1.00"},
    )
    assert response.status_code == 404
    assert refunded_signals == []


def test_merchant_sees_the_masked_identity_of_a_china_order(
    client, shop, merchant, django_capture_on_commit_callbacks
):
    from .conftest import ID_NUMBERS

    shop["cream"].stockrecords.first().partner.users.add(merchant)
    basket_add(client, shop["cream"], currency="CNY")
    checkout_preview(client, "CN", identity=("张三", ID_NUMBERS[0]))
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    order = Order.objects.get()
    client.force_login(merchant)
    listing = client.get(reverse("dashboard:order-list"))
    assert order.number in listing.content.decode()
    html = client.get(
        reverse("dashboard:order-detail", kwargs={"number": order.number})
    ).content.decode()
    assert "1101**********002X" in html
    assert ID_NUMBERS[0] not in html
    # The dashboard shows the merchant's consignment: its import taxes (issue #10).
    assert "Import taxes" in html
    assert order.consignments.get().taxes > 0
