"""Issue #17: the merchant dashboard, the shipment email, the admin, the order report and
privacy requests read an overseas order's contact details through the residency selector;
staff edits of its address go to its region; the orphan sweeper."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.dashboard.orders.services import consignment_shipped_notify
from commerce.dashboard.orders.views import customs_context
from commerce.residency import services
from commerce.residency.models import HomeRegion, OrderResidency, PersonalRecord
from tests.factories import PartnerFactory, UserFactory

from .test_shopper_queries import order_placed

pytestmark = pytest.mark.django_db(databases="__all__")

Consignment = get_model("order", "Consignment")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
OrderNote = get_model("order", "OrderNote")


@pytest.fixture
def us_order(shop):
    return order_placed(country="US", line1="77 Mercer Street", email="jordan@example.us")


@pytest.fixture
def staff(client):
    user = UserFactory(username="ops", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_dashboard_order_page_shows_the_regional_contact(client, us_order, staff):
    html = client.get(
        reverse("dashboard:order-detail", kwargs={"number": us_order.number})
    ).content.decode()
    assert "jordan@example.us" in html and "77 Mercer Street" in html
    assert "regional.invalid" not in html
    csv = client.get(reverse("dashboard:order-list") + "?response_format=csv").content.decode()
    assert "jordan@example.us" in csv and "Morgan Tester77" in csv


def test_staff_edit_of_an_overseas_address_goes_to_its_region(client, us_order, staff):
    url = reverse("dashboard:order-shipping-address", kwargs={"number": us_order.number})
    form = client.get(url)
    assert form.status_code == 200
    assert "77 Mercer Street" in form.content.decode()
    response = client.post(
        url,
        {
            "first_name": "Morgan",
            "last_name": "Tester77",
            "line1": "99 Prince Street",
            "line4": "Springfield",
            "postcode": "12345",
            "country": "US",
            "phone_number": "",
            "notes": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    residency = OrderResidency.objects.get(order=us_order)
    contact = PersonalRecord.objects.using("region_us").get(token=residency.token).payload
    assert contact["shipping_address"]["line1"] == "99 Prince Street"
    assert ShippingAddress.objects.get(pk=us_order.shipping_address_id).line1 == "***"
    assert not OrderNote.objects.filter(message__icontains="Prince").exists()
    call_command("residency_audit")


def test_shipment_email_and_customs_document_use_the_regional_address(us_order):
    partner = PartnerFactory(code="tokyo", name="Tokyo Goods", ship_from_country="JP")
    consignment = Consignment.objects.create(
        order=us_order,
        partner=partner,
        ship_from="JP",
        destination="US",
        kind=Consignment.Kind.IMPORT,
        collected=Consignment.Collected.AT_BORDER,
        currency=us_order.currency,
        goods=Decimal("10.00"),
        carrier="UPS",
        tracking_number="1Z999",
    )
    us_order.lines.update(consignment=consignment)
    mail.outbox.clear()
    consignment_shipped_notify(consignment=Consignment.objects.get(pk=consignment.pk))
    assert [m.to for m in mail.outbox] == [["jordan@example.us"]]
    html = render_to_string(
        "oscar/dashboard/orders/customs_document.html",
        customs_context(consignment=Consignment.objects.get(pk=consignment.pk)),
    )
    assert "77 Mercer Street" in html and "***" not in html


def test_admin_and_order_report_resolve_the_regional_email(client, us_order, staff):
    admin = client.get(reverse("admin:order_order_changelist")).content.decode()
    assert "jordan@example.us" in admin
    address_admin = client.get(
        reverse("admin:order_shippingaddress_change", args=[us_order.shipping_address_id])
    ).content.decode()
    assert 'name="line1"' not in address_admin  # read-only: no form field to leak through
    url = reverse("dashboard:reports-index") + "?report_type=order_report&download=true"
    csv = client.get(url).content.decode("utf-8-sig")
    assert f"{us_order.number},-,jordan@example.us" in csv


def test_order_report_page_shows_each_customers_regional_name_and_email(client, us_order, staff):
    # The HTML report (not only its CSV) reads names and emails through the residency
    # selectors: the global rows of these orders hold only masks.
    riley = UserFactory(username="us-buyer", email="", first_name="", last_name="")
    services.personal_data_put(
        user=riley,
        data={"email": "riley@example.us", "first_name": "Riley", "last_name": "Chen"},
        country="US",
    )
    signed_in = order_placed(user=riley, country="US", line1="5 Bleecker Street")
    url = reverse("dashboard:reports-index") + "?report_type=order_report"
    html = client.get(url).content.decode()
    rows = {
        number: html.split(f">{number}</a>", 1)[1].split("</tr>", 1)[0]
        for number in (us_order.number, signed_in.number)
    }
    assert "jordan@example.us" in rows[us_order.number]
    assert "Riley Chen" in rows[signed_in.number] and "riley@example.us" in rows[signed_in.number]
    assert "regional.invalid" not in html
    csv = client.get(url + "&download=true").content.decode("utf-8-sig")
    assert f"{signed_in.number},Riley Chen,riley@example.us" in csv


def test_export_lists_and_erasure_erases_the_orders_regional_contact(client, shop):
    user = UserFactory(username="us-buyer", email="", first_name="", last_name="")
    services.personal_data_put(user=user, data={"email": "riley@example.us"}, country="US")
    order = order_placed(user=user, country="US", line1="5 Bleecker Street")
    client.force_login(user)
    export = client.get(reverse("residency:privacy-export")).json()
    assert export["orders"][0]["shipping_address"]["line1"] == "5 Bleecker Street"
    assert export["orders"][0]["stored_in"] == "us"
    client.post(reverse("residency:privacy-erase"), {"confirm": "1"})
    token = OrderResidency.objects.get(order=order).token
    record = PersonalRecord.objects.using("region_us").get(token=token)
    assert record.payload == {} and record.erased_at is not None


def test_the_sweeper_removes_only_old_orphans_and_is_idempotent(shop):
    user = UserFactory(username="kept", email="", first_name="", last_name="")
    services.personal_data_put(user=user, data={"email": "kept@example.us"}, country="US")
    order = order_placed(country="US", line1="1 Kept Street", email="kept-guest@example.us")
    orphan_old = PersonalRecord.objects.using("region_us").create(
        token="00000000-0000-0000-0000-000000000001", payload={"email": "old@example.us"}
    )
    PersonalRecord.objects.using("region_eu").create(
        token="00000000-0000-0000-0000-000000000002", payload={"email": "young@example.de"}
    )
    long_ago = timezone.now() - timedelta(days=3)
    PersonalRecord.objects.using("region_us").update(updated_at=long_ago)
    call_command("residency_sweep")
    assert not PersonalRecord.objects.using("region_us").filter(pk=orphan_old.pk).exists()
    home = HomeRegion.objects.get(user=user)
    assert PersonalRecord.objects.using("region_us").filter(token=home.token).exists()
    token = OrderResidency.objects.get(order=order).token
    assert PersonalRecord.objects.using("region_us").filter(token=token).exists()
    assert PersonalRecord.objects.using("region_eu").count() == 1  # younger than the grace
    call_command("residency_sweep")  # again: nothing more to do
    assert PersonalRecord.objects.using("region_us").count() == 2
    # A copy of a known token left in another region (an interrupted move) is an orphan there.
    stale = PersonalRecord.objects.using("region_eu").create(token=home.token, payload={})
    PersonalRecord.objects.using("region_eu").filter(pk=stale.pk).update(updated_at=long_ago)
    call_command("residency_sweep")
    assert not PersonalRecord.objects.using("region_eu").filter(pk=stale.pk).exists()
    assert PersonalRecord.objects.using("region_us").filter(token=home.token).exists()


def test_an_object_holding_regional_values_cannot_be_saved_globally(us_order):
    from commerce.residency.guards import ResolvedInstanceSave
    from commerce.residency.selectors import orders_personal_resolve

    order = Order.objects.get(pk=us_order.pk)
    orders_personal_resolve(orders=[order])
    assert order.shipping_address.line1 == "77 Mercer Street"
    with pytest.raises(ResolvedInstanceSave):
        order.shipping_address.save()
    assert ShippingAddress.objects.get(pk=order.shipping_address_id).line1 == "***"


def test_a_staff_move_takes_the_customers_order_contact_records_along(client, shop, staff):
    riley = UserFactory(username="us-mover", email="", first_name="", last_name="")
    services.personal_data_put(user=riley, data={"email": "mover@example.us"}, country="US")
    order = order_placed(user=riley, country="US", line1="5 Bleecker Street")
    token = OrderResidency.objects.get(order=order).token

    services.home_region_move(user=riley, region="eu", moved_by=staff, reason="moved to Berlin")

    assert OrderResidency.objects.get(order=order).region == "eu"
    assert PersonalRecord.objects.using("region_eu").filter(token=token).exists()
    assert not PersonalRecord.objects.using("region_us").filter(token=token).exists()
    html = client.get(
        reverse("dashboard:order-detail", kwargs={"number": order.number})
    ).content.decode()
    assert "5 Bleecker Street" in html
    call_command("residency_audit")

    # Back to the global region: the order's global rows are masked, so its record stays
    # where it is, still read through its residency.
    services.home_region_move(user=riley, region="cn", moved_by=staff)
    assert OrderResidency.objects.get(order=order).region == "eu"
    assert PersonalRecord.objects.using("region_eu").filter(token=token).exists()
