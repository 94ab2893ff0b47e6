"""A shopper's analytics record counts their orders but never adds their totals across
currencies (commerce.order.analytics replaces Oscar's order receiver)."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from tests.factories import UserFactory

from .conftest import marketplace_order

UserRecord = get_model("analytics", "UserRecord")
ProductRecord = get_model("analytics", "ProductRecord")

pytestmark = pytest.mark.django_db


def test_orders_in_two_currencies_are_counted_and_never_summed(merchants):
    shopper = UserFactory(username="two-currencies")
    first = marketplace_order(
        [(merchants["tokyo"], "300.00", 2)], currency="CNY", user=shopper, paid=False
    )
    second = marketplace_order(
        [(merchants["brooklyn"], "30.00", 1), (merchants["brooklyn"], "5.00", 3)],
        currency="USD",
        user=shopper,
        paid=False,
    )
    record = UserRecord.objects.get(user=shopper)
    # Oscar would store 300*2 + 30 + 5*3 = 645 "spent", adding yuan to dollars.
    assert record.total_spent == Decimal("0.00")
    assert (record.num_orders, record.num_order_lines, record.num_order_items) == (2, 3, 6)
    assert record.date_last_order == second.date_placed
    assert second.date_placed >= first.date_placed
    # Oscar's product counters still run: each product bought, by quantity.
    purchases = sorted(ProductRecord.objects.values_list("num_purchases", flat=True))
    assert purchases == [1, 2, 3]


def test_an_anonymous_order_counts_its_products_only(merchants):
    marketplace_order([(merchants["tokyo"], "10.00", 4)], currency="GBP", paid=False)
    assert not UserRecord.objects.exists()
    assert list(ProductRecord.objects.values_list("num_purchases", flat=True)) == [4]


def test_a_record_made_by_a_product_view_first_is_updated_not_duplicated(merchants):
    shopper = UserFactory(username="viewer")
    UserRecord.objects.create(user=shopper, num_product_views=5)
    order = marketplace_order([(merchants["tokyo"], "10.00", 1)], user=shopper, paid=False)
    record = UserRecord.objects.get(user=shopper)
    assert (record.num_product_views, record.num_orders, record.num_order_items) == (5, 1, 1)
    assert record.date_last_order == order.date_placed


def test_admin_lists_the_counters_without_a_mixed_currency_total(admin_client, merchants):
    shopper = UserFactory(username="listed")
    marketplace_order([(merchants["tokyo"], "300.00", 1)], currency="CNY", user=shopper, paid=False)
    response = admin_client.get("/admin/analytics/userrecord/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "listed" in html
    assert "column-num_orders" in html
    assert "total_spent" not in html
    change = admin_client.get(
        f"/admin/analytics/userrecord/{UserRecord.objects.get(user=shopper).pk}/change/"
    )
    assert change.status_code == 200
    assert 'name="total_spent"' not in change.content.decode()
