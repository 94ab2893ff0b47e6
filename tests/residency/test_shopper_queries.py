"""Issue #17: pages that show shoppers' personal data read it with one look-up per store,
whatever the number of orders on the page (exact pins, measured)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import create_order

from commerce.checkout.personal import order_contact_attach, order_contact_prepare
from commerce.residency import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

Country = get_model("address", "Country")
ShippingAddress = get_model("order", "ShippingAddress")

# Measured: the same for one order as for three (Oscar's account page and basket, the
# orders with their residency and addresses, their lines and parcels); the contact details
# come from one query to the US store.
QUERIES_ORDER_HISTORY = 17
# Measured: the same for one order of each region as for three (the staff dashboard list).
QUERIES_DASHBOARD_LIST = 9


def order_placed(*, user=None, country: str, line1: str, email: str = ""):
    """An order written the way checkout writes one (regional contact first, then masks)."""
    address = ShippingAddress(
        first_name="Morgan",
        last_name=f"Tester{line1.split()[0]}",
        line1=line1,
        line4="Springfield",
        postcode="12345",
        country=Country.objects.get(iso_3166_1_a2=country),
    )
    contact = order_contact_prepare(
        user=user, shipping_address=address, billing_address=None, guest_email=email
    )
    address.save()
    order = create_order(
        user=user,
        shipping_address=address,
        guest_email=contact.placeholder_email if contact else email,
        basket=None,
    )
    if contact is not None:
        order_contact_attach(order=order, contact=contact)
    return order


@pytest.fixture
def us_shopper(shop):
    user = UserFactory(username="us-shopper", email="", first_name="", last_name="")
    services.personal_data_put(user=user, data={"email": "morgan@example.us"}, country="US")
    return user


def count(client, url, alias):
    with (
        CaptureQueriesContext(connections["default"]) as default,
        CaptureQueriesContext(connections[alias]) as regional,
    ):
        response = client.get(url)
    assert response.status_code == 200
    return response, len(default), len(regional)


@pytest.mark.parametrize("orders", [1, 3])
def test_order_history_reads_the_us_store_once_for_the_page(client, us_shopper, orders):
    for n in range(orders):
        order_placed(user=us_shopper, country="US", line1=f"{100 + n} Elm Street")
    client.force_login(us_shopper)
    response, default, regional = count(client, reverse("customer:order-list"), "region_us")
    html = response.content.decode()
    assert all(f"Morgan Tester{100 + n}, Springfield" in html for n in range(orders))
    assert (default, regional) == (QUERIES_ORDER_HISTORY, 1)


@pytest.mark.parametrize("per_region", [1, 3])
def test_dashboard_order_list_reads_each_store_once(client, shop, per_region):
    for n in range(per_region):
        order_placed(country="US", line1=f"{200 + n} Oak Avenue", email=f"us{n}@example.us")
        order_placed(country="DE", line1=f"{300 + n} Lindenstrasse", email=f"de{n}@example.de")
        order_placed(country="CN", line1=f"{400 + n} Nanjing Road", email=f"cn{n}@example.cn")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("dashboard:order-list")
    with CaptureQueriesContext(connections["region_eu"]) as eu:
        response, default, us = count(client, url, "region_us")
    html = response.content.decode()
    for n in range(per_region):
        for email in (f"us{n}@example.us", f"de{n}@example.de", f"cn{n}@example.cn"):
            assert email in html
    assert "regional.invalid" not in html
    assert (default, us, len(eu)) == (QUERIES_DASHBOARD_LIST, 1, 1)
