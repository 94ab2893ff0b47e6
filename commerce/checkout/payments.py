"""Stripe payments: PaymentIntents, the paid transition, refunds.

Every money-moving call carries an idempotency key derived from our own order number; the
``StripePayment`` row exists (committed) before Stripe is called.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import stripe
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from commerce.order.signals import order_paid, order_refunded
from commerce.stripe_api import amount_to_minor, stripe_client
from tax.money import quantize_money

Order = get_model("order", "Order")
StripePayment = get_model("order", "StripePayment")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEvent = get_model("order", "PaymentEvent")

STATUS_PENDING = "Pending payment"
STATUS_PAID = "Paid"


class PaymentDeclined(Exception):
    """The card was declined; the message is safe to show the shopper."""


class PaymentUnavailable(Exception):
    """Stripe could not be reached or refused the request for another reason."""


class RefundRefused(Exception):
    """The refund cannot be made; the message is safe to show staff."""


def payment_intent_create(
    *, order_number: str, amount: Decimal, currency: str, payment_method: str
) -> StripePayment:
    """Create and confirm a PaymentIntent for an order number (before the order exists)."""
    # One row per order number (a retry after a decline reuses it), written with one
    # INSERT ... ON CONFLICT UPDATE (update_or_create took five queries).
    (payment,) = StripePayment.objects.bulk_create(
        [
            StripePayment(
                order_number=order_number,
                amount=amount,
                currency=currency,
                state=StripePayment.State.CREATED,
            )
        ],
        update_conflicts=True,
        unique_fields=["order_number"],
        update_fields=["amount", "currency", "state", "updated_at"],
    )
    # One key per order number and card: a retry of the same call returns the same intent.
    key = "pi-" + hashlib.sha256(f"{order_number}:{payment_method}".encode()).hexdigest()[:32]
    client = stripe_client()
    try:
        # Create with the card attached, store its id, then confirm (no arguments): a
        # declined card's later payment_failed event then finds its payment.
        intent = client.v1.payment_intents.create(
            params={
                "amount": amount_to_minor(amount=amount, currency=currency),
                "currency": currency.lower(),
                "payment_method": payment_method,
                "metadata": {"order_number": order_number},
            },
            options={"idempotency_key": key},
        )
        payment.intent_id = intent.id
        payment.save(update_fields=["intent_id", "updated_at"])
        intent = client.v1.payment_intents.confirm(
            intent.id, options={"idempotency_key": f"{key}-confirm"}
        )
    except stripe.CardError as error:
        payment.state = StripePayment.State.FAILED
        payment.last_error = error.user_message or str(error)
        payment.save(update_fields=["state", "last_error", "updated_at"])
        raise PaymentDeclined(error.user_message or _("Your card was declined.")) from error
    except stripe.StripeError as error:
        payment.last_error = str(error)[:1000]
        payment.save(update_fields=["last_error", "updated_at"])
        raise PaymentUnavailable(str(error)) from error
    payment.intent_id = intent.id
    payment.state = (
        StripePayment.State.PROCESSING
        if intent.status in ("succeeded", "processing")
        else StripePayment.State.FAILED
    )
    payment.save(update_fields=["intent_id", "state", "updated_at"])
    if payment.state == StripePayment.State.FAILED:
        raise PaymentDeclined(_("Your card could not be charged."))
    return payment


def _event_type(name: str):
    event_type, _created = PaymentEventType.objects.get_or_create(
        code=name.lower().replace(" ", "-"), defaults={"name": name}
    )
    return event_type


def payment_mark_paid(*, payment: StripePayment, order, reference: str) -> bool:
    """Move ``order`` (locked by the caller) from pending to paid. True if it moved."""
    if order.status != STATUS_PENDING:
        return False
    order.set_status(STATUS_PAID)
    Source.objects.filter(order=order, reference=payment.intent_id).update(
        amount_debited=payment.amount
    )
    PaymentEvent.objects.create(
        order=order,
        amount=payment.amount,
        reference=reference,
        event_type=_event_type("Paid"),
    )
    payment.state = StripePayment.State.SUCCEEDED
    payment.save(update_fields=["state", "updated_at"])
    amount = payment.amount
    transaction.on_commit(
        lambda: order_paid.send(sender=Order, order=order, amount=amount, reference=reference)
    )
    return True


def payment_record_failure(*, payment: StripePayment, order, message: str) -> None:
    """Record a failed attempt; never un-pays anything."""
    if payment.state != StripePayment.State.SUCCEEDED:
        payment.state = StripePayment.State.FAILED
    payment.last_error = payment.last_error or message[:1000]
    payment.save(update_fields=["state", "last_error", "updated_at"])
    if order is not None:
        PaymentEvent.objects.create(
            order=order,
            amount=Decimal("0"),
            reference=payment.intent_id or "",
            event_type=_event_type("Payment failed"),
        )


def order_refund(*, order, amount: Decimal, lines: dict[int, Decimal] | None = None) -> str:
    """Refund ``amount`` (order currency) of a paid order through Stripe; returns its id."""
    with transaction.atomic():
        payment = StripePayment.objects.select_for_update().filter(order=order).first()
        if payment is None or payment.state != StripePayment.State.SUCCEEDED:
            raise RefundRefused(_("This order has no settled card payment to refund."))
        amount = quantize_money(Decimal(amount), payment.currency)
        remaining = payment.amount - payment.refunded
        if amount <= 0:
            raise RefundRefused(_("Enter an amount above zero."))
        if amount > remaining:
            raise RefundRefused(
                _("You can refund at most %(remaining)s %(currency)s.")
                % {"remaining": remaining, "currency": payment.currency}
            )
        count = PaymentEvent.objects.filter(order=order, event_type__code="refunded").count()
        refund = stripe_client().v1.refunds.create(
            params={
                "payment_intent": payment.intent_id,
                "amount": amount_to_minor(amount=amount, currency=payment.currency),
            },
            options={"idempotency_key": f"refund-{order.number}-{count + 1}-{amount}"},
        )
        payment.refunded += amount
        payment.save(update_fields=["refunded", "updated_at"])
        source = Source.objects.select_for_update().filter(order=order).first()
        if source is not None:
            source.amount_refunded += amount
            source.save(update_fields=["amount_refunded"])
        PaymentEvent.objects.create(
            order=order, amount=amount, reference=refund.id, event_type=_event_type("Refunded")
        )
        refund_id, refund_lines = refund.id, dict(lines or {})
        transaction.on_commit(
            lambda: order_refunded.send(
                sender=Order, order=order, amount=amount, lines=refund_lines, reference=refund_id
            )
        )
    return refund_id
