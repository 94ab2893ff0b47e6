"""The storefront in a real browser, in English and Chinese, at desktop and phone width.

Every page must load nothing from another host, raise no JavaScript error, and have no
serious or critical accessibility violation (axe-core). Screenshots go to artifacts/.
"""

import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from oscar.core.loading import get_model

from .a11y import axe_violations
from .conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)

LOCAL = {"127.0.0.1", "localhost"}
WIDTHS = {"desktop": 1280, "phone": 390}
LOCALES = {"en": "en-GB", "zh-hans": "zh-CN"}

Basket = get_model("basket", "Basket")


def merchant_order(demo_shop):
    """A placed order holding one of the Tokyo merchant's products."""
    from oscar.apps.partner.strategy import Default
    from oscar.test.factories import create_order

    product = (
        demo_shop["product"]
        .__class__.objects.filter(stockrecords__partner__code="tokyo-goods")
        .first()
    )
    basket = Basket.objects.create()
    basket.strategy = Default()
    basket.add_product(product)
    return create_order(basket=basket, total=None)


def session_cookie(user, base_url: str) -> list[dict]:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    return [{"name": cookie.key, "value": cookie.value, "url": base_url}]


class PageWatch:
    """Console errors, uncaught exceptions and requests to other hosts of one page."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.foreign: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))

        def route(route):
            if (urlsplit(route.request.url).hostname or "") in LOCAL:
                route.continue_()
            else:
                self.foreign.append(route.request.url)
                route.abort()

        page.route("**/*", route)


def visit(browser, live_server, path, *, language, width, cookies=(), name):
    context = browser.new_context(
        locale=LOCALES[language],
        viewport={"width": WIDTHS[width], "height": 900},
        extra_http_headers={"Accept-Language": language},
    )
    if cookies:
        context.add_cookies(list(cookies))
    page = context.new_page()
    page.set_default_timeout(15000)
    watch = PageWatch(page)
    response = page.goto(live_server.url + path, wait_until="load")
    violations = axe_violations(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"storefront-{name}-{language}-{width}.png"))
    context.close()
    # A 404 page answers 404 on purpose; its console reports that status, nothing else.
    errors = [e for e in watch.errors if not (name == "404" and "404" in e)]
    return response.status, errors, watch.foreign, violations


def shopper_pages(shop):
    return {
        "home": "/",
        "note": shop["note"].get_absolute_url(),
        "product": shop["product"].get_absolute_url(),
        "catalogue": "/catalogue/",
        "category": shop["category"].get_absolute_url(),
        "search": "/search/?q=cream",
        "basket": "/basket/",
        "login": "/accounts/login/",
        "404": "/no-such-page/",
    }


# Every page at phone width; the pages whose layout changes most also at desktop width.
DESKTOP_TOO = {"home", "product", "category", "basket", "404"}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_shopper_pages_load_cleanly_and_pass_axe(browser, live_server, demo_shop, language):
    problems = {}
    for name, path in shopper_pages(demo_shop).items():
        for width in ["phone", "desktop"] if name in DESKTOP_TOO else ["phone"]:
            status, errors, foreign, violations = visit(
                browser, live_server, path, language=language, width=width, name=name
            )
            assert status == (404 if name == "404" else 200), (name, status)
            if errors or foreign or violations:
                problems[f"{name} ({width})"] = {"js": errors, "hosts": foreign, "axe": violations}
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)


def pages_check(browser, live_server, pages, language) -> dict:
    problems = {}
    for name, path, user in pages:
        status, errors, foreign, violations = visit(
            browser,
            live_server,
            path,
            language=language,
            width="desktop",
            cookies=session_cookie(user, live_server.url),
            name=name,
        )
        assert status == 200, (name, status)
        if errors or foreign or violations:
            problems[name] = {"js": errors, "hosts": foreign, "axe": violations}
    return problems


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_account_and_agency_pages_pass_axe(browser, live_server, demo_shop, language):
    from django.contrib.auth import get_user_model

    shopper = get_user_model().objects.create_user("ada", "ada@example.com", "pw-ada-123")
    pages = [
        ("account", "/accounts/profile/", shopper),
        ("addresses", "/accounts/addresses/add/", shopper),
        ("agency", "/agency/", demo_shop["agency_staff"]),
    ]
    problems = pages_check(browser, live_server, pages, language)
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_dashboard_order_page_passes_axe(browser, live_server, demo_shop, language):
    order = merchant_order(demo_shop)
    pages = [("dashboard-order", f"/dashboard/orders/{order.number}/", demo_shop["merchant"])]
    problems = pages_check(browser, live_server, pages, language)
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)


def test_prices_of_the_demo_are_money(demo_shop):
    # The demo products the browser sees are priced (a sanity check of the fixture).
    assert demo_shop["product"].stockrecords.get().price > Decimal("0")
