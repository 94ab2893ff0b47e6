"""Issue #17, shopper side: a US shopper signs up, signs in by email, checks out and gets
the order email at their real address; afterwards the global database holds none of their
values (``residency_audit`` exits 0) and the US store holds all of them. Guests shipping
overseas are covered by the order's own token. A CN (global-region) shopper is unchanged.
Through the real URLs, with localstripe (tests/commerce/checkout/conftest.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from oscar.core.loading import get_model

from commerce.residency import selectors
from commerce.residency.models import HomeRegion, OrderResidency, PersonalRecord
from tests.commerce.checkout.conftest import (
    ADDRESSES,
    basket_add,
    checkout_preview,
    place_order,
)

from .test_shopper_accounts import PASSWORD, US_EMAIL, sign_up

pytestmark = pytest.mark.django_db(databases="__all__")

Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
UserAddress = get_model("address", "UserAddress")
Email = get_model("communication", "Email")

US_ADDRESS = {
    "first_name": "Dakota",
    "last_name": "Whitfield",
    "line1": "350 Fifth Avenue",
    "line2": "Suite 8800",
    "line4": "New York",
    "state": "NY",
    "postcode": "10118",
    "country": "US",
    "phone_number": "+12015550123",
    "notes": "Leave with the doorman Bartholomew",
}
IDENTIFYING = ("Dakota", "Whitfield", "350 Fifth Avenue", "Suite 8800", "Bartholomew", US_EMAIL)


def signed_in_checkout(client, product, address):
    basket_add(client, product, currency="USD")
    response = client.get(reverse("checkout:index"))
    assert response.status_code == 302
    response = client.post(reverse("checkout:shipping-address"), address)
    assert response.status_code == 302, response.context["form"].errors
    response = client.get(reverse("checkout:shipping-method"))
    if response.status_code == 200:
        code = response.context["methods"][0].code
        client.post(reverse("checkout:shipping-method"), {"method_code": code})
    assert client.get(reverse("checkout:preview")).status_code == 200
    return place_order(client)


def global_dump() -> str:
    """Every global row an order touches, as text (what the audit scans, in short)."""
    rows = []
    for address in ShippingAddress.objects.all():
        rows += [address.first_name, address.last_name, address.line1, address.line2]
        rows += [str(address.phone_number or ""), address.notes, address.search_text]
    rows += [o.guest_email for o in Order.objects.all()]
    rows += [f"{u.email} {u.first_name} {u.last_name}" for u in get_user_model().objects.all()]
    rows += [f"{e.email} {e.body_text}" for e in Email.objects.all()]
    return "\n".join(rows)


def test_a_us_shopper_signs_up_checks_out_and_only_the_us_store_holds_their_data(
    client, shop, django_capture_on_commit_callbacks
):
    assert sign_up(client, email=US_EMAIL, country="US").status_code == 302
    client.logout()
    assert client.login(username=US_EMAIL, password=PASSWORD)  # by email, keyed hash
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in_checkout(client, shop["cream"], US_ADDRESS)
    assert response.status_code == 302
    order = Order.objects.get()
    user = get_user_model().objects.get()

    # The order email reached the real address, with the real delivery address in it.
    (email,) = mail.outbox[-1:]
    assert email.to == [US_EMAIL]
    assert "350 Fifth Avenue" in email.body and "Whitfield" in email.body
    # The confirmation page and the order pages show the regional values.
    thank_you = client.get(reverse("checkout:thank-you")).content.decode()
    assert "350 Fifth Avenue" in thank_you and "Bartholomew" in thank_you
    detail = client.get(reverse("customer:order", kwargs={"order_number": order.number}))
    assert "350 Fifth Avenue" in detail.content.decode()
    listing = client.get(reverse("customer:order-list")).content.decode()
    assert "Dakota Whitfield, New York" in listing

    # Global rows: masks, city/state/postcode/country only.
    shipping = ShippingAddress.objects.get()
    assert (shipping.first_name, shipping.last_name, shipping.line1) == ("D***", "W***", "***")
    assert (str(shipping.phone_number or ""), shipping.notes) == ("", "")
    assert (shipping.line4, shipping.state, shipping.postcode, shipping.country_id) == (
        "New York",
        "NY",
        "10118",
        "US",
    )
    dump = global_dump()
    assert not [value for value in IDENTIFYING if value.lower() in dump.lower()]
    assert not UserAddress.objects.exists()
    # The US store holds every value: the account, its saved address and the order's.
    home = HomeRegion.objects.get(user=user)
    account = PersonalRecord.objects.using("region_us").get(token=home.token).payload
    assert account["email"] == US_EMAIL
    assert account["addresses"][0]["line1"] == "350 Fifth Avenue"
    residency = OrderResidency.objects.get(order=order)
    assert residency.region == "us"
    contact = PersonalRecord.objects.using("region_us").get(token=residency.token).payload
    assert contact["email"] == US_EMAIL
    assert contact["shipping_address"]["notes"] == "Leave with the doorman Bartholomew"
    assert contact["shipping_address"]["phone_number"] == "+12015550123"
    assert not PersonalRecord.objects.using("default").exists()
    call_command("residency_audit")  # CommandError (exit 1) on any finding
    # The saved address appears in the shopper's address book, from the region, and the
    # next checkout offers it: choosing it fills the address form from the region.
    book = client.get(reverse("customer:address-list")).content.decode()
    assert "350 Fifth Avenue" in book
    basket_add(client, shop["cream"], currency="USD")
    page = client.get(reverse("checkout:shipping-address"))
    assert "350 Fifth Avenue" in page.content.decode()
    form = client.get(reverse("checkout:shipping-address") + "?regional_address=0")
    assert form.context["form"].initial["line1"] == "350 Fifth Avenue"
    assert form.context["form"].initial["country"].iso_3166_1_a2 == "US"


def test_a_guest_shipping_to_the_us_is_covered_by_the_orders_own_token(
    client, shop, django_capture_on_commit_callbacks
):
    basket_add(client, shop["cream"], currency="USD")
    checkout_preview(client, "US")  # guest "Ada Buyer", guest@example.com, 1 High Street
    with django_capture_on_commit_callbacks(execute=True):
        assert place_order(client).status_code == 302
    order = Order.objects.get()
    assert order.user is None
    assert order.guest_email == "guest@us.regional.invalid"  # no person behind it
    assert mail.outbox[-1].to == ["guest@example.com"]
    assert "1 High Street" in mail.outbox[-1].body
    residency = OrderResidency.objects.get(order=order)
    contact = PersonalRecord.objects.using("region_us").get(token=residency.token).payload
    assert contact["email"] == "guest@example.com"
    assert contact["shipping_address"]["line1"] == "1 High Street"
    assert "1 High Street" not in global_dump()
    call_command("residency_audit")
    # The guest's order page (Oscar's link in the email) asks for the email: the regional
    # one opens it, the placeholder does not.
    keys = {"order_number": order.number, "hash": order.verification_hash()}
    form = reverse("customer:anon-order-form", kwargs=keys)
    answer = client.post(form, {"email": "GUEST@example.com"})
    assert answer.status_code == 302  # the form itself finds the order, not only the page
    assert answer["Location"] == reverse("customer:anon-order", kwargs=keys)
    page = client.get(answer["Location"])
    assert page.status_code == 200 and "1 High Street" in page.content.decode()
    refused = client.post(form, {"email": order.guest_email})
    assert refused.status_code == 200 and "Order not found" in refused.content.decode()
    assert client.get(reverse("customer:anon-order", kwargs=keys)).status_code == 302


def test_a_cn_shopper_checks_out_as_before(client, shop, django_capture_on_commit_callbacks):
    assert sign_up(client, email="li.wei@example.cn", country="CN").status_code == 302
    address = {**US_ADDRESS, "country": "GB", **ADDRESSES["GB"], "phone_number": ""}
    with django_capture_on_commit_callbacks(execute=True):
        assert signed_in_checkout(client, shop["cream"], address).status_code == 302
    order = Order.objects.get()
    assert not OrderResidency.objects.filter(order=order).exists()
    shipping = ShippingAddress.objects.get()
    assert (shipping.first_name, shipping.line1) == ("Dakota", "350 Fifth Avenue")
    assert UserAddress.objects.filter(user=order.user, line1="350 Fifth Avenue").exists()
    assert mail.outbox[-1].to == ["li.wei@example.cn"]
    assert Email.objects.filter(user=order.user).exists()  # Oscar's email log, as before
    values = selectors.order_personal_data_get_many(orders=[order])[order.pk]
    assert values["region"] == "cn" and values["shipping_address"]["line1"] == "350 Fifth Avenue"


def test_a_retry_after_a_declined_card_rewrites_the_same_regional_record(
    client, shop, django_capture_on_commit_callbacks
):
    from tests.commerce.checkout.test_payments import card

    basket_add(client, shop["cream"], currency="USD")
    checkout_preview(client, "US")
    assert place_order(client, payment_method=card("4000000000000341")).status_code == 200
    assert not Order.objects.exists()
    assert PersonalRecord.objects.using("region_us").count() == 1  # written before the charge
    with django_capture_on_commit_callbacks(execute=True):
        assert place_order(client).status_code == 302
    token = OrderResidency.objects.get().token
    (record,) = PersonalRecord.objects.using("region_us").all()  # the same one, no orphan
    assert record.token == token
