"""Stripe payments: PaymentIntents, the paid transition, refunds.

Every money-moving call carries an idempotency key derived from our own order number; the
``StripePayment`` row exists (committed) before Stripe is called.
"""

from __future__ import annotations

import hashlib
from decimal import ROUND_DOWN, Decimal

import stripe
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from commerce.order.signals import order_paid, order_refunded
from commerce.stripe_api import amount_to_minor, stripe_client
from tax.money import quantize_money

Order = get_model("order", "Order")
StripePayment = get_model("order", "StripePayment")
Consignment = get_model("order", "Consignment")
ConsignmentRefund = get_model("order", "ConsignmentRefund")
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
    # filter/create rather than get_or_create: no savepoint pair on every paid webhook. Two
    # first-ever creations at once collide on the unique code; the webhook is then retried.
    code = name.lower().replace(" ", "-")
    return PaymentEventType.objects.filter(code=code).first() or PaymentEventType.objects.create(
        code=code, name=name
    )


def payment_mark_paid(*, payment: StripePayment, order, reference: str) -> bool:
    """Move ``order`` (locked by the caller) from pending to paid. True if it moved."""
    if order.status != STATUS_PENDING:
        return False
    order.set_status(STATUS_PAID)
    # The lines follow the payment (one UPDATE, rather than Oscar's per-line cascade).
    order.lines.filter(status=STATUS_PENDING).update(status=STATUS_PAID)
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


def _refund_record(*, order, payment: StripePayment, amount: Decimal, reference: str) -> None:
    """What a succeeded Stripe refund changes on our side: the payment's and the payment
    source's refunded totals and a "Refunded" payment event (inside the caller's transaction,
    with ``payment`` locked)."""
    payment.refunded += amount
    payment.save(update_fields=["refunded", "updated_at"])
    source = Source.objects.select_for_update().filter(order=order).first()
    if source is not None:
        source.amount_refunded += amount
        source.save(update_fields=["amount_refunded"])
    PaymentEvent.objects.create(
        order=order, amount=amount, reference=reference, event_type=_event_type("Refunded")
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
        _refund_record(order=order, payment=payment, amount=amount, reference=refund.id)
        refund_id, refund_lines = refund.id, dict(lines or {})
        transaction.on_commit(
            lambda: order_refunded.send(
                sender=Order, order=order, amount=amount, lines=refund_lines, reference=refund_id
            )
        )
    return refund_id


def consignment_refund_lines(
    *, consignment, amount: Decimal, line_ids: list[int] | None = None
) -> dict[int, Decimal]:
    """Which of ``consignment``'s lines a refund of ``amount`` is for: {line id: amount}.

    Goods first: the refund is spread over the chosen lines (all of the consignment's when
    none are chosen) in proportion to what is still unrefunded on each, never more than a
    line's price; what is left over refunds the consignment's shipping, duties and taxes
    and belongs to no line. Shares are rounded down to the currency's precision and the
    last line takes the remainder, so the shares add up exactly.
    """
    lines = list(consignment.lines.order_by("pk"))
    if line_ids:
        wanted = {int(pk) for pk in line_ids}
        lines = [line for line in lines if line.pk in wanted]
    refunded: dict[int, Decimal] = {}
    for row in consignment.refunds.exclude(state=ConsignmentRefund.State.FAILED):
        for key, value in (row.lines or {}).items():
            refunded[int(key)] = refunded.get(int(key), Decimal("0")) + Decimal(value)
    remaining = {
        line.pk: max((line.line_price_incl_tax or Decimal("0")) - refunded.get(line.pk, 0), 0)
        for line in lines
    }
    open_total = sum(remaining.values(), Decimal("0"))
    goods = min(Decimal(amount), open_total)
    shares: dict[int, Decimal] = {}
    if goods <= 0:
        return {line.pk: Decimal("0") for line in lines}
    left = goods
    open_lines = [pk for pk, value in remaining.items() if value > 0]
    for index, pk in enumerate(open_lines):
        if index == len(open_lines) - 1:
            share = left
        else:
            share = quantize_money(
                goods * remaining[pk] / open_total, consignment.currency, rounding=ROUND_DOWN
            )
        share = min(share, remaining[pk])
        shares[pk] = share
        left -= share
    for line in lines:
        shares.setdefault(line.pk, Decimal("0"))
    return shares


def consignment_refundable(*, consignment) -> Decimal:
    """What may still be refunded on ``consignment``: what the shopper paid for it (goods,
    its shipping, duties and taxes) less what was refunded or is being refunded."""
    in_flight = sum(
        (r.amount for r in consignment.refunds.filter(state=ConsignmentRefund.State.CREATED)),
        Decimal("0"),
    )
    return max(consignment.total - consignment.refunded - in_flight, Decimal("0"))


def consignment_refund(
    *, consignment_id: int, amount: Decimal, line_ids: list[int] | None = None, user=None
):
    """Refund ``amount`` (order currency) of one consignment as its own Stripe refund.

    Our ``ConsignmentRefund`` row is written and committed before Stripe is called (the
    caller must not hold a transaction open); its id is the idempotency key. A refusal
    (cap, unpaid order) raises ``RefundRefused`` before anything reaches Stripe.
    """
    with transaction.atomic():
        consignment = (
            Consignment.objects.select_for_update().select_related("order").get(pk=consignment_id)
        )
        order = consignment.order
        payment = StripePayment.objects.select_for_update().filter(order=order).first()
        if payment is None or payment.state != StripePayment.State.SUCCEEDED:
            raise RefundRefused(_("This order has no settled card payment to refund."))
        amount = quantize_money(Decimal(amount), payment.currency)
        if amount <= 0:
            raise RefundRefused(_("Enter an amount above zero."))
        in_flight_order = sum(
            (
                r.amount
                for r in ConsignmentRefund.objects.filter(
                    consignment__order=order, state=ConsignmentRefund.State.CREATED
                )
            ),
            Decimal("0"),
        )
        allowed = min(
            consignment_refundable(consignment=consignment),
            payment.amount - payment.refunded - in_flight_order,
        )
        allowed = max(allowed, Decimal("0"))
        if amount > allowed:
            raise RefundRefused(
                _("You can refund at most %(remaining)s %(currency)s for this consignment.")
                % {"remaining": allowed, "currency": payment.currency}
            )
        shares = consignment_refund_lines(consignment=consignment, amount=amount, line_ids=line_ids)
        row = ConsignmentRefund.objects.create(
            consignment=consignment,
            amount=amount,
            currency=payment.currency,
            lines={str(pk): str(value) for pk, value in shares.items()},
            created_by=user if getattr(user, "is_authenticated", False) else None,
        )
    return consignment_refund_send(refund_id=row.pk)


# Stripe answered and refused: the refund was not made, the row fails and frees the cap.
# Anything else (network error, timeout, Stripe 5xx) may have made it: the row stays
# "created" (still counted against the cap) until ``consignment_refund_send`` is run again
# with the same idempotency key (``manage.py refunds_resume``).
_DEFINITE_REFUSALS = (
    stripe.InvalidRequestError,
    stripe.AuthenticationError,
    stripe.PermissionError,
    stripe.CardError,
)


def consignment_refund_send(*, refund_id: int):
    """Send (or re-send, same idempotency key) one created refund row to Stripe and record
    the result once. Safe to run twice: a row already settled is returned as it is."""
    row = ConsignmentRefund.objects.select_related("consignment__order").get(pk=refund_id)
    if row.state != ConsignmentRefund.State.CREATED:
        return row
    consignment = row.consignment
    order = consignment.order
    payment = StripePayment.objects.get(order=order)
    try:
        refund = stripe_client().v1.refunds.create(
            params={
                "payment_intent": payment.intent_id,
                "amount": amount_to_minor(amount=row.amount, currency=row.currency),
                "metadata": {"order_number": order.number, "consignment": str(consignment.pk)},
            },
            options={"idempotency_key": row.idempotency_key},
        )
    except _DEFINITE_REFUSALS as error:
        row.state = ConsignmentRefund.State.FAILED
        row.error = str(error)[:1000]
        row.save(update_fields=["state", "error", "updated_at"])
        raise
    except stripe.StripeError as error:
        row.error = str(error)[:1000]
        row.save(update_fields=["error", "updated_at"])
        raise
    with transaction.atomic():
        row = ConsignmentRefund.objects.select_for_update().get(pk=row.pk)
        if row.state != ConsignmentRefund.State.CREATED:
            return row
        consignment = Consignment.objects.select_for_update().get(pk=consignment.pk)
        payment = StripePayment.objects.select_for_update().get(pk=payment.pk)
        amount = row.amount
        row.state = ConsignmentRefund.State.SUCCEEDED
        row.stripe_refund_id = refund.id
        row.error = ""
        row.save(update_fields=["state", "stripe_refund_id", "error", "updated_at"])
        consignment.refunded += amount
        consignment.save(update_fields=["refunded"])
        _refund_record(order=order, payment=payment, amount=amount, reference=refund.id)
        stripe_refund_id = refund.id
        line_shares = {int(pk): Decimal(value) for pk, value in (row.lines or {}).items()}
        transaction.on_commit(
            lambda: order_refunded.send(
                sender=Order,
                order=order,
                amount=amount,
                lines=line_shares,
                reference=stripe_refund_id,
            )
        )
    return row
