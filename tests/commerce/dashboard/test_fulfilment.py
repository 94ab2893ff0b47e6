"""Fulfilment per consignment: mark shipped with tracking, the shopper is told, customs PDF."""

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from oscar.core.loading import get_model

from commerce.dashboard.orders.views import customs_context

from .test_merchant_orders import consignment_of, detail_url

Consignment = get_model("order", "Consignment")

pytestmark = pytest.mark.django_db


def ship(client, order, consignment, carrier, tracking, captured):
    with captured(execute=True):
        return client.post(
            detail_url(order),
            {
                "order_action": "ship_consignment",
                "consignment": consignment.pk,
                f"ship-{consignment.pk}-carrier": carrier,
                f"ship-{consignment.pk}-tracking_number": tracking,
            },
        )


def test_blank_carrier_and_tracking_are_field_errors(
    client, merchants, mixed_order, django_capture_on_commit_callbacks
):
    tokyo = consignment_of(mixed_order, merchants["tokyo"])
    client.force_login(merchants["tokyo_user"])
    response = ship(client, mixed_order, tokyo, " ", "", django_capture_on_commit_callbacks)
    assert response.status_code == 200  # the form again, with its errors
    form = [row[3] for row in response.context["consignments"] if row[0].pk == tokyo.pk][0]
    assert set(form.errors) == {"carrier", "tracking_number"}
    tokyo.refresh_from_db()
    assert tokyo.status == "pending"
    assert mail.outbox == []


def test_shipping_with_tracking_emails_the_shopper_and_shows_in_order_history(
    client, merchants, mixed_order, django_capture_on_commit_callbacks
):
    tokyo = consignment_of(mixed_order, merchants["tokyo"])
    client.force_login(merchants["tokyo_user"])
    response = ship(
        client,
        mixed_order,
        tokyo,
        "Japan Post EMS",
        "EJ123456789JP",
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    tokyo.refresh_from_db()
    assert (tokyo.status, tokyo.carrier, tokyo.tracking_number) == (
        "shipped",
        "Japan Post EMS",
        "EJ123456789JP",
    )
    assert tokyo.shipped_at is not None
    line = mixed_order.lines.get(partner=merchants["tokyo"])
    assert line.status == "Shipped"
    # Brooklyn has not shipped yet: its line and the order stay as they were.
    assert mixed_order.lines.get(partner=merchants["brooklyn"]).status == "Paid"
    mixed_order.refresh_from_db()
    assert mixed_order.status == "Paid"

    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [mixed_order.user.email]
    assert "EJ123456789JP" in email.body and "Japan Post EMS" in email.body
    assert mixed_order.number in email.subject

    client.force_login(mixed_order.user)
    history = client.get(reverse("customer:order", kwargs={"order_number": mixed_order.number}))
    html = history.content.decode()
    assert "EJ123456789JP" in html
    assert "Japan Post EMS" in html


def test_customs_document_of_an_import_consignment(client, merchants, mixed_order):
    tokyo = consignment_of(mixed_order, merchants["tokyo"])
    line = mixed_order.lines.get(partner=merchants["tokyo"])
    line.product.hs_code = "950300"
    line.product.origin_country = "JP"
    line.product.weight_grams = 350
    line.product.save()
    client.force_login(merchants["tokyo_user"])
    url = reverse(
        "dashboard:order-consignment-customs",
        kwargs={"number": mixed_order.number, "pk": tokyo.pk},
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    html = render_to_string(
        "oscar/dashboard/orders/customs_document.html", customs_context(consignment=tokyo)
    )
    for expected in ("Commercial invoice", "950300", "JP (Japan)", "350", "£28.61", "CN22 / CN23"):
        assert expected in html, expected
    assert f"{mixed_order.number}-{tokyo.pk}" in html
    # A domestic consignment has no customs document.
    tokyo.kind = Consignment.Kind.DOMESTIC
    tokyo.save()
    assert client.get(url).status_code == 404
