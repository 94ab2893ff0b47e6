"""Storefront pages answer in a fixed number of queries, whatever they show.

Exact pins, cold and warm: "cold" is the first request after the shared cache (Redis:
product cards, listing counts, FX rates) is emptied, "warm" the next one. Process-wide
memos (content types, Oscar's class loader) are filled by a first request beforehand, so
the figures do not depend on which test ran first. The counts do not grow with the page
size (5, 20 or 40 products a page); a change to any figure is a change to look at: update
the pin only when the new count is understood (and say why in the commit).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from tests.factories import NoteFactory, NoteProduct, UserFactory, product_with_price

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")

# page -> (cold, warm) anonymous, (cold, warm) signed in. Measured 2026-12-01.
PINS = {
    "home": ((6, 2), (14, 10)),
    "all-products": ((11, 2), (17, 8)),
    "category": ((13, 3), (19, 9)),
    "search-latin": ((11, 2), (17, 8)),
    "search-chinese": ((11, 2), (17, 8)),
    "note": ((13, 7), (21, 15)),
    "product": ((17, 4), (31, 18)),
    "notes": ((6, 2), (14, 10)),
    "basket": ((5, 3), (14, 12)),
}

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


def queries(client, url) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries), response


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
@pytest.mark.parametrize("page_size", [5, 20, 40])
def test_page_query_counts_cold_and_warm(client, catalogue, page_size, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    urls = {
        "home": "/",
        "all-products": reverse("catalogue:index"),
        "category": catalogue["category"].get_absolute_url(),
        "search-latin": reverse("search:search") + "?q=cream",
        "search-chinese": reverse("search:search") + "?q=面霜",
        "note": catalogue["note"].get_absolute_url(),
        "product": catalogue["products"][0].get_absolute_url(),
        "notes": reverse("notes:list"),
        "basket": reverse("basket:summary"),
    }
    measured, expected = {}, {}
    with override_settings(OSCAR_PRODUCTS_PER_PAGE=page_size):
        for page, url in urls.items():
            client.get(url)  # process-wide memos
            cache.clear()
            cold, _ = queries(client, url)
            warm, response = queries(client, url)
            measured[page] = (cold, warm)
            expected[page] = PINS[page][signed_in]
            if page not in ("home", "product", "notes", "note", "basket"):
                assert len(response.context["products"]) == min(page_size, 45)
    assert measured == expected
