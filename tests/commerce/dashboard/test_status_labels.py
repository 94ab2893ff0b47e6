"""Order statuses are settings in English (OSCAR_ORDER_STATUS_PIPELINE); every page shows
them in the reader's language and every form still posts the status itself."""

import lxml.html
import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import UserFactory

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def platform(client):
    client.force_login(UserFactory(username="ops", is_staff=True, is_superuser=True))
    return client


def options(html, name):
    select = lxml.html.fromstring(html).xpath(f"//select[@name='{name}']")[0]
    return [(o.get("value"), o.text_content().strip()) for o in select.xpath("option")][1:]


def test_the_order_list_shows_statuses_in_chinese_and_posts_them_in_english(platform, mixed_order):
    html = platform.get(reverse("dashboard:order-list"), **ZH).content.decode()
    row = lxml.html.fromstring(html).xpath("//table//tbody/tr")[0]
    assert "已支付" in [td.text_content().strip() for td in row.xpath("td")]  # "Paid"
    assert ("Cancelled", "已取消") in options(html, "new_status")
    assert ("Pending payment", "待付款") in options(html, "status")  # the search filter
    response = platform.post(
        reverse("dashboard:order-list"),
        {
            "action": "change_order_statuses",
            "selected_order": [mixed_order.pk],
            "new_status": "Cancelled",
        },
        **ZH,
    )
    assert response.status_code == 302
    mixed_order.refresh_from_db()
    assert mixed_order.status == "Cancelled"


def test_the_order_page_offers_line_and_order_statuses_in_chinese(platform, mixed_order):
    url = reverse("dashboard:order-detail", kwargs={"number": mixed_order.number})
    html = platform.get(url, **ZH).content.decode()
    assert ("Being processed", "处理中") in options(html, "new_status")
    line = mixed_order.lines.first()
    response = platform.post(
        url,
        {
            "line_action": "change_line_statuses",
            "selected_line": [line.pk],
            f"selected_line_qty_{line.pk}": 1,
            "new_status": "Being processed",
        },
        **ZH,
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == "Being processed"


def test_the_shopper_reads_their_orders_status_in_chinese(client, mixed_order):
    client.force_login(mixed_order.user)
    url = reverse("customer:order", kwargs={"order_number": mixed_order.number})
    html = client.get(url, **ZH).content.decode()
    assert "<p>已支付</p>" in html and "<p>Paid</p>" not in html


def test_the_customer_page_lists_order_statuses_in_chinese(platform, mixed_order):
    url = reverse("dashboard:user-detail", args=[mixed_order.user_id])
    html = platform.get(url, **ZH).content.decode()
    assert "<td>已支付</td>" in html
