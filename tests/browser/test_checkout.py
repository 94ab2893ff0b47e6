"""Note -> product -> basket -> checkout -> localstripe card -> thank-you with duties."""

import time

import pytest
from oscar.core.loading import get_model

from tests.commerce.checkout.conftest import market  # noqa: F401  (fixture)
from tests.factories import note_linking

from .conftest import ARTIFACTS, click_and_load

Order = get_model("order", "Order")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])  # desktop and a phone (issue #13)
def test_guest_buys_from_a_note_and_pays_by_card(
    page, live_server, shop, paid_signals, localstripe_webhook, width
):
    page.set_viewport_size({"width": width, "height": 844})
    note = note_linking([shop["cream"]], title="My favourite cream")
    page.goto(live_server.url + note.get_absolute_url())
    click_and_load(page, "text=Face cream")
    click_and_load(page, "#add_to_basket_form button[type=submit]")
    page.goto(live_server.url + "/basket/")
    click_and_load(page, "text=Proceed to checkout")

    page.fill("#id_username", "guest@example.com")
    page.check("input[name=options][value=anonymous]")
    click_and_load(page, "form.card button[type=submit]")

    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Buyer")
    page.fill("#id_line1", "1 High Street")
    page.fill("#id_line4", "London")
    page.fill("#id_postcode", "SW1A 1AA")
    page.select_option("#id_country", "GB")
    click_and_load(page, "form#new_shipping_address button[type=submit]")

    click_and_load(page, "form[action*='shipping-method'] button[type=submit] >> nth=0")
    click_and_load(page, "#view_preview")
    assert "Import VAT (UK)" in page.content()

    pay_by_card(page)
    assert "Import VAT (UK)" in page.content()

    order = Order.objects.get()
    deadline = time.monotonic() + 15
    while order.status != "Paid" and time.monotonic() < deadline:
        time.sleep(0.2)
        order.refresh_from_db()
    assert order.status == "Paid"
    while not paid_signals and time.monotonic() < deadline:
        time.sleep(0.1)  # order_paid is sent just after the commit that marks it paid
    assert order.lines.get().attributed_note_id == note.pk
    assert len(paid_signals) == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"checkout-thank-you-{width}.png"), full_page=True)


def pay_by_card(page):
    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill("4242424242424242")
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("30")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("12345")
    page.click("#place-order")
    page.wait_for_url("**/checkout/thank-you/")


@pytest.mark.django_db(transaction=True)
def test_two_merchant_basket_to_london_is_two_parcels_each_with_its_own_vat(
    page,
    live_server,
    market,  # noqa: F811  (the checkout fixture, imported above)
    paid_signals,
    localstripe_webhook,
):
    page.context.add_cookies(
        [
            {"name": "ship_to", "value": "GB", "url": live_server.url},
            {"name": "currency", "value": "GBP", "url": live_server.url},
        ]
    )
    for product in (market["tokyo_kimono"], market["brooklyn_jacket"]):
        page.goto(live_server.url + product.get_absolute_url())
        click_and_load(page, "#add_to_basket_form button[type=submit]")
    page.goto(live_server.url + "/basket/")
    estimate = page.locator("#basket-estimate")
    assert estimate.locator(".consignment").count() == 2
    assert "Estimated total" in page.content()
    click_and_load(page, "text=Proceed to checkout")

    page.fill("#id_username", "guest@example.com")
    page.check("input[name=options][value=anonymous]")
    click_and_load(page, "form.card button[type=submit]")
    # The address country defaults to the ship-to country; no China identity fields.
    assert page.locator("#id_country").input_value() == "GB"
    assert not page.locator("#id_id_number").is_visible()
    page.select_option("#id_country", "CN")  # a Tokyo parcel to China would need them
    assert page.locator("#id_id_number").is_visible()
    page.select_option("#id_country", "GB")
    assert not page.locator("#id_id_number").is_visible()
    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Buyer")
    page.fill("#id_line1", "1 High Street")
    page.fill("#id_line4", "London")
    page.fill("#id_postcode", "SW1A 1AA")
    click_and_load(page, "form#new_shipping_address button[type=submit]")
    click_and_load(page, "form[action*='shipping-method'] button[type=submit] >> nth=0")
    click_and_load(page, "#view_preview")
    parcels = page.locator("#landed-cost .consignment")
    assert parcels.count() == 2
    for n in range(2):
        assert "Import VAT (UK)" in parcels.nth(n).inner_text()
    assert "Payment details to go here" not in page.content()

    pay_by_card(page)
    html = page.content()
    assert "Parcel 1: Tokyo Goods" in html and "Parcel 2: Brooklyn Makers" in html
    assert "Allocation of" not in html
    order = Order.objects.get()
    deadline = time.monotonic() + 15
    while order.status != "Paid" and time.monotonic() < deadline:
        time.sleep(0.2)
        order.refresh_from_db()
    assert order.status == "Paid"
    rows = list(order.consignments.order_by("pk"))
    assert [(r.ship_from, r.collected) for r in rows] == [
        ("JP", "at_checkout"),
        ("US", "at_checkout"),
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "checkout-two-parcels.png"), full_page=True)
