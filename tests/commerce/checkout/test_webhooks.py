"""The Stripe webhook: signatures, replays, order of deliveries, unknown intents, races."""

import threading
import time

import pytest
import requests
from django.db import connection
from django.urls import reverse
from oscar.core.loading import get_model

from .conftest import (
    basket_add,
    checkout_preview,
    deliver,
    event_payload,
    place_order,
    signed,
)

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


def test_bad_signature_is_refused_and_kept(client, placed):
    _order, payment = placed
    body, header = signed(
        event_payload("evt_bad", "payment_intent.succeeded", payment.intent_id), secret="wrong"
    )
    response = client.post(
        reverse("stripe-webhook"),
        body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert response.json() == {"error": "invalid signature"}
    record = StripeEvent.objects.get()
    assert (record.verified, record.state, record.event_id) == (False, "rejected", None)
    assert record.headers["Stripe-Signature"] == header
    assert Order.objects.get().status == "Pending payment"


def test_missing_signature_is_refused(client, placed):
    _order, payment = placed
    response = client.post(
        reverse("stripe-webhook"),
        b'{"id": "evt_x"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert StripeEvent.objects.get().state == "rejected"


def test_stale_signature_is_refused(client, placed):
    _order, payment = placed
    payload = event_payload("evt_old", "payment_intent.succeeded", payment.intent_id)
    response = deliver(client, payload, timestamp=int(time.time()) - 3600)
    assert response.status_code == 400


def test_replayed_event_changes_nothing(
    client, placed, django_capture_on_commit_callbacks, paid_signals
):
    order, payment = placed
    payload = event_payload("evt_replay", "payment_intent.succeeded", payment.intent_id)
    with django_capture_on_commit_callbacks(execute=True):
        first = deliver(client, payload)
        second = deliver(client, payload)
    assert first.json() == {"status": "processed"}
    assert second.status_code == 200
    assert second.json() == {"status": "duplicate"}
    assert StripeEvent.objects.count() == 1
    assert PaymentEvent.objects.filter(order=order).count() == 1
    assert len(paid_signals) == 1


def test_a_second_succeeded_event_does_not_pay_twice(
    client, placed, django_capture_on_commit_callbacks, paid_signals
):
    order, payment = placed
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event_payload("evt_a", "payment_intent.succeeded", payment.intent_id))
        deliver(client, event_payload("evt_b", "payment_intent.succeeded", payment.intent_id))
    assert PaymentEvent.objects.filter(order=order, event_type__code="paid").count() == 1
    assert len(paid_signals) == 1
    assert StripeEvent.objects.get(event_id="evt_b").error == "already paid"


def test_late_payment_failed_never_unpays(
    client, placed, django_capture_on_commit_callbacks, paid_signals
):
    order, payment = placed
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event_payload("evt_ok", "payment_intent.succeeded", payment.intent_id))
        late = deliver(
            client, event_payload("evt_late", "payment_intent.payment_failed", payment.intent_id)
        )
    assert late.status_code == 200
    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == "Paid"
    assert payment.state == "succeeded"
    assert order.sources.get().amount_debited == order.total_incl_tax
    assert PaymentEvent.objects.filter(order=order, event_type__code="payment-failed").exists()


def test_succeeded_event_that_does_not_match_the_order_is_ignored(
    client, placed, django_capture_on_commit_callbacks, paid_signals
):
    # Stripe, asked again, reports an amount that is not the order's: nothing moves.
    order, payment = placed
    StripePayment.objects.filter(pk=payment.pk).update(amount=payment.amount + 1)
    with django_capture_on_commit_callbacks(execute=True):
        response = deliver(
            client, event_payload("evt_mismatch", "payment_intent.succeeded", payment.intent_id)
        )
    assert response.status_code == 200
    assert StripeEvent.objects.get().error == "intent does not match the order"
    order.refresh_from_db()
    assert order.status == "Pending payment"
    assert paid_signals == []


def test_event_arriving_before_the_order_commits_waits_then_pays(
    client, placed, django_capture_on_commit_callbacks, paid_signals
):
    from commerce.checkout.webhooks import stripe_events_waiting_process

    order, payment = placed
    StripePayment.objects.filter(pk=payment.pk).update(order=None)
    response = deliver(
        client, event_payload("evt_early", "payment_intent.succeeded", payment.intent_id)
    )
    assert response.json() == {"status": "waiting"}
    StripePayment.objects.filter(pk=payment.pk).update(order=order)
    with django_capture_on_commit_callbacks(execute=True):
        stripe_events_waiting_process(intent_id=payment.intent_id)
    order.refresh_from_db()
    assert order.status == "Paid"
    assert StripeEvent.objects.get().state == "processed"
    assert len(paid_signals) == 1


def test_celery_task_processes_a_stored_event_once(
    client, placed, django_capture_on_commit_callbacks, paid_signals
):
    from commerce.checkout.tasks import stripe_event_process_task

    order, payment = placed
    StripePayment.objects.filter(pk=payment.pk).update(order=None)
    deliver(client, event_payload("evt_task", "payment_intent.succeeded", payment.intent_id))
    StripePayment.objects.filter(pk=payment.pk).update(order=order)
    record = StripeEvent.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert stripe_event_process_task.apply(args=[record.pk]).get() == "processed"
        assert stripe_event_process_task.apply(args=[record.pk]).get() == "duplicate"
    assert stripe_event_process_task.acks_late
    order.refresh_from_db()
    assert order.status == "Paid"
    assert len(paid_signals) == 1


def test_event_for_an_unknown_intent_is_recorded_and_ignored(client, db):
    response = deliver(client, event_payload("evt_unknown", "payment_intent.succeeded", "pi_nope"))
    assert response.status_code == 200
    assert response.json() == {"status": "ignored"}
    record = StripeEvent.objects.get()
    assert (record.verified, record.error) == (True, "unknown payment intent")


def test_event_of_another_type_is_ignored(client, db):
    response = deliver(
        client,
        {
            **event_payload("evt_c", "customer.created", ""),
            "data": {"object": {"id": "cus_1", "object": "customer"}},
        },
    )
    assert response.json() == {"status": "ignored"}


def test_webhook_query_count(
    client, placed, django_capture_on_commit_callbacks, django_assert_num_queries, steady_state
):
    _order, payment = placed
    payload = event_payload("evt_q", "payment_intent.succeeded", payment.intent_id)
    with django_assert_num_queries(17):
        with django_capture_on_commit_callbacks(execute=True):
            deliver(client, payload)
    with django_assert_num_queries(8):
        assert deliver(client, payload).json() == {"status": "duplicate"}


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_event_pay_once(client, shop, paid_signals, live_server):
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    place_order(client)
    order = Order.objects.get()
    payment = StripePayment.objects.get(order=order)
    body, header = signed(event_payload("evt_race", "payment_intent.succeeded", payment.intent_id))
    url = live_server.url + reverse("stripe-webhook")
    answers = []
    barrier = threading.Barrier(4)

    def post():
        barrier.wait()
        answers.append(
            requests.post(
                url,
                data=body,
                headers={"Stripe-Signature": header, "Content-Type": "application/json"},
                timeout=30,
            ).json()
        )
        connection.close()

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a["status"] for a in answers) == ["duplicate"] * 3 + ["processed"]
    order.refresh_from_db()
    assert order.status == "Paid"
    assert PaymentEvent.objects.filter(order=order, event_type__code="paid").count() == 1
    assert len(paid_signals) == 1
    assert order.status_changes.count() == 1


@pytest.mark.django_db(transaction=True)
def test_real_localstripe_delivery_marks_the_order_paid(
    client, shop, paid_signals, localstripe_webhook
):
    basket_add(client, shop["cream"], currency="GBP")
    checkout_preview(client, "GB")
    place_order(client)
    order = Order.objects.get()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        order.refresh_from_db()
        if order.status == "Paid":
            break
        time.sleep(0.2)
    assert order.status == "Paid"
    records = StripeEvent.objects.filter(
        type="payment_intent.succeeded", intent_id=order.stripe_payment.intent_id
    )
    assert records and all(r.verified and r.state == "processed" for r in records)
    assert records[0].headers["Stripe-Signature"].startswith("t=")
    time.sleep(1.5)  # any later delivery of the same news must not pay again
    assert len(paid_signals) == 1
    assert PaymentEvent.objects.filter(order=order, event_type__code="paid").count() == 1
