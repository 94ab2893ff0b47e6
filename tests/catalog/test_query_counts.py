"""Storefront pages answer in a fixed number of queries, whatever they show."""

import pytest
from django.test import override_settings
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import NoteFactory, NoteProduct, product_with_price

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")

MAX_QUERIES = 15

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(rates):
    category = Category.add_root(name="Beauty", slug="beauty")
    child = category.add_child(name="Skincare", slug="skincare")
    products = [
        product_with_price(f"{10 + n}.00", ["CNY", "JPY", "USD"][n % 3], title=f"面霜 cream {n}")
        for n in range(45)
    ]
    for product in products:
        ProductCategory.objects.create(product=product, category=child)
    note = NoteFactory()
    for n, product in enumerate(products):
        NoteProduct.objects.create(note=note, product=product, position=n)
    for _ in range(30):
        NoteProduct.objects.create(note=NoteFactory(), product=products[0])
    return {"category": category, "products": products, "note": note}


def warm(client, url):
    # The first request fills process-wide caches (FX rates, thumbnails, content types).
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("page_size", [5, 20, 40])
@pytest.mark.parametrize(
    "page",
    ["all-products", "category", "search-latin", "search-chinese", "note", "product", "notes"],
)
def test_page_query_count(client, catalogue, django_assert_max_num_queries, page, page_size):
    urls = {
        "all-products": reverse("catalogue:index"),
        "category": catalogue["category"].get_absolute_url(),
        "search-latin": reverse("search:search") + "?q=cream",
        "search-chinese": reverse("search:search") + "?q=面霜",
        "note": catalogue["note"].get_absolute_url(),
        "product": catalogue["products"][0].get_absolute_url(),
        "notes": reverse("notes:list"),
    }
    url = urls[page]
    with override_settings(OSCAR_PRODUCTS_PER_PAGE=page_size):
        warm(client, url)
        with django_assert_max_num_queries(MAX_QUERIES):
            response = client.get(url)
    assert response.status_code == 200
    if page not in ("product", "notes", "note"):
        assert len(response.context["products"]) == min(page_size, 45)
