"""Dashboard figures: each order counted once, money per currency, a merchant's own only."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory

from .conftest import marketplace_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(merchants):
    tokyo, brooklyn = merchants["tokyo"], merchants["brooklyn"]
    return [
        # Three Tokyo lines in one order: "Paid 1", not "Paid 3".
        marketplace_order(
            [(tokyo, "10.00", 1), (tokyo, "20.00", 1), (tokyo, "30.00", 1), (brooklyn, "5.00", 1)],
            currency="GBP",
            shipping={"tokyo-goods": "4.00"},
        ),
        marketplace_order([(tokyo, "12.50", 2)], currency="USD", paid=False),
        marketplace_order([(brooklyn, "99.00", 1)], currency="EUR"),
    ]


def revenue(response):
    return dict(response.context["revenue_by_currency"])


def test_merchant_statistics_count_orders_once_and_sum_own_lines_per_currency(
    client, merchants, orders
):
    from decimal import Decimal

    client.force_login(merchants["tokyo_user"])
    response = client.get(reverse("dashboard:order-stats"))
    assert response.status_code == 200
    assert response.context["total_orders"] == 2
    assert response.context["total_lines"] == 4
    breakdown = {row["status"]: row["freq"] for row in response.context["order_status_breakdown"]}
    assert breakdown == {"Paid": 1, "Pending payment": 1}
    # Own goods (+ own shipping) per currency; Brooklyn's GBP 5 and EUR 99 are not there.
    assert revenue(response) == {"GBP": Decimal("64.00"), "USD": Decimal("25.00")}
    html = response.content.decode()
    # Each amount formatted by Babel for the locale and labelled with its currency.
    assert "£64.00 <small" in html and "$25.00 <small" in html and ">USD</small>" in html
    assert "€" not in html and "EUR" not in html

    index = client.get(reverse("dashboard:index"))
    assert index.context["total_orders"] == 2
    assert dict(index.context["revenue_by_currency"]) == revenue(response)
    assert {r["status"]: r["freq"] for r in index.context["order_status_breakdown"]} == breakdown


def test_platform_revenue_is_per_currency_never_added(client, orders):
    from decimal import Decimal

    client.force_login(UserFactory(username="ops", is_staff=True, is_superuser=True))
    response = client.get(reverse("dashboard:order-stats"))
    assert response.context["total_orders"] == 3
    assert revenue(response) == {
        "EUR": Decimal("99.00"),
        "GBP": Decimal("69.00"),
        "USD": Decimal("25.00"),
    }
    html = client.get(reverse("dashboard:index")).content.decode()
    assert "€99.00" in html and "£69.00" in html and "$25.00" in html


def test_chinese_dashboard_formats_each_currency_for_the_locale(client, merchants, orders):
    client.force_login(merchants["tokyo_user"])
    html = client.get(reverse("dashboard:index"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    # zh-Hans CLDR symbols: US$ for USD (English shows $).
    assert "£64.00" in html and "US$25.00" in html


def test_order_report_totals_per_currency_in_page_and_csv(client, orders):
    client.force_login(UserFactory(username="ops", is_staff=True, is_superuser=True))
    url = reverse("dashboard:reports-index") + "?report_type=order_report"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "€99.00" in html and "£69.00" in html and "$25.00" in html
    csv = client.get(url + "&download=true").content.decode("utf-8-sig").splitlines()
    assert csv[0].split(",")[3:5] == ["Total incl. tax", "Currency"]
    assert sorted(row for row in csv if row.startswith("Total,")) == [
        "Total,,,25.00,USD,",
        "Total,,,69.00,GBP,",
        "Total,,,99.00,EUR,",
    ]
