"""The customers dashboard (Oscar's ``dashboard.users``, forked in commerce.dashboard.users)
shows an overseas customer's name, email and saved addresses from their region; the
global row holds none of them (issue #17)."""

import lxml.html
import pytest
from django.core import mail
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from commerce.residency import services
from commerce.residency.guards import ResolvedInstanceSave
from commerce.residency.selectors import users_personal_resolve
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")


@pytest.fixture
def riley(shop):
    user = UserFactory(username="us-riley", email="", first_name="", last_name="")
    services.personal_data_put(
        user=user,
        data={
            "email": "riley.chen@example.us",
            "first_name": "Riley",
            "last_name": "Chen",
            "addresses": [
                {
                    "first_name": "Riley",
                    "line1": "350 Fifth Avenue",
                    "postcode": "10118",
                    "country": "US",
                }
            ],
        },
        country="US",
    )
    return user


@pytest.fixture
def staff(client):
    user = UserFactory(username="ops", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _listing(client, **search):
    url = reverse("dashboard:users-index")
    if search:
        url += "?search=1&" + "&".join(f"{k}={v}" for k, v in search.items())
    with CaptureQueriesContext(connections["region_us"]) as regional:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    rows = html.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in html else ""
    return rows, len(regional)  # the table's rows (the search form echoes its values)


def test_the_listing_shows_overseas_customers_from_their_region(client, riley, staff):
    UserFactory(username="global-ann", email="ann@example.cn", first_name="Ann", last_name="Li")
    html, regional_queries = _listing(client)
    assert "riley.chen@example.us" in html and "Riley Chen" in html
    assert "ann@example.cn" in html and "Ann Li" in html
    assert regional_queries == 1  # one look-up for the page's overseas customers


def test_a_search_by_the_whole_email_finds_an_overseas_customer(client, riley, staff):
    UserFactory(username="global-ann", email="ann@example.cn")
    found, _ = _listing(client, email="Riley.Chen@example.us", name="")
    assert "riley.chen@example.us" in found and "ann@example.cn" not in found
    # Part of the address: the global database never holds it, so nothing can match it.
    partial, _ = _listing(client, email="riley", name="")
    assert "riley.chen@example.us" not in partial
    # Oscar's part match on global emails still works, and the name filter applies to both.
    ann, _ = _listing(client, email="example.cn", name="")
    assert "ann@example.cn" in ann and "riley.chen@example.us" not in ann
    neither, _ = _listing(client, email="riley.chen@example.us", name="Zed")
    assert "riley.chen@example.us" not in neither


def test_the_detail_page_shows_the_regional_name_email_and_saved_addresses(client, riley, staff):
    html = client.get(reverse("dashboard:user-detail", args=[riley.pk])).content.decode()
    assert "riley.chen@example.us" in html and "Riley Chen" in html
    assert "350 Fifth Avenue" in html and "10118" in html
    assert "This customer has not saved any addresses." not in html


def test_the_password_reset_goes_to_the_regional_email(client, riley, staff):
    mail.outbox.clear()
    response = client.post(reverse("dashboard:user-password-reset", args=[riley.pk]))
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["riley.chen@example.us"]]


def test_a_resolved_customer_is_never_saved_back_to_the_global_row(riley):
    [shown] = users_personal_resolve(users=[type(riley).objects.get(pk=riley.pk)])
    assert (shown.email, shown.get_full_name()) == ("riley.chen@example.us", "Riley Chen")
    with pytest.raises(ResolvedInstanceSave):
        shown.save()
    stored = type(riley).objects.get(pk=riley.pk)
    assert (stored.email, stored.first_name, stored.last_name) == ("", "", "")


@pytest.fixture
def riley_orders(riley):
    """Two orders of Riley's, in USD (30.12) and JPY (1,500)."""
    from oscar.core.loading import get_model

    from .test_shopper_queries import order_placed

    Order = get_model("order", "Order")
    for line1, currency, amount in (("1 Main", "USD", "30.12"), ("2 Main", "JPY", "1500")):
        order = order_placed(user=riley, country="US", line1=line1)
        Order.objects.filter(pk=order.pk).update(
            currency=currency,
            total_incl_tax=amount,
            total_excl_tax=amount,
            shipping_incl_tax=0,
            shipping_excl_tax=0,
        )
    return riley


def test_the_detail_page_shows_amounts_in_each_orders_currency_never_added(
    client, riley_orders, staff
):
    # Oscar showed every order, and the customer's "Total spent" (the orders' totals added
    # whatever their currency), in the shop's default currency.
    with translation.override("en"):
        html = client.get(reverse("dashboard:user-detail", args=[riley_orders.pk])).content.decode()
    orders = html.split('id="user_orders"', 1)[1]
    assert "$30.12" in orders and "¥1,500" in orders and "¥30.12" not in orders
    spent = html.split("Total spent", 1)[1].split("</tr>", 1)[0]
    assert 'data-currency="USD">$30.12' in spent and 'data-currency="JPY">¥1,500' in spent


def test_the_user_analytics_report_reads_the_region_and_keeps_currencies_apart(
    client, riley_orders, staff
):
    import csv

    url = reverse("dashboard:reports-index") + "?report_type=user_analytics"
    with translation.override("en"):
        html = client.get(url).content.decode()
    row = html.split("riley.chen@example.us", 1)[1].split("</tr>", 1)[0]
    assert "Riley Chen" in row
    assert 'data-currency="USD">$30.12' in row and 'data-currency="JPY">¥1,500' in row

    response = client.get(url + "&download=true", HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(response.content.decode("utf-8-sig").splitlines()))
    header, [riley] = rows[0], [r for r in rows[1:] if r[0] == "riley.chen@example.us"]
    spent = {name: value for name, value in zip(header, riley, strict=True) if "spent" in name}
    assert riley[1] == "Riley Chen"
    assert spent == {"Total spent (JPY)": "1500", "Total spent (USD)": "30.12"}


@pytest.mark.parametrize(
    ("language", "name", "yes", "no"),
    [("en", "Name", "Yes", "No"), ("zh-hans", "姓名", "是", "否")],
)
def test_the_listing_headers_and_flags_are_in_the_page_language(
    client, staff, language, name, yes, no
):
    UserFactory(username="off", email="off@example.cn", first_name="Ann", is_active=False)
    response = client.get(reverse("dashboard:users-index"), HTTP_ACCEPT_LANGUAGE=language)
    table = lxml.html.fromstring(response.content).xpath("//table")[0]
    # Oscar's table still: its classes, and the caption that holds the bulk actions.
    assert "table-striped" in table.get("class")
    assert table.xpath("caption//input[@name='action']")
    headers = [th.text_content().strip() for th in table.xpath(".//thead//th")]
    rows = {
        tr.xpath("td[2]")[0].text_content().strip(): [
            td.text_content().strip() for td in tr.xpath("td")
        ]
        for tr in table.xpath(".//tbody/tr")
    }
    active, staff_status = headers.index(ACTIVE[language]), headers.index(STAFF[language])
    assert headers[2] == name  # django-tables2 would title "name" in English
    assert [rows[staff.email][active], rows[staff.email][staff_status]] == [yes, yes]
    assert [rows["off@example.cn"][active], rows["off@example.cn"][staff_status]] == [no, no]


ACTIVE = {"en": "Active", "zh-hans": "已启用"}
STAFF = {"en": "Staff status", "zh-hans": "员工状态"}
