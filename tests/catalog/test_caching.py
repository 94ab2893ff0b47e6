"""Cached product cards and product pages never show an outdated price or stock."""

from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from catalog.product_views import product_views_flush
from tests.factories import note_linking, product_with_price

StockRecord = get_model("partner", "StockRecord")
ProductRecord = get_model("analytics", "ProductRecord")
Option = get_model("catalogue", "Option")

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopper(client):
    client.cookies["currency"] = "CNY"
    return client


def test_listing_card_follows_price_and_stock(shopper, rates):
    product = product_with_price("100.00", title="Tea set")
    assert "CN¥100.00" in shopper.get(reverse("catalogue:index")).content.decode()
    # A bulk update (as stock allocation does) bypasses save() and date_updated.
    StockRecord.objects.filter(product=product).update(price=Decimal("80.00"))
    html = shopper.get(reverse("catalogue:index")).content.decode()
    assert "CN¥80.00" in html and "CN¥100.00" not in html
    StockRecord.objects.filter(product=product).update(num_in_stock=0)
    html = shopper.get(reverse("catalogue:index")).content.decode()
    assert 'action="/basket/add/' not in html
    assert "Unavailable" in html or "Not available" in html


def test_card_add_to_basket_carries_this_shoppers_csrf_token(client, rates):
    product_with_price("100.00")
    client.get(reverse("catalogue:index"))  # fills the card cache for everyone
    csrf_client = type(client)(enforce_csrf_checks=True)
    html = csrf_client.get(reverse("catalogue:index")).content.decode()
    token = html.split('name="csrfmiddlewaretoken" value="', 2)[2].split('"', 1)[0]
    action = html.split('class="add-to-basket"', 1)[0].rsplit('action="', 1)[1].split('"', 1)[0]
    response = csrf_client.post(action, {"csrfmiddlewaretoken": token, "quantity": 1})
    assert response.status_code == 302


def test_product_with_options_is_chosen_on_its_page(shopper, rates):
    product = product_with_price("100.00")
    product.product_options.add(Option.objects.create(name="Engraving", code="engraving"))
    html = shopper.get(reverse("catalogue:index")).content.decode()
    assert "Choose options" in html


def test_note_page_cards_link_with_the_note(shopper, rates):
    product = product_with_price("100.00")
    note = note_linking([product])
    html = shopper.get(note.get_absolute_url()).content.decode()
    assert f"{product.get_absolute_url()}?note={note.pk}" in html
    listing = shopper.get(reverse("catalogue:index")).content.decode()
    assert "?note=" not in listing


def test_product_page_is_fresh_after_edits(shopper, rates):
    product = product_with_price("100.00", title="Old title")
    shopper.get(product.get_absolute_url())
    product.title = "New title"
    product.save()
    StockRecord.objects.filter(product=product).update(price=Decimal("90.00"))
    html = shopper.get(product.get_absolute_url()).content.decode()
    assert "New title" in html and "CN¥90.00" in html


def test_product_views_are_counted_in_batches(shopper, rates):
    product = product_with_price()
    for _ in range(3):
        shopper.get(product.get_absolute_url())
    product_views_flush()
    assert ProductRecord.objects.get(product=product).num_views == 3
    shopper.get(product.get_absolute_url())
    product_views_flush()
    assert ProductRecord.objects.get(product=product).num_views == 4
