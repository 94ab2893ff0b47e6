import time

import pytest
from django.core import signing
from django.urls import reverse
from oscar.core.loading import get_model

from catalog import attribution
from tests.factories import note_linking, product_with_price

Basket = get_model("basket", "Basket")

pytestmark = pytest.mark.django_db


def add_to_basket(client, product):
    client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": 1})
    return Basket.objects.get().all_lines().get(product=product)


def test_visit_from_note_attributes_basket_line(client, rates):
    product = product_with_price()
    note = note_linking([product])
    response = client.get(f"{product.get_absolute_url()}?note={note.pk}")
    assert attribution.COOKIE in response.cookies
    assert response.cookies[attribution.COOKIE]["max-age"] == 30 * 24 * 3600
    line = add_to_basket(client, product)
    assert (line.attributed_note_id, line.attributed_creator_id) == (note.pk, note.creator_id)


def test_attribution_is_per_product(client, rates):
    linked, other = product_with_price(), product_with_price()
    note = note_linking([linked])
    client.get(f"{linked.get_absolute_url()}?note={note.pk}")
    assert add_to_basket(client, other).attributed_note_id is None


@pytest.mark.parametrize("value", ["abc", "", "-3", "0", "1e5", "99999999999999"])
def test_malformed_note_is_ignored(client, rates, value):
    product = product_with_price()
    response = client.get(product.get_absolute_url(), {"note": value})
    assert response.status_code == 200
    assert attribution.COOKIE not in response.cookies


def test_note_that_does_not_link_the_product_is_ignored(client, rates):
    product = product_with_price()
    note = note_linking([product_with_price()])
    response = client.get(product.get_absolute_url(), {"note": note.pk})
    assert attribution.COOKIE not in response.cookies


def test_expired_attribution_is_not_stored(client, rates):
    product = product_with_price()
    note = note_linking([product])
    old = int(time.time()) - 31 * 24 * 3600
    client.cookies[attribution.COOKIE] = signing.dumps(
        {str(product.pk): [note.pk, note.creator_id, old]}, salt=attribution.SALT, compress=True
    )
    assert add_to_basket(client, product).attributed_note_id is None


def test_tampered_cookie_is_ignored(client, rates):
    product = product_with_price()
    client.cookies[attribution.COOKIE] = "not-a-signed-value"
    assert add_to_basket(client, product).attributed_note_id is None
