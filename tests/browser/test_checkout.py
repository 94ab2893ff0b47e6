"""Note -> product -> basket -> checkout -> localstripe card -> thank-you with duties."""

import time

import pytest
from oscar.core.loading import get_model

from tests.factories import note_linking

from .conftest import ARTIFACTS

Order = get_model("order", "Order")


@pytest.mark.django_db(transaction=True)
def test_guest_buys_from_a_note_and_pays_by_card(
    page, live_server, shop, paid_signals, localstripe_webhook
):
    note = note_linking([shop["cream"]], title="My favourite cream")
    page.goto(live_server.url + note.get_absolute_url())
    page.click("text=Face cream")
    page.click("#add_to_basket_form button[type=submit]")
    page.goto(live_server.url + "/basket/")
    page.click("text=Proceed to checkout")

    page.fill("#id_username", "guest@example.com")
    page.check("input[name=options][value=anonymous]")
    page.click("form.card button[type=submit]")

    page.fill("#id_first_name", "Ada")
    page.fill("#id_last_name", "Buyer")
    page.fill("#id_line1", "1 High Street")
    page.fill("#id_line4", "London")
    page.fill("#id_postcode", "SW1A 1AA")
    page.select_option("#id_country", "GB")
    page.click("form#new_shipping_address button[type=submit]")

    page.click("form[action*='shipping-method'] button[type=submit] >> nth=0")
    page.click("#view_preview")
    assert "Import VAT (UK)" in page.content()

    card = page.locator("#card-element")
    card.locator("input[placeholder=number]").fill("4242424242424242")
    card.locator("input[placeholder=exp_month]").fill("12")
    card.locator("input[placeholder=exp_year]").fill("30")
    card.locator("input[placeholder=cvc]").fill("123")
    card.locator("input[placeholder=postal_code]").fill("12345")
    page.click("#place-order")
    page.wait_for_url("**/checkout/thank-you/")
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
    page.screenshot(path=str(ARTIFACTS / "checkout-thank-you.png"), full_page=True)
