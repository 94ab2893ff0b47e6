"""Refunds per consignment: capped at the merchant's share, one Stripe refund each, with
an idempotency key from our own row, and commission reversed on the refunded lines only."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from commerce.checkout import payments
from commerce.order.signals import order_paid
from payouts.models import Earning
from tests.factories import CreatorFactory

from .test_merchant_orders import consignment_of, detail_url, stripe_refunds

ConsignmentRefund = get_model("order", "ConsignmentRefund")
StripePayment = get_model("order", "StripePayment")

pytestmark = pytest.mark.django_db


def refund(client, order, consignment, amount, lines=(), captured=None, follow=False):
    data = {
        "order_action": "refund_consignment",
        "consignment": consignment.pk,
        f"refund-{consignment.pk}-amount": amount,
        f"refund-{consignment.pk}-lines": [str(pk) for pk in lines],
    }
    if captured is None:
        return client.post(detail_url(order), data, follow=follow)
    with captured(execute=True):
        return client.post(detail_url(order), data)


def test_refund_above_the_merchants_share_is_a_form_error_and_reaches_no_stripe(
    client, merchants, mixed_order
):
    tokyo = consignment_of(mixed_order, merchants["tokyo"])
    assert tokyo.total == Decimal("38.33")  # 28.61 goods + 4.00 shipping + 5.72 VAT
    client.force_login(merchants["tokyo_user"])
    response = refund(client, mixed_order, tokyo, "38.34")
    assert response.status_code == 200  # the form again, with its errors
    form = [row[2] for row in response.context["consignments"] if row[0].pk == tokyo.pk][0]
    assert form.errors["amount"] == [
        "You can refund at most 38.33 GBP: what the shopper paid for this consignment, "
        "less what was already refunded."
    ]
    assert not ConsignmentRefund.objects.exists()
    assert stripe_refunds(mixed_order) == []
    # GBP 100 of an order whose Tokyo parcel was GBP 38.33: refused the same way.
    assert (
        refund(client, mixed_order, tokyo, "100.00").status_code == 200
    )  # the form again, with its errors
    assert stripe_refunds(mixed_order) == []


def test_refund_is_its_own_stripe_refund_keyed_by_our_row(
    client, merchants, mixed_order, monkeypatch, django_capture_on_commit_callbacks
):
    seen = []
    real_client = payments.stripe_client

    class Recorder:
        def __init__(self):
            self.inner = real_client()

        @property
        def v1(self):
            return self

        @property
        def refunds(self):
            return self

        def create(self, params, options):
            # The row exists (and is committed) before Stripe is called.
            seen.append((params, options, list(ConsignmentRefund.objects.values("pk", "state"))))
            return self.inner.v1.refunds.create(params=params, options=options)

    monkeypatch.setattr(payments, "stripe_client", Recorder)
    tokyo = consignment_of(mixed_order, merchants["tokyo"])
    client.force_login(merchants["tokyo_user"])
    response = refund(
        client, mixed_order, tokyo, "10.00", captured=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    row = ConsignmentRefund.objects.get()
    assert (row.amount, row.currency, row.state) == (Decimal("10.00"), "GBP", "succeeded")
    params, options, rows_then = seen[0]
    assert options == {"idempotency_key": f"consignment-refund-{row.pk}"}
    assert rows_then == [{"pk": row.pk, "state": "created"}]
    assert params["amount"] == 1000
    assert params["metadata"]["consignment"] == str(tokyo.pk)
    assert [r.id for r in stripe_refunds(mixed_order)] == [row.stripe_refund_id]
    tokyo.refresh_from_db()
    assert tokyo.refunded == Decimal("10.00")
    # The cap now counts what was refunded.
    over = refund(client, mixed_order, tokyo, "28.34")
    assert over.status_code == 200  # the form again, with its errors
    assert (
        refund(
            client, mixed_order, tokyo, "28.33", captured=django_capture_on_commit_callbacks
        ).status_code
        == 302
    )
    tokyo.refresh_from_db()
    assert tokyo.refunded == tokyo.total
    payment = StripePayment.objects.get(order=mixed_order)
    assert payment.refunded == tokyo.total
    assert sum(r.amount for r in stripe_refunds(mixed_order)) == 3833


def test_commission_is_reversed_only_on_the_refunded_lines(
    client, merchants, mixed_order, django_capture_on_commit_callbacks
):
    creator = CreatorFactory(country="CN")
    mixed_order.lines.update(attributed_creator=creator)
    order_paid.send(
        sender=type(mixed_order),
        order=mixed_order,
        amount=mixed_order.total_incl_tax,
        reference="pi",
    )
    tokyo_line = mixed_order.lines.get(partner=merchants["tokyo"])
    brooklyn_line = mixed_order.lines.get(partner=merchants["brooklyn"])
    booked = {e.order_line_id: e for e in Earning.objects.all()}
    assert set(booked) == {tokyo_line.pk, brooklyn_line.pk}

    tokyo = consignment_of(mixed_order, merchants["tokyo"])
    client.force_login(merchants["tokyo_user"])
    # GBP 100 on a GBP 38.33 parcel: refused, nothing reversed.
    refund(client, mixed_order, tokyo, "100.00", captured=django_capture_on_commit_callbacks)
    assert Earning.objects.filter(state="reversed").count() == 0
    assert Earning.objects.filter(amount__lt=0).count() == 0
    # The whole Tokyo parcel: its line's commission is reversed, Brooklyn's is untouched.
    response = refund(
        client, mixed_order, tokyo, str(tokyo.total), captured=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    row = ConsignmentRefund.objects.get()
    assert row.lines == {str(tokyo_line.pk): "28.61"}
    booked[tokyo_line.pk].refresh_from_db()
    booked[brooklyn_line.pk].refresh_from_db()
    assert booked[tokyo_line.pk].state == "reversed"
    assert booked[brooklyn_line.pk].state == "pending"
    assert not Earning.objects.filter(order_line=brooklyn_line, amount__lt=0).exists()


def test_partial_refund_goes_to_the_goods_of_the_chosen_lines_first(merchants):
    from .conftest import marketplace_order

    order = marketplace_order(
        [(merchants["tokyo"], "30.00", 1), (merchants["tokyo"], "10.00", 1)],
        shipping={"tokyo-goods": "5.00"},
    )
    consignment = consignment_of(order, merchants["tokyo"])
    first, second = order.lines.order_by("pk")
    shares = payments.consignment_refund_lines(consignment=consignment, amount=Decimal("20.00"))
    assert shares == {first.pk: Decimal("15.00"), second.pk: Decimal("5.00")}
    shares = payments.consignment_refund_lines(
        consignment=consignment, amount=Decimal("45.00"), line_ids=[second.pk]
    )
    assert shares == {second.pk: Decimal("10.00")}


def test_platform_staff_may_refund_any_consignment(
    client, merchants, mixed_order, django_capture_on_commit_callbacks
):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="ops", is_staff=True, is_superuser=True))
    brooklyn = consignment_of(mixed_order, merchants["brooklyn"])
    response = refund(
        client, mixed_order, brooklyn, "6.00", captured=django_capture_on_commit_callbacks
    )
    assert response.status_code == 302
    brooklyn.refresh_from_db()
    assert brooklyn.refunded == Decimal("6.00")
    assert reverse("dashboard:order-list")


def test_a_refund_lost_in_transit_stays_in_flight_and_is_resumed_with_its_key(
    client, merchants, mixed_order, monkeypatch, django_capture_on_commit_callbacks
):
    import stripe
    from django.core.management import call_command

    keys = []
    real_client = payments.stripe_client

    class Unreachable:
        v1 = refunds = property(lambda self: self)

        def create(self, params, options):
            keys.append(options["idempotency_key"])
            raise stripe.APIConnectionError("network down")

    monkeypatch.setattr(payments, "stripe_client", Unreachable)
    tokyo = consignment_of(mixed_order, merchants["tokyo"])
    client.force_login(merchants["tokyo_user"])
    response = refund(client, mixed_order, tokyo, "30.00", follow=True)
    assert "Stripe could not make the refund; try again later." in [
        str(m) for m in response.context["messages"]
    ]
    row = ConsignmentRefund.objects.get()
    assert row.state == "created" and "network down" in row.error
    # In flight: it still counts against the cap, so a second try cannot refund twice.
    assert refund(client, mixed_order, tokyo, "10.00").status_code == 200
    assert ConsignmentRefund.objects.count() == 1

    monkeypatch.setattr(payments, "stripe_client", real_client)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("refunds_resume", older_than=0)
    row.refresh_from_db()
    assert row.state == "succeeded"
    assert keys == [f"consignment-refund-{row.pk}"]
    tokyo.refresh_from_db()
    assert tokyo.refunded == Decimal("30.00")
    assert [r.id for r in stripe_refunds(mixed_order)] == [row.stripe_refund_id]
    # Running it again changes nothing.
    call_command("refunds_resume", older_than=0)
    assert len(stripe_refunds(mixed_order)) == 1
