"""Stripe webhook deliveries: store, verify, de-duplicate, then act (see DESIGN.md §7).

Storing and verifying is ``commerce.webhook_store`` (shared with the Connect webhook)."""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.webhook_store import object_id, webhook_delivery_store

from .payments import payment_mark_paid, payment_record_failure, stripe_client

logger = logging.getLogger(__name__)

Order = get_model("order", "Order")
StripeEvent = get_model("order", "StripeEvent")
StripePayment = get_model("order", "StripePayment")

HEADERS_KEPT = ("Stripe-Signature", "Content-Type", "User-Agent")
HANDLED = ("payment_intent.succeeded", "payment_intent.payment_failed")


class ProcessingFailed(Exception):
    """Stripe could not be reached to re-fetch the intent; the sender should retry."""


def stripe_event_receive(*, body: bytes, headers) -> tuple[int, dict]:
    """Store and verify one delivery (``commerce.webhook_store``: bounded evidence before
    the signature is checked, the event once), then process it. Returns (status, JSON)."""
    delivery = webhook_delivery_store(
        model=StripeEvent,
        body=body,
        headers=headers,
        secret=settings.STRIPE_WEBHOOK_SECRET,
        headers_of_interest=HEADERS_KEPT,
        rejected_response={"error": "invalid signature"},
        refs=lambda payload: {"intent_id": object_id(payload, "payment_intent")},
    )
    if delivery.record is None:
        return delivery.status, delivery.response
    record = delivery.record
    try:
        state = stripe_event_process(event_pk=record.pk)
    except ProcessingFailed:
        from .tasks import stripe_event_process_task

        stripe_event_process_task.apply_async(args=[record.pk], countdown=30)
        return 503, {"error": "could not reach Stripe; will retry"}
    return 200, {"status": state}


def stripe_event_process(*, event_pk: int) -> str:
    """Act on one stored, verified event, exactly once. Returns the outcome."""
    try:
        with transaction.atomic():
            return _process_locked(event_pk)
    except stripe.StripeError as error:
        StripeEvent.objects.filter(pk=event_pk).update(
            state=StripeEvent.State.FAILED, error=str(error)[:500]
        )
        # The message only reaches Celery's retry log; the error is stored above.
        raise ProcessingFailed(str(error)) from error  # pragma: no mutate


def _finish(record, state: str, error: str = "") -> str:
    record.state, record.error, record.processed_at = state, error, timezone.now()
    # Saving every column instead writes the same values (the row is locked): nothing a
    # test can observe.
    record.save(update_fields=["state", "error", "processed_at"])  # pragma: no mutate
    return state


def _process_locked(event_pk: int) -> str:
    record = StripeEvent.objects.select_for_update().get(pk=event_pk)
    if record.state in (StripeEvent.State.PROCESSED, StripeEvent.State.IGNORED):
        return "duplicate"
    if record.type not in HANDLED:
        return _finish(record, StripeEvent.State.IGNORED, "event type not handled")
    payment = StripePayment.objects.select_for_update().filter(intent_id=record.intent_id).first()
    if payment is None:
        return _finish(record, StripeEvent.State.IGNORED, "unknown payment intent")
    if payment.order_id is None:
        if record.type == "payment_intent.payment_failed":
            # A card declined at checkout: no order was placed; keep the reason.
            payment_record_failure(payment=payment, order=None, message="payment failed")
            return _finish(record, StripeEvent.State.PROCESSED)
        # The checkout has not committed the order yet: it processes waiting events after.
        return _finish(record, StripeEvent.State.WAITING)
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    # Never trust the event's copy of the intent when money state changes: re-fetch it.
    intent = stripe_client().v1.payment_intents.retrieve(record.intent_id)
    if record.type == "payment_intent.succeeded":
        expected = {
            "status": "succeeded",
            "currency": payment.currency.lower(),
        }
        from .payments import amount_to_minor

        if (
            intent.status != expected["status"]
            or intent.currency != expected["currency"]
            or intent.amount != amount_to_minor(amount=payment.amount, currency=payment.currency)
        ):
            return _finish(record, StripeEvent.State.IGNORED, "intent does not match the order")
        moved = payment_mark_paid(payment=payment, order=order, reference=intent.id)
        return _finish(record, StripeEvent.State.PROCESSED, "" if moved else "already paid")
    error = getattr(intent, "last_payment_error", None)
    message = getattr(error, "message", None) or "payment failed"
    payment_record_failure(payment=payment, order=order, message=message)
    return _finish(record, StripeEvent.State.PROCESSED)


def stripe_events_waiting_process(*, intent_id: str) -> None:
    """Process the events that arrived before the order for ``intent_id`` was committed."""
    # values_list(flat=True) with no field name is the pk as well: marked equivalent.
    for pk in StripeEvent.objects.filter(
        intent_id=intent_id, state=StripeEvent.State.WAITING
    ).values_list("pk", flat=True):  # pragma: no mutate
        # Bookkeeping between waiting and its outcome: processing sets the final state
        # (processed, ignored, waiting again or failed) whatever this one says.
        StripeEvent.objects.filter(pk=pk).update(  # pragma: no mutate
            state=StripeEvent.State.RECEIVED  # pragma: no mutate
        )
        try:
            stripe_event_process(event_pk=pk)
        except ProcessingFailed:
            logger.warning("Stripe event %s: processing deferred", pk)
