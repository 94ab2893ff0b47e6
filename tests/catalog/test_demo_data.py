import pytest
from django.core.management import call_command
from oscar.core.loading import get_model

from agencies.models import Creator

Product = get_model("catalogue", "Product")
Note = get_model("catalogue", "Note")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


def counts():
    return (
        Product.objects.count(),
        Note.objects.count(),
        Creator.objects.count(),
        StockRecord.objects.count(),
        Category.objects.count(),
    )


def test_demo_data_is_complete_and_idempotent():
    call_command("demo_data")
    products, notes, creators, stock, categories = counts()
    assert products >= 200 and notes >= 60 and creators >= 20
    assert Category.objects.filter(depth=1).count() >= 6
    assert set(StockRecord.objects.values_list("price_currency", flat=True)) == {
        "CNY",
        "JPY",
        "USD",
    }
    assert Creator.objects.exclude(country="CN").count() >= 5
    assert set(Note.objects.values_list("language", flat=True)) == {"en", "zh-hans"}
    assert not Product.objects.filter(hs_code="").exists()
    before = counts()
    call_command("demo_data")
    assert counts() == before


def test_demo_products_are_worth_trusting():
    """Unique titles, the goods' own HS headings, shipping weights of real parcels."""
    from commerce.demo.catalogue_data import product_specs

    call_command("demo_data")
    titles = list(Product.objects.values_list("title", flat=True))
    assert len(titles) == len(set(titles))
    assert not any("#" in title for title in titles)
    hs = {title: code for title, code in Product.objects.values_list("title", "hs_code")}
    assert hs["Sakura Mechanical keyboard"] == "847160"  # not headphones (851830)
    assert hs["Sakura Wireless earbuds"] == "851830"
    assert hs["Brooklyn Portable charger 10000 mAh"] == "850760"  # lithium-ion batteries
    assert hs["Sakura Wool scarf"] == "621420"  # not T-shirts (610910)
    assert hs["Hinode Cast iron teapot"] == "732391"
    weights = dict(Product.objects.values_list("title", "weight_grams"))
    assert weights["Sakura Matte lipstick"] < 100 < weights["Sakura Cast iron teapot"]
    assert all(20 <= grams <= 2000 for grams in weights.values())
    # The benchmark's 2,000 products are unique too.
    big = [spec.title for spec in product_specs(2000)]
    assert len(big) == len(set(big))


def test_an_older_demo_database_is_brought_up_to_date():
    call_command("demo_data")
    product = Product.objects.get(upc="DEMO000001")
    Product.objects.filter(pk=product.pk).update(title="Old title #1", hs_code="851830")
    notes_before = Note.objects.count()
    call_command("demo_data")
    product.refresh_from_db()
    assert (product.title, product.hs_code) == ("Sakura Hydrating face cream 50 ml", "330499")
    assert Note.objects.count() == notes_before
    assert not Note.objects.filter(title__contains="Old title").exists()
