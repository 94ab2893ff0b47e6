"""The merchant's order page in a real browser: no JavaScript errors, English and Chinese,
desktop and phone width; refund and shipping forms work from the page."""

import pytest
from django.conf import settings
from django.test import Client
from oscar.core.loading import get_model

from tests.commerce.dashboard.conftest import marketplace_order, merchant_user  # noqa: F401
from tests.factories import PartnerFactory, UserFactory

from .conftest import ARTIFACTS, click_and_load

Consignment = get_model("order", "Consignment")

pytestmark = pytest.mark.django_db(transaction=True)


def logged_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("zh-hans", 390)])
def test_merchant_order_page_has_no_js_errors_and_refunds_its_parcel(
    browser, live_server, stripe_settings, language, width
):
    tokyo = PartnerFactory(code="tokyo-goods", name="Tokyo Goods", ship_from_country="JP")
    brooklyn = PartnerFactory(code="brooklyn", name="Brooklyn Makers", ship_from_country="US")
    user = merchant_user(tokyo, "merchant-jp")
    order = marketplace_order(
        [(tokyo, "28.61", 1), (brooklyn, "35.00", 2)],
        shipping={"tokyo-goods": "4.00"},
        user=UserFactory(username="shopper"),
    )
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        extra_http_headers={"Accept-Language": language},
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    logged_in(page, live_server, user)
    wider = {}
    for path in (
        "/dashboard/",
        "/dashboard/orders/",
        "/dashboard/orders/statistics/",
        f"/dashboard/orders/{order.number}/",
    ):
        page.goto(f"{live_server.url}{path}")
        # A wide table scrolls in its own box; the page keeps the screen's width.
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            wider[path] = scroll_width
    assert wider == {}
    # The product table is sorted (newest first): its arrow's font is one the page declares.
    page.goto(f"{live_server.url}/dashboard/catalogue/")
    arrow_font_declared = page.evaluate(
        """() => {
            const arrow = document.querySelector("th.asc span, th.desc span");
            const family = getComputedStyle(arrow, "::before").fontFamily.replace(/"/g, "");
            return [...document.fonts].some((font) => font.family.replace(/"/g, "") === family);
        }"""
    )
    assert arrow_font_declared
    page.goto(f"{live_server.url}/dashboard/orders/{order.number}/")
    assert "Brooklyn Makers" not in page.content()
    page.fill("form.refund-form input[name$=-amount]", "100.00")
    click_and_load(page, "form.refund-form button[type=submit]")
    refused = {"en": "You can refund at most 32.61 GBP", "zh-hans": "最多可退款 32.61 GBP"}
    assert refused[language] in page.content()
    page.fill("form.refund-form input[name$=-amount]", "10.00")
    click_and_load(page, "form.refund-form button[type=submit]")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"merchant-order-{language}-{width}.png"), full_page=True)
    context.close()
    assert errors == []
    tokyo_parcel = Consignment.objects.get(order=order, partner=tokyo)
    assert str(tokyo_parcel.refunded) == "10.00"
    assert Consignment.objects.get(order=order, partner=brooklyn).refunded == 0
