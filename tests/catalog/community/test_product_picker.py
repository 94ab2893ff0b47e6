"""The note form's product picker: a bounded JSON search by title in English or Chinese;
typing numbers stays a fallback and an unknown number is a clear field error."""

import pytest
from django.urls import reverse

from tests.factories import product_with_price

pytestmark = pytest.mark.django_db


def search(client, q):
    return client.get(reverse("community:product-search"), {"q": q})


def test_search_finds_products_by_english_or_chinese_title(client, creator):
    tea = product_with_price(title_en="Tea set", title_zh_hans="茶具套装")
    product_with_price(title_en="Face cream", title_zh_hans="面霜")
    client.force_login(creator.user)
    for q in ("tea", "TEA S", "茶具", str(tea.pk)):
        response = search(client, q)
        assert response.status_code == 200
        assert [r["id"] for r in response.json()["results"]] == [tea.pk], q
    assert search(client, "nothing like it").json() == {"results": []}
    assert search(client, "  ").json() == {"results": []}


def test_search_is_bounded_and_leaves_out_products_not_on_sale(client, creator):
    for n in range(12):
        product_with_price(title_en=f"Mug {n}", title_zh_hans=f"杯子 {n}")
    hidden = product_with_price(title_en="Mug hidden", title_zh_hans="杯子 隐藏", is_public=False)
    client.force_login(creator.user)
    results = search(client, "mug").json()["results"]
    assert len(results) == 10 and hidden.pk not in [r["id"] for r in results]
    response = search(client, "x" * 101)
    assert response.status_code == 400 and "q" in response.json()["errors"]


def test_search_needs_sign_in(client):
    assert search(client, "tea").status_code == 302


def test_form_offers_the_picker_and_shows_linked_products_by_title(client, creator):
    tea = product_with_price(title_en="Tea set", title_zh_hans="茶具套装")
    client.force_login(creator.user)
    page = client.get(reverse("notes:new")).content.decode()
    assert 'id="product-picker"' in page and reverse("community:product-search") in page
    response = client.post(
        reverse("notes:new"),
        {"title": "T", "body": "B", "language": "en", "products": f"{tea.pk}, 999999"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "No product on sale has the number 999999" in page
    assert '"title": "Tea set"' in page  # the picked product keeps its chip
    assert not creator.notes.exists()
