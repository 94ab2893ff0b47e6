"""Browser tests: Playwright driving Debian's Chromium (never `playwright install`)."""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

# Re-use the checkout fixtures (localstripe, shop data, signals).
from tests.commerce.checkout.conftest import (  # noqa: E402,F401
    localstripe_url,
    localstripe_webhook,
    paid_signals,
    shop,
    stripe_settings,
)
from tests.storefront.conftest import demo_shop  # noqa: E402,F401  (a small demo shop)


def click_and_load(page, selector):
    """Click something that loads a new page and return once that page has loaded.

    Playwright's click returns when the navigation it started has committed, before the
    new document is parsed: `page.content()` read then can be "" (CI saw exactly that).
    Every click that leaves the page goes through here, so every read after it sees the
    page the click led to."""
    with page.expect_navigation(wait_until="load"):
        page.click(selector)


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's event loop stops once this module's tests are done.
    from playwright.sync_api import sync_playwright

    # No skip: a machine without Chromium is set up by scripts/test.sh (apt-get).
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: run `make test`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
