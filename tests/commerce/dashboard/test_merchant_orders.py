"""Merchant-scoped orders: a merchant sees and acts on only its own consignment."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from commerce.stripe_api import stripe_client
from tests.factories import UserFactory

Consignment = get_model("order", "Consignment")
ConsignmentRefund = get_model("order", "ConsignmentRefund")
StripePayment = get_model("order", "StripePayment")

pytestmark = pytest.mark.django_db


def detail_url(order):
    return reverse("dashboard:order-detail", kwargs={"number": order.number})


def consignment_of(order, partner):
    return Consignment.objects.get(order=order, partner=partner)


def stripe_refunds(order):
    intent = StripePayment.objects.get(order=order).intent_id
    return stripe_client().v1.refunds.list(params={"payment_intent": intent}).data


def test_merchant_sees_only_its_own_consignment(client, merchants, mixed_order):
    client.force_login(merchants["tokyo_user"])
    response = client.get(detail_url(mixed_order))
    assert response.status_code == 200
    html = response.content.decode()
    tokyo_line = mixed_order.lines.get(partner=merchants["tokyo"])
    brooklyn_line = mixed_order.lines.get(partner=merchants["brooklyn"])
    assert tokyo_line.title in html
    assert "£28.61" in html
    assert brooklyn_line.title not in html
    assert "Brooklyn Makers" not in html
    assert brooklyn_line.partner_sku not in html
    assert "£70.00" not in html  # Brooklyn's lines
    assert f"£{mixed_order.total_incl_tax}" not in html  # the whole order's total
    assert [line.pk for line in response.context["lines"]] == [tokyo_line.pk]
    # The order list shows the order; the statistics count it once.
    assert str(mixed_order.number) in client.get(reverse("dashboard:order-list")).content.decode()


def test_platform_staff_see_every_consignment(client, merchants, mixed_order):
    staff = UserFactory(username="ops", is_staff=True, is_superuser=True)
    client.force_login(staff)
    html = client.get(detail_url(mixed_order)).content.decode()
    for line in mixed_order.lines.all():
        assert line.title in html
    assert "Brooklyn Makers" in html and "Tokyo Goods" in html


def test_another_merchants_line_consignment_refund_and_tracking_are_404(
    client, merchants, mixed_order
):
    client.force_login(merchants["tokyo_user"])
    brooklyn_line = mixed_order.lines.get(partner=merchants["brooklyn"])
    brooklyn = consignment_of(mixed_order, merchants["brooklyn"])
    line_url = reverse(
        "dashboard:order-line-detail",
        kwargs={"number": mixed_order.number, "line_id": brooklyn_line.pk},
    )
    assert client.get(line_url).status_code == 404
    status = client.post(
        detail_url(mixed_order),
        {
            "line_action": "change_line_statuses",
            "selected_line": [brooklyn_line.pk],
            f"selected_line_qty_{brooklyn_line.pk}": 2,
            "new_status": "Cancelled",
        },
    )
    assert status.status_code == 404
    brooklyn_line.refresh_from_db()
    assert brooklyn_line.status == "Paid"
    refund = client.post(
        detail_url(mixed_order),
        {
            "order_action": "refund_consignment",
            "consignment": brooklyn.pk,
            f"refund-{brooklyn.pk}-amount": "1.00",
        },
    )
    assert refund.status_code == 404
    tracking = client.post(
        detail_url(mixed_order),
        {
            "order_action": "ship_consignment",
            "consignment": brooklyn.pk,
            f"ship-{brooklyn.pk}-carrier": "UPS",
            f"ship-{brooklyn.pk}-tracking_number": "1Z999",
        },
    )
    assert tracking.status_code == 404
    customs = reverse(
        "dashboard:order-consignment-customs",
        kwargs={"number": mixed_order.number, "pk": brooklyn.pk},
    )
    assert client.get(customs).status_code == 404
    # Order-level actions are the platform's: a merchant cannot change the order status.
    assert (
        client.post(
            detail_url(mixed_order),
            {"order_action": "change_order_status", "new_status": "Cancelled"},
        ).status_code
        == 404
    )
    brooklyn.refresh_from_db()
    assert (brooklyn.tracking_number, brooklyn.refunded) == ("", Decimal("0"))
    assert not ConsignmentRefund.objects.exists()
    assert stripe_refunds(mixed_order) == []


def test_merchant_changes_status_of_its_own_line(client, merchants, mixed_order):
    client.force_login(merchants["tokyo_user"])
    line = mixed_order.lines.get(partner=merchants["tokyo"])
    response = client.post(
        detail_url(mixed_order),
        {
            "line_action": "change_line_statuses",
            "selected_line": [line.pk],
            f"selected_line_qty_{line.pk}": 1,
            "new_status": "Being processed",
        },
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == "Being processed"


def test_order_list_shows_the_merchants_part_not_the_order_total(client, merchants, mixed_order):
    client.force_login(merchants["tokyo_user"])
    html = client.get(reverse("dashboard:order-list")).content.decode()
    assert "£38.33" in html  # Tokyo's parcel: 28.61 + 4.00 + 5.72
    assert f"£{mixed_order.total_incl_tax}" not in html
    assert reverse("dashboard:user-detail", kwargs={"pk": mixed_order.user_id}) not in html
    csv = client.get(reverse("dashboard:order-list") + "?response_format=csv").content.decode()
    assert "38.33" in csv and str(mixed_order.total_incl_tax) not in csv
    # Order statuses are the platform's to change, in bulk too.
    response = client.post(
        reverse("dashboard:order-list"),
        {
            "action": "change_order_statuses",
            "selected_order": [mixed_order.pk],
            "new_status": "Cancelled",
        },
    )
    assert response.status_code == 404
    mixed_order.refresh_from_db()
    assert mixed_order.status == "Paid"


def test_the_paid_webhook_moves_the_lines_to_paid(merchants):
    from commerce.checkout.payments import payment_mark_paid

    from .conftest import marketplace_order

    order = marketplace_order([(merchants["tokyo"], "10.00", 2)], paid=False)
    assert set(order.lines.values_list("status", flat=True)) == {"Pending payment"}
    payment = StripePayment.objects.create(
        order_number=order.number, order=order, intent_id="pi_x", amount=20, currency="GBP"
    )
    assert payment_mark_paid(payment=payment, order=order, reference="pi_x")
    assert set(order.lines.values_list("status", flat=True)) == {"Paid"}


def test_merchant_sees_and_edits_only_its_own_notes(client, merchants, mixed_order):
    other = mixed_order.notes.create(user=merchants["brooklyn_user"], message="Brooklyn only")
    client.force_login(merchants["tokyo_user"])
    saved = client.post(
        detail_url(mixed_order), {"order_action": "save_note", "message": "Packed in Tokyo"}
    )
    assert saved.status_code == 302
    html = client.get(detail_url(mixed_order)).content.decode()
    assert "Packed in Tokyo" in html and "Brooklyn only" not in html
    edit = reverse(
        "dashboard:order-detail-note", kwargs={"number": mixed_order.number, "note_id": other.pk}
    )
    assert client.get(edit).status_code == 404
