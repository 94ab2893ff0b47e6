"""The checkout webhook trusts Stripe's own copy of the PaymentIntent, not the event's.

A ``payment_intent.succeeded`` event pays the order only when the intent, fetched again
from Stripe (localstripe here), has succeeded, in the order's currency, for the order's
amount. Each test points the order's payment at a different real intent on the local
Stripe server and checks what is stored: the event's outcome and the order's state.
"""

import pytest
import stripe
from django.urls import reverse
from oscar.core.loading import get_model

from commerce.stripe_api import amount_to_minor, stripe_client

from .conftest import basket_add, checkout_preview, deliver, event_payload, place_order
from .test_payments import card

Order = get_model("order", "Order")
StripeEvent = get_model("order", "StripeEvent")
StripePayment = get_model("order", "StripePayment")
PaymentEvent = get_model("order", "PaymentEvent")


@pytest.fixture
def placed(client, shop, django_capture_on_commit_callbacks):
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    order = Order.objects.get()
    return order, StripePayment.objects.get(order=order)


def intent_of(*, amount: int, currency: str, confirm: bool) -> str:
    client = stripe_client()
    intent = client.v1.payment_intents.create(
        params={"amount": amount, "currency": currency, "payment_method": "pm_card_visa"}
    )
    if confirm:
        intent = client.v1.payment_intents.confirm(intent.id)
    return intent.id


def deliver_succeeded(client, captured, intent_id, event_id):
    with captured(execute=True):
        return deliver(client, event_payload(event_id, "payment_intent.succeeded", intent_id))


@pytest.mark.parametrize(
    ("currency", "confirm", "why"),
    [
        ("gbp", False, "the intent has not succeeded"),
        ("usd", True, "the intent is in another currency"),
    ],
)
def test_a_succeeded_event_whose_intent_does_not_match_pays_nothing(
    client, placed, django_capture_on_commit_callbacks, paid_signals, currency, confirm, why
):
    order, payment = placed
    amount = amount_to_minor(amount=payment.amount, currency=payment.currency)
    other = intent_of(amount=amount, currency=currency, confirm=confirm)
    StripePayment.objects.filter(pk=payment.pk).update(intent_id=other)
    response = deliver_succeeded(client, django_capture_on_commit_callbacks, other, "evt_x")
    assert response.status_code == 200, why
    assert response.json() == {"status": "ignored"}, why
    record = StripeEvent.objects.get()
    assert (record.state, record.error) == ("ignored", "intent does not match the order")
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == "Pending payment", why
    assert payment.state != "succeeded"
    assert not PaymentEvent.objects.filter(order=order).exists()
    assert paid_signals == []


def test_the_matching_intent_pays_and_records_the_payment(
    client, placed, django_capture_on_commit_callbacks, paid_signals
):
    order, payment = placed
    response = deliver_succeeded(
        client, django_capture_on_commit_callbacks, payment.intent_id, "evt_ok"
    )
    assert response.json() == {"status": "processed"}
    record = StripeEvent.objects.get()
    assert (record.state, record.error, record.verified) == ("processed", "", True)
    assert record.processed_at is not None
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == "Paid"
    assert payment.state == "succeeded"
    assert set(order.lines.values_list("status", flat=True)) == {"Paid"}
    (event,) = PaymentEvent.objects.filter(order=order)
    assert (event.amount, event.reference, event.event_type.name) == (
        order.total_incl_tax,
        payment.intent_id,
        "Paid",
    )
    assert paid_signals == [(order.number, order.total_incl_tax, payment.intent_id)]


def test_a_failed_event_records_stripes_reason_and_leaves_the_order_pending(
    client, placed, django_capture_on_commit_callbacks
):
    order, payment = placed
    # A declined card on the local Stripe server: the intent carries last_payment_error.
    client_api = stripe_client()
    declined = client_api.v1.payment_intents.create(
        params={
            "amount": amount_to_minor(amount=payment.amount, currency=payment.currency),
            "currency": "gbp",
            "payment_method": card("4000000000000341"),
        }
    )
    try:
        client_api.v1.payment_intents.confirm(declined.id)
    except stripe.CardError:
        pass  # the decline is the point
    StripePayment.objects.filter(pk=payment.pk).update(intent_id=declined.id)
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(
            client, event_payload("evt_fail", "payment_intent.payment_failed", declined.id)
        )
    assert response.json() == {"status": "processed"}
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == "Pending payment"
    assert payment.state == "failed"
    assert "declined" in payment.last_error.lower()  # Stripe's reason, not a generic one
    (event,) = PaymentEvent.objects.filter(order=order)
    assert event.event_type.code == "payment-failed"


def test_stripe_unreachable_answers_503_and_queues_a_retry(
    client, placed, django_capture_on_commit_callbacks, settings, monkeypatch, paid_signals
):
    from commerce.checkout.tasks import stripe_event_process_task
    from commerce.checkout.webhooks import stripe_event_process

    queued = []
    monkeypatch.setattr(stripe_event_process_task, "apply_async", lambda **kw: queued.append(kw))
    order, payment = placed
    reachable = settings.STRIPE_API_BASE
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = deliver_succeeded(
        client, django_capture_on_commit_callbacks, payment.intent_id, "evt_down"
    )
    assert (response.status_code, response.json()) == (
        503,
        {"error": "could not reach Stripe; will retry"},
    )
    record = StripeEvent.objects.get()
    assert record.state == "failed"
    assert "Stripe" in record.error  # the client library's own words
    assert queued == [{"args": [record.pk], "countdown": 30}]
    order.refresh_from_db()
    assert order.status == "Pending payment"
    # The retry, with Stripe back: paid, once.
    settings.STRIPE_API_BASE = reachable
    with django_capture_on_commit_callbacks(execute=True):
        assert stripe_event_process(event_pk=record.pk) == "processed"
    order.refresh_from_db()
    assert order.status == "Paid"
    assert len(paid_signals) == 1


def test_waiting_events_are_deferred_not_lost_when_stripe_is_down(client, placed, settings, caplog):
    from commerce.checkout.webhooks import stripe_events_waiting_process

    order, payment = placed
    StripePayment.objects.filter(pk=payment.pk).update(order=None)
    early = deliver(
        client, event_payload("evt_wait", "payment_intent.succeeded", payment.intent_id)
    )
    assert early.json() == {"status": "waiting"}
    StripePayment.objects.filter(pk=payment.pk).update(order=order)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    stripe_events_waiting_process(intent_id=payment.intent_id)  # no exception
    record = StripeEvent.objects.get()
    assert record.state == "failed"
    assert any(
        r.getMessage() == f"Stripe event {record.pk}: processing deferred" for r in caplog.records
    )
    # Other intents' waiting events are not touched.
    stripe_events_waiting_process(intent_id="pi_other")
    record.refresh_from_db()
    assert record.state == "failed"


def test_a_body_over_the_limit_is_refused_with_413(client, db, settings):
    from commerce.webhook_store import webhook_body_limit

    limit = webhook_body_limit()
    response = client.post(
        reverse("stripe-webhook"), data=b"x" * (limit + 1), content_type="application/json"
    )
    assert (response.status_code, response.json()) == (
        413,
        {"error": f"body larger than {limit} bytes"},
    )
    assert not StripeEvent.objects.exists()


def test_processing_waiting_events_touches_only_this_intents_waiting_events(
    client, placed, django_capture_on_commit_callbacks
):
    from commerce.checkout.webhooks import stripe_events_waiting_process

    order, payment = placed
    # Another checkout's payment, its order not committed yet: its event waits.
    StripePayment.objects.create(order_number="other-1", intent_id="pi_other", amount=1)
    other = deliver(client, event_payload("evt_other", "payment_intent.succeeded", "pi_other"))
    assert other.json() == {"status": "waiting"}
    # Ours is paid by its event.
    with django_capture_on_commit_callbacks(execute=True):
        deliver_succeeded(client, django_capture_on_commit_callbacks, payment.intent_id, "evt_p")
    paid = StripeEvent.objects.get(event_id="evt_p")
    assert (paid.state, paid.error) == ("processed", "")
    with django_capture_on_commit_callbacks(execute=True):
        stripe_events_waiting_process(intent_id=payment.intent_id)
    # The processed event is left as it was; the other intent's event still waits.
    again = StripeEvent.objects.get(event_id="evt_p")
    assert (again.state, again.error, again.processed_at) == ("processed", "", paid.processed_at)
    assert StripeEvent.objects.get(event_id="evt_other").state == "waiting"


def test_a_failed_event_for_a_payment_without_an_order_is_recorded(client, db):
    # A card declined at checkout: the payment row exists, no order was placed.
    payment = StripePayment.objects.create(
        order_number="100777", intent_id="pi_declined", amount=10, currency="GBP"
    )
    response = deliver(
        client, event_payload("evt_declined", "payment_intent.payment_failed", "pi_declined")
    )
    assert response.json() == {"status": "processed"}
    record = StripeEvent.objects.get()
    assert (record.state, record.error) == ("processed", "")
    payment.refresh_from_db()
    assert (payment.state, payment.last_error) == ("failed", "payment failed")
    assert not PaymentEvent.objects.exists()
    # The same payment's succeeded event (if Stripe ever sent one) waits for an order.
    waiting = deliver(
        client, event_payload("evt_late_ok", "payment_intent.succeeded", "pi_declined")
    )
    assert waiting.json() == {"status": "waiting"}


def test_events_of_other_types_are_kept_with_a_note(client, db):
    payload = {
        **event_payload("evt_cus", "customer.created", ""),
        "data": {"object": {"id": "cus_1", "object": "customer"}},
    }
    assert deliver(client, payload).json() == {"status": "ignored"}
    record = StripeEvent.objects.get()
    assert (record.state, record.error) == ("ignored", "event type not handled")
    assert record.processed_at is not None
