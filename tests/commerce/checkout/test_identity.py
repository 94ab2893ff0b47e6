"""China cross-border import: real name, ID number, per-order and annual limits."""

import logging

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from commerce.checkout.identity import id_number_clean, id_number_mask

from .conftest import (
    ID_NUMBERS,
    basket_add,
    checkout_address,
    checkout_preview,
    deliver,
    event_payload,
    place_order,
)

Order = get_model("order", "Order")
OrderImportIdentity = get_model("order", "OrderImportIdentity")
StripePayment = get_model("order", "StripePayment")


def test_id_number_checksum_and_mask():
    assert id_number_clean(number="11010519491231002X") == "11010519491231002X"
    assert id_number_clean(number="110105194912310021") is None  # wrong check digit
    assert id_number_clean(number="1101051949123") is None
    assert id_number_mask(number="11010519491231002X") == "1101**********002X"


@pytest.mark.parametrize(
    ("identity", "field"),
    [
        (("张三", "110105194912310021"), "id_number"),
        (("", ID_NUMBERS[0]), "real_name"),
        (("张三", ""), "id_number"),
    ],
)
def test_china_address_needs_a_name_and_a_valid_id_number(client, shop, identity, field):
    basket_add(client, shop["cream"], currency="CNY")
    response = checkout_address(client, "CN", identity=identity)
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_skipping_the_identity_is_refused_later(client, shop, settings):
    basket_add(client, shop["cream"], currency="CNY")
    checkout_address(client, "CN", identity=("张三", ID_NUMBERS[0]))
    session = client.session
    del session["checkout_import_identity"]
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    response = client.get(reverse("checkout:shipping-method"))
    assert response.status_code == 302
    assert response["Location"] == reverse("checkout:shipping-address")


def test_id_number_is_masked_on_the_order_and_never_logged(
    client, shop, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)
    basket_add(client, shop["cream"], currency="CNY")
    preview = checkout_preview(client, "CN", identity=("张三", ID_NUMBERS[0]))
    assert "1101**********002X" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    identity = OrderImportIdentity.objects.get()
    assert identity.id_number_masked == "1101**********002X"
    assert ID_NUMBERS[0] not in identity.id_number_hash
    assert identity.real_name == "张三"
    assert ID_NUMBERS[0] not in caplog.text
    assert ID_NUMBERS[0] not in str(dict(client.session))


def test_two_items_over_cny_5000_are_refused(client, shop):
    basket_add(client, shop["bag"], quantity=2, currency="CNY")
    response = checkout_preview(client, "CN", identity=("张三", ID_NUMBERS[0]))
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("single item" in m for m in messages)


def test_annual_limit_counts_paid_orders_of_the_same_buyer(
    client, shop, django_capture_on_commit_callbacks
):
    # First order: one item over CNY 5,000, allowed at full rates, paid.
    basket_add(client, shop["watch"], currency="CNY")
    preview = checkout_preview(client, "CN", identity=("张三", ID_NUMBERS[0]))
    assert "Import VAT (China)" in preview.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    first = Order.objects.get()
    payment = StripePayment.objects.get(order=first)
    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, event_payload("evt_cn_1", "payment_intent.succeeded", payment.intent_id))
    first.refresh_from_db()
    assert first.status == "Paid"
    assert first.import_identity.counted_value > 24000

    # Second order of the same buyer: 24,030 + 4,830 > 26,000 this year: refused.
    basket_add(client, shop["bag"], currency="CNY")
    response = checkout_preview(client, "CN", identity=("张三", ID_NUMBERS[0]))
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("annual limit" in m for m in messages)

    # Another buyer may buy the same basket.
    response = checkout_preview(client, "CN", identity=("李四", ID_NUMBERS[1]))
    assert response.status_code == 200


def test_unpaid_orders_do_not_count_toward_the_annual_limit(
    client, shop, django_capture_on_commit_callbacks
):
    basket_add(client, shop["watch"], currency="CNY")
    checkout_preview(client, "CN", identity=("张三", ID_NUMBERS[0]))
    with django_capture_on_commit_callbacks(execute=True):
        place_order(client)
    basket_add(client, shop["bag"], currency="CNY")
    response = checkout_preview(client, "CN", identity=("张三", ID_NUMBERS[0]))
    assert response.status_code == 200
