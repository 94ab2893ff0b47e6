"""What Stripe receives from the checkout: amounts in minor units and idempotency keys;
what the checkout does when Stripe answers with an error.

localstripe does not implement idempotency, so a recording proxy sits between our Stripe
client and localstripe and keeps each request's method, path, form body and
``Idempotency-Key`` header: the test reads what went over the wire, as Stripe would. The
proxy can also answer a request itself, as Stripe does when it refuses or fails
(``wire.faults``, in Stripe's error format), which localstripe cannot be made to do.
"""

import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
import requests
from oscar.core.loading import get_model

from commerce.checkout.payments import (
    PaymentDeclined,
    PaymentUnavailable,
    RefundRefused,
    order_refund,
    payment_intent_create,
)

from .conftest import basket_add, checkout_preview, deliver, event_payload, place_order
from .test_payments import card

Order = get_model("order", "Order")
StripePayment = get_model("order", "StripePayment")
PaymentEvent = get_model("order", "PaymentEvent")


class Wire(list):
    """Requests sent to Stripe: [(method, path, form fields, idempotency key)]. ``faults``:
    "METHOD /path-prefix" -> (status, JSON body) answered instead of localstripe's."""

    def __init__(self):
        super().__init__()
        self.faults: dict[str, tuple[int, dict]] = {}


def stripe_error(status: int, kind: str, message: str, **fields) -> tuple[int, dict]:
    """An error answer in Stripe's wire format (the client raises by ``type``)."""
    return status, {"error": {"type": kind, "message": message, **fields}}


@pytest.fixture
def wire(localstripe_url, settings):
    seen = Wire()

    class Forward(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _forward(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            seen.append(
                (
                    self.command,
                    self.path.split("?")[0],
                    {k: v[0] for k, v in parse_qs(body.decode()).items()},
                    self.headers.get("Idempotency-Key"),
                )
            )
            request = f"{self.command} {self.path.split('?')[0]}"
            fault = next((f for key, f in seen.faults.items() if request.startswith(key)), None)
            if fault is not None:
                status, content = fault[0], json.dumps(fault[1]).encode()
            else:
                answer = requests.request(
                    self.command,
                    localstripe_url + self.path,
                    data=body,
                    headers=headers,
                    timeout=30,
                )
                status, content = answer.status_code, answer.content
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_DELETE = _forward

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{server.server_address[1]}"
    yield seen
    server.shutdown()
    server.server_close()


def posts(seen, path_start):
    return [r for r in seen if r[0] == "POST" and r[1].startswith(path_start)]


def test_a_payment_intent_carries_a_key_per_order_and_card(db, wire):
    visa, other = card("4242424242424242"), card("4242424242424242")
    wire.clear()
    first = payment_intent_create(
        order_number="100042", amount=Decimal("12.34"), currency="USD", payment_method=visa
    )
    (create, confirm) = posts(wire, "/v1/payment_intents")
    assert create[1] == "/v1/payment_intents"
    assert create[2]["amount"] == "1234" and create[2]["currency"] == "usd"
    assert create[2]["metadata[order_number]"] == "100042"
    assert create[3] and confirm[3] and create[3] != confirm[3]
    assert confirm[1] == f"/v1/payment_intents/{first.intent_id}/confirm"
    assert (first.state, first.amount, first.currency) == ("processing", Decimal("12.34"), "USD")

    # The same order and card again (a retry): the same keys, so Stripe would answer with
    # the intent it already made; one payment row per order number, updated.
    wire.clear()
    payment_intent_create(
        order_number="100042", amount=Decimal("12.34"), currency="USD", payment_method=visa
    )
    again = posts(wire, "/v1/payment_intents")
    assert [r[3] for r in again] == [create[3], confirm[3]]
    # Another card, or another order: other keys.
    wire.clear()
    payment_intent_create(
        order_number="100042", amount=Decimal("12.34"), currency="USD", payment_method=other
    )
    payment_intent_create(
        order_number="100043", amount=Decimal("12.34"), currency="USD", payment_method=visa
    )
    keys = [r[3] for r in posts(wire, "/v1/payment_intents")]
    assert len(set(keys + [create[3], confirm[3]])) == 6
    assert StripePayment.objects.filter(order_number="100042").count() == 1


def test_stripe_failing_to_create_the_intent_is_unavailable_and_charges_nothing(db, wire):
    wire.faults["POST /v1/payment_intents"] = stripe_error(500, "api_error", "Stripe is down")
    with pytest.raises(PaymentUnavailable, match="Stripe is down"):
        payment_intent_create(
            order_number="100060",
            amount=Decimal("12.34"),
            currency="GBP",
            payment_method=card("4242424242424242"),
        )
    payment = StripePayment.objects.get(order_number="100060")
    assert (payment.state, payment.intent_id) == ("created", None)
    assert "Stripe is down" in payment.last_error
    assert len(posts(wire, "/v1/payment_intents")) == 1  # never confirmed


def test_a_card_refused_at_confirm_is_declined_with_stripes_message(db, wire):
    visa = card("4242424242424242")
    wire.faults["POST /v1/payment_intents/"] = stripe_error(
        402,
        "card_error",
        "Your card has insufficient funds.",
        code="card_declined",
        decline_code="insufficient_funds",
    )
    with pytest.raises(PaymentDeclined) as declined:
        payment_intent_create(
            order_number="100061", amount=Decimal("5.00"), currency="GBP", payment_method=visa
        )
    assert str(declined.value) == "Your card has insufficient funds."
    payment = StripePayment.objects.get(order_number="100061")
    assert payment.state == "failed" and payment.intent_id.startswith("pi_")
    assert payment.last_error == "Your card has insufficient funds."


@pytest.mark.parametrize(
    ("status", "state"),
    [("processing", "processing"), ("succeeded", "processing"), ("requires_action", "failed")],
)
def test_what_the_confirmed_intent_says_decides_the_payment(db, wire, status, state):
    # Paid or on its way: the webhook settles it. Anything else (3-D Secure wanted, no
    # usable card) is not charged: declined, with a message for the shopper.
    visa = card("4242424242424242")
    wire.faults["POST /v1/payment_intents/"] = (
        200,
        {"id": "pi_confirmed", "object": "payment_intent", "status": status},
    )
    if state == "failed":
        with pytest.raises(PaymentDeclined, match="^Your card could not be charged.$"):
            payment_intent_create(
                order_number="100062", amount=Decimal("5.00"), currency="GBP", payment_method=visa
            )
    else:
        payment_intent_create(
            order_number="100062", amount=Decimal("5.00"), currency="GBP", payment_method=visa
        )
    payment = StripePayment.objects.get(order_number="100062")
    assert (payment.state, payment.intent_id) == (state, "pi_confirmed")


def test_a_jpy_intent_is_sent_in_whole_yen(db, wire):
    payment_intent_create(
        order_number="100050",
        amount=Decimal("6405"),
        currency="JPY",
        payment_method=card("4242424242424242"),
    )
    (create, _confirm) = posts(wire, "/v1/payment_intents")
    assert (create[2]["amount"], create[2]["currency"]) == ("6405", "jpy")


def test_refunds_send_minor_units_and_a_key_per_refund(
    client, shop, django_capture_on_commit_callbacks, wire, refunded_signals
):
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    order = Order.objects.get()
    payment = StripePayment.objects.get(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event_payload("evt_paid", "payment_intent.succeeded", payment.intent_id))
    wire.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = order_refund(order=order, amount=Decimal("5.00"))
        second = order_refund(order=order, amount=Decimal("5.00"))
    (one, two) = posts(wire, "/v1/refunds")
    assert one[2] == {"payment_intent": payment.intent_id, "amount": "500"}
    assert two[2]["amount"] == "500"
    assert one[3] and two[3] and one[3] != two[3]  # two refunds of the same amount: two keys
    payment.refresh_from_db()
    assert payment.refunded == Decimal("10.00")
    assert order.sources.get().amount_refunded == Decimal("10.00")
    events = PaymentEvent.objects.filter(order=order, event_type__code="refunded")
    assert sorted(e.reference for e in events) == sorted([first, second])
    assert [(n, a, r) for n, a, _lines, r in refunded_signals] == [
        (order.number, Decimal("5.00"), first),
        (order.number, Decimal("5.00"), second),
    ]


@pytest.fixture
def paid_order(client, shop, django_capture_on_commit_callbacks, wire):
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    order = Order.objects.get()
    payment = StripePayment.objects.get(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event_payload("evt_paid", "payment_intent.succeeded", payment.intent_id))
    wire.clear()
    return order


def test_a_refund_retried_after_our_side_failed_sends_the_same_key(
    paid_order, wire, monkeypatch, django_capture_on_commit_callbacks
):
    from commerce.checkout import payments

    record = payments._refund_record

    def database_gone(**kwargs):
        raise RuntimeError("the database went away after Stripe answered")

    monkeypatch.setattr(payments, "_refund_record", database_gone)
    with pytest.raises(RuntimeError):
        order_refund(order=paid_order, amount=Decimal("5.00"))
    monkeypatch.setattr(payments, "_refund_record", record)
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=paid_order, amount=Decimal("5.00"))
    first, retry = posts(wire, "/v1/refunds")
    assert first[3] == retry[3]  # Stripe would answer the retry with the first refund
    assert first[3].startswith(f"refund-{paid_order.number}-")
    assert StripePayment.objects.get(order=paid_order).refunded == Decimal("5.00")


def test_refund_bounds_and_messages(
    paid_order, refunded_signals, django_capture_on_commit_callbacks
):
    total = paid_order.total_incl_tax
    for amount, message in (
        ("0", "Enter an amount above zero."),
        ("-1", "Enter an amount above zero."),
        (str(total + Decimal("0.01")), f"You can refund at most {total} GBP."),
    ):
        with pytest.raises(RefundRefused) as refused:
            order_refund(order=paid_order, amount=Decimal(amount))
        assert str(refused.value) == message
    with django_capture_on_commit_callbacks(execute=True):
        order_refund(order=paid_order, amount=Decimal("1.00"))
        # 0.004 rounds to nothing in pence: refused, not sent.
        with pytest.raises(RefundRefused):
            order_refund(order=paid_order, amount=Decimal("0.004"))
        left = total - Decimal("1.00")
        with pytest.raises(RefundRefused) as over:
            order_refund(order=paid_order, amount=left + Decimal("0.01"))
        assert str(over.value) == f"You can refund at most {left} GBP."
        order_refund(order=paid_order, amount=left)  # exactly what is left
    payment = StripePayment.objects.get(order=paid_order)
    assert payment.refunded == total
    assert [(a, lines) for _n, a, lines, _r in refunded_signals] == [
        (Decimal("1.00"), {}),
        (left, {}),
    ]


def test_a_late_failure_never_unpays_and_is_recorded(paid_order):
    from commerce.checkout.payments import payment_record_failure

    payment = StripePayment.objects.get(order=paid_order)
    assert payment.state == "succeeded"
    payment_record_failure(payment=payment, order=paid_order, message="card declined")
    payment.refresh_from_db()
    assert (payment.state, payment.last_error) == ("succeeded", "card declined")
    event = PaymentEvent.objects.get(order=paid_order, event_type__code="payment-failed")
    assert (event.amount, event.reference, event.event_type.name) == (
        Decimal("0"),
        payment.intent_id,
        "Payment failed",
    )
    # A second failure keeps the first reason.
    payment_record_failure(payment=payment, order=paid_order, message="another")
    payment.refresh_from_db()
    assert payment.last_error == "card declined"
