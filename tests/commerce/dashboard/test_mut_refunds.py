"""Consignment refunds: how a refund is shared over the lines (figures), what may still be
refunded, and what is recorded when Stripe makes the refund."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from commerce.checkout import payments
from tests.commerce.checkout import conftest as checkout
from tests.commerce.checkout import test_mut_payments as stripe_wire

from .conftest import marketplace_order
from .test_merchant_orders import consignment_of

ConsignmentRefund = get_model("order", "ConsignmentRefund")
StripePayment = get_model("order", "StripePayment")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db
refunded_signals = checkout.refunded_signals  # the fixture: order_refunded as sent
wire = stripe_wire.wire  # the fixture: a recording proxy in front of localstripe


def three_lines(merchants):
    order = marketplace_order(
        [(merchants["tokyo"], "10.00", 1)] * 3, shipping={"tokyo-goods": "5.00"}
    )
    return order, consignment_of(order, merchants["tokyo"]), list(order.lines.order_by("pk"))


def test_a_share_is_rounded_down_and_the_last_line_takes_the_remainder(merchants):
    _order, consignment, (a, b, c) = three_lines(merchants)
    shares = payments.consignment_refund_lines(consignment=consignment, amount=Decimal("10.00"))
    assert shares == {a.pk: Decimal("3.33"), b.pk: Decimal("3.33"), c.pk: Decimal("3.34")}
    assert sum(shares.values()) == Decimal("10.00")
    # 0.02 over three lines: 0.00, 0.00 and the 0.02 left on the last.
    shares = payments.consignment_refund_lines(consignment=consignment, amount=Decimal("0.02"))
    assert list(shares.values()) == [Decimal("0.00"), Decimal("0.00"), Decimal("0.02")]


def test_goods_first_then_the_rest_belongs_to_no_line(merchants):
    _order, consignment, (a, b, c) = three_lines(merchants)
    # 35.00 = 30.00 of goods (each line in full) + 5.00 of shipping (no line).
    shares = payments.consignment_refund_lines(consignment=consignment, amount=Decimal("35.00"))
    assert shares == {a.pk: Decimal("10.00"), b.pk: Decimal("10.00"), c.pk: Decimal("10.00")}
    # Nothing to share: every line at zero.
    zero = payments.consignment_refund_lines(consignment=consignment, amount=Decimal("0"))
    assert zero == {a.pk: 0, b.pk: 0, c.pk: 0}
    # Chosen lines only.
    chosen = payments.consignment_refund_lines(
        consignment=consignment, amount=Decimal("6.00"), line_ids=[str(a.pk), c.pk]
    )
    assert chosen == {a.pk: Decimal("3.00"), c.pk: Decimal("3.00")}


def test_what_was_refunded_or_is_in_flight_is_not_shared_again(merchants):
    _order, consignment, (a, b, c) = three_lines(merchants)
    ConsignmentRefund.objects.create(
        consignment=consignment,
        amount=Decimal("10.00"),
        currency="GBP",
        lines={str(a.pk): "10.00"},
        state=ConsignmentRefund.State.SUCCEEDED,
    )
    ConsignmentRefund.objects.create(
        consignment=consignment,
        amount=Decimal("4.00"),
        currency="GBP",
        lines={str(b.pk): "4.00"},
        state=ConsignmentRefund.State.CREATED,
    )
    ConsignmentRefund.objects.create(  # failed: freed again
        consignment=consignment,
        amount=Decimal("10.00"),
        currency="GBP",
        lines={str(c.pk): "10.00"},
        state=ConsignmentRefund.State.FAILED,
    )
    # Open: a 0.00, b 6.00, c 10.00 -> 8.00 shared 6:10 -> b 3.00 (rounded down), c 5.00.
    shares = payments.consignment_refund_lines(consignment=consignment, amount=Decimal("8.00"))
    assert shares == {a.pk: Decimal("0"), b.pk: Decimal("3.00"), c.pk: Decimal("5.00")}
    # Refundable: 35.00 paid - 0 refunded on the consignment row - 4.00 in flight.
    assert consignment.total == Decimal("35.00")
    assert payments.consignment_refundable(consignment=consignment) == Decimal("31.00")
    consignment.refunded = Decimal("40.00")
    assert payments.consignment_refundable(consignment=consignment) == Decimal("0")


def test_a_consignment_refund_records_the_money_everywhere(
    merchants, refunded_signals, django_capture_on_commit_callbacks
):
    order, consignment, (a, b, c) = three_lines(merchants)
    with django_capture_on_commit_callbacks(execute=True):
        row = payments.consignment_refund(consignment_id=consignment.pk, amount=Decimal("12.00"))
    assert row.state == "succeeded" and row.stripe_refund_id and row.error == ""
    assert row.lines == {str(a.pk): "4.00", str(b.pk): "4.00", str(c.pk): "4.00"}
    consignment.refresh_from_db()
    assert consignment.refunded == Decimal("12.00")
    payment = StripePayment.objects.get(order=order)
    assert payment.refunded == Decimal("12.00")
    assert order.sources.get().amount_refunded == Decimal("12.00")
    event = PaymentEvent.objects.get(order=order, event_type__code="refunded")
    assert (event.amount, event.reference) == (Decimal("12.00"), row.stripe_refund_id)
    assert refunded_signals == [
        (
            str(order.number),
            Decimal("12.00"),
            {a.pk: Decimal("4.00"), b.pk: Decimal("4.00"), c.pk: Decimal("4.00")},
            row.stripe_refund_id,
        )
    ]
    # Sent again (e.g. by refunds_resume): settled rows are returned as they are.
    assert payments.consignment_refund_send(refund_id=row.pk).stripe_refund_id == (
        row.stripe_refund_id
    )
    assert PaymentEvent.objects.filter(order=order, event_type__code="refunded").count() == 1
    # Over what is left (35.00 - 12.00 = 23.00): refused, naming the cap.
    with pytest.raises(payments.RefundRefused) as refused:
        payments.consignment_refund(consignment_id=consignment.pk, amount=Decimal("23.01"))
    assert str(refused.value) == "You can refund at most 23.00 GBP for this consignment."
    with pytest.raises(payments.RefundRefused) as zero:
        payments.consignment_refund(consignment_id=consignment.pk, amount=Decimal("0"))
    assert str(zero.value) == "Enter an amount above zero."


def test_an_unpaid_order_is_not_refunded(merchants):
    order = marketplace_order([(merchants["tokyo"], "10.00", 1)], paid=False)
    consignment = consignment_of(order, merchants["tokyo"])
    with pytest.raises(payments.RefundRefused) as refused:
        payments.consignment_refund(consignment_id=consignment.pk, amount=Decimal("1.00"))
    assert str(refused.value) == "This order has no settled card payment to refund."
    with pytest.raises(payments.RefundRefused) as whole:
        payments.order_refund(order=order, amount=Decimal("1.00"))
    assert str(whole.value) == "This order has no settled card payment to refund."
    assert not ConsignmentRefund.objects.exists()


def test_refunds_resume_leaves_a_fresh_refund_to_its_first_attempt(merchants):
    import io
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    _order, consignment, (a, _b, _c) = three_lines(merchants)
    row = ConsignmentRefund.objects.create(
        consignment=consignment,
        amount=Decimal("10.00"),
        currency="GBP",
        lines={str(a.pk): "10.00"},
    )
    out = io.StringIO()
    # Written a moment ago: its own request may still be sending it (default age 60 s).
    call_command("refunds_resume", stdout=out)
    assert out.getvalue().strip() == "0 refunds settled, 0 still in flight or refused."
    row.refresh_from_db()
    assert row.state == "created"
    ConsignmentRefund.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(seconds=59)
    )
    call_command("refunds_resume", stdout=io.StringIO())
    row.refresh_from_db()
    assert row.state == "created"
    # Older than the age: re-sent with its key, settled once.
    ConsignmentRefund.objects.filter(pk=row.pk).update(
        created_at=timezone.now() - timedelta(seconds=61)
    )
    out = io.StringIO()
    call_command("refunds_resume", stdout=out)
    assert out.getvalue().strip() == "1 refunds settled, 0 still in flight or refused."
    row.refresh_from_db()
    assert row.state == "succeeded" and row.stripe_refund_id
    consignment.refresh_from_db()
    assert consignment.refunded == Decimal("10.00")
    # A shorter age given: a refund of 10 s ago is taken too.
    late = ConsignmentRefund.objects.create(
        consignment=consignment, amount=Decimal("1.00"), currency="GBP", lines={}
    )
    ConsignmentRefund.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - timedelta(seconds=10)
    )
    call_command("refunds_resume", older_than=5, stdout=io.StringIO())
    late.refresh_from_db()
    assert late.state == "succeeded"


def test_a_refund_stripe_refuses_fails_and_frees_the_cap(merchants, wire):
    # Stripe answered and refused: nothing was refunded, so the row fails, keeps Stripe's
    # message, and its amount may be refunded again.
    import stripe

    order, consignment, _lines = three_lines(merchants)
    wire.faults["POST /v1/refunds"] = stripe_wire.stripe_error(
        400,
        "invalid_request_error",
        "Charge ch_1 has already been refunded.",
        code="charge_already_refunded",
    )
    with pytest.raises(stripe.InvalidRequestError):
        payments.consignment_refund(consignment_id=consignment.pk, amount=Decimal("12.00"))
    row = ConsignmentRefund.objects.get()
    assert row.state == "failed" and "already been refunded" in row.error
    consignment.refresh_from_db()
    assert consignment.refunded == Decimal("0")
    assert payments.consignment_refundable(consignment=consignment) == Decimal("35.00")
    assert StripePayment.objects.get(order=order).refunded == Decimal("0")
    assert not PaymentEvent.objects.filter(order=order, event_type__code="refunded").exists()


def test_a_refund_stripe_may_have_made_stays_counted_and_resends_with_its_key(
    merchants, wire, django_capture_on_commit_callbacks
):
    # No answer we can trust (Stripe failed): the refund may have been made, so the row
    # stays "created" and counts against the cap until it is sent again with the same key.
    import stripe

    order, consignment, _lines = three_lines(merchants)
    wire.faults["POST /v1/refunds"] = stripe_wire.stripe_error(
        500, "api_error", "An unknown error."
    )
    with pytest.raises(stripe.APIError):
        payments.consignment_refund(consignment_id=consignment.pk, amount=Decimal("12.00"))
    row = ConsignmentRefund.objects.get()
    assert row.state == "created" and "unknown error" in row.error
    assert payments.consignment_refundable(consignment=consignment) == Decimal("23.00")

    del wire.faults["POST /v1/refunds"]
    with django_capture_on_commit_callbacks(execute=True):
        sent = payments.consignment_refund_send(refund_id=row.pk)
    assert (sent.state, sent.error) == ("succeeded", "")
    first, again = stripe_wire.posts(wire, "/v1/refunds")
    assert first[3] == again[3] == row.idempotency_key
    assert StripePayment.objects.get(order=order).refunded == Decimal("12.00")
    consignment.refresh_from_db()
    assert consignment.refunded == Decimal("12.00")
    assert payments.consignment_refundable(consignment=consignment) == Decimal("23.00")
