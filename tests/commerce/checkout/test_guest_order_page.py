"""A guest's order page (the link in their order emails) shows what a signed-in shopper's
order page shows: each parcel with its merchant, status, tracking, duties and total, the
order's status in the reader's language; no re-order buttons (they need an account)."""

import pytest
from django.urls import reverse
from django.utils import timezone
from oscar.core.loading import get_model

from .conftest import basket_add, checkout_preview, place_order

Order = get_model("order", "Order")


@pytest.fixture
def guest_order(client, market, django_capture_on_commit_callbacks):
    for name in ("tokyo_cream", "tshirt"):
        basket_add(client, market[name], currency="GBP")
    checkout_preview(client, "GB")
    with django_capture_on_commit_callbacks(execute=True):
        assert place_order(client).status_code == 302
    order = Order.objects.get()
    assert order.user is None
    tokyo, brooklyn = order.consignments.order_by("pk")
    brooklyn.status, brooklyn.carrier, brooklyn.tracking_number = "shipped", "UPS", "1Z999AA1"
    brooklyn.shipped_at = timezone.now()
    brooklyn.save()
    return order


def guest_page(client, order, language):
    keys = {"order_number": order.number, "hash": order.verification_hash()}
    # The email given at checkout (an overseas guest's is kept in their region).
    answer = client.post(
        reverse("customer:anon-order-form", kwargs=keys), {"email": "guest@example.com"}
    )
    assert answer.status_code == 302  # the form finds the order from its regional email
    response = client.get(answer["Location"], HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_a_guest_reads_each_parcel_its_tracking_and_the_totals(client, guest_order):
    tokyo, brooklyn = guest_order.consignments.order_by("pk")
    html = guest_page(client, guest_order, "en")
    assert "<p>Pending payment</p>" in html
    tokyo_html = html.split(f'id="parcel-{tokyo.pk}"')[1].split(f'id="parcel-{brooklyn.pk}"')[0]
    assert "Parcel 1: Tokyo Goods" in tokyo_html and "Import taxes" in tokyo_html
    brooklyn_html = html.split(f'id="parcel-{brooklyn.pk}"')[1].split('id="order-totals"')[0]
    assert "UPS" in brooklyn_html and "1Z999AA1" in brooklyn_html
    assert f"£{guest_order.total_incl_tax}" in html.split('id="order-total"')[1][:200]
    assert "1 High Street" in html  # the shipping address
    # Re-ordering needs an account: no button, and no empty column for one.
    assert "reorder_line_" not in html and "Re-order" not in html


def test_a_chinese_guest_reads_the_status_and_parcels_in_chinese(client, guest_order):
    html = guest_page(client, guest_order, "zh-hans")
    assert "<p>待付款</p>" in html and "Pending payment" not in html
    assert "包裹 1：Tokyo Goods" in html and "2 个包裹" in html


def test_the_email_form_is_in_chinese_and_says_when_nothing_matches(client, guest_order):
    keys = {"order_number": guest_order.number, "hash": guest_order.verification_hash()}
    form = reverse("customer:anon-order-form", kwargs=keys)
    html = client.get(form, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "请输入您下单时填写的以下信息" in html and "提交" in html
    wrong = client.post(form, {"email": "someone@example.com"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert wrong.status_code == 200 and "未找到该订单" in wrong.content.decode()
