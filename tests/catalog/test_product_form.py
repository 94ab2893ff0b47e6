import pytest
from oscar.core.loading import get_class

from tests.factories import ProductClassFactory

ProductForm = get_class("dashboard.catalogue.forms", "ProductForm")

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Face cream",
    "structure": "standalone",
    "origin_country": "JP",
    "hs_code": "330499",
    "customs_value": "1000",
    "customs_currency": "JPY",
    "weight_grams": "180",
    "consumption_tax_rate": "0.15",
    "cbec_eligible": "on",
}


def form(**changes):
    data = {**VALID, **changes}
    return ProductForm(ProductClassFactory(), data={k: v for k, v in data.items() if v is not None})


def test_valid_cross_border_product_saves():
    f = form()
    assert f.is_valid(), f.errors
    product = f.save()
    assert (product.origin_country.code, product.hs_code, product.cbec_eligible) == (
        "JP",
        "330499",
        True,
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hs_code", "3304"),
        ("hs_code", "33049912345"),
        ("hs_code", "3304.99"),
        ("hs_code", "abcdef"),
        ("origin_country", "XX"),
        ("origin_country", "Japan"),
        ("customs_currency", "ABC"),
        ("consumption_tax_rate", "1.5"),
        ("customs_value", "-1"),
        ("hs_code", None),
        ("origin_country", None),
    ],
)
def test_bad_cross_border_data_is_a_field_error(field, value):
    f = form(**{field: value})
    assert not f.is_valid()
    assert field in f.errors


def test_customs_value_needs_its_currency():
    f = form(customs_currency="")
    assert not f.is_valid()
    assert "customs_currency" in f.errors
