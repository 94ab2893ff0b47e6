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
