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
    # Typed as a percentage (issue #13: merchants typed "15" and were told "no more than
    # 1 digit before the decimal point"); stored as the fraction 0.15.
    "consumption_tax_rate": "15",
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
        ("consumption_tax_rate", "150"),  # percent: 1.5 is now a valid 1.5%
        ("consumption_tax_rate", "-1"),
        ("consumption_tax_rate", "12.345"),
        ("commission_rate", "101"),
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


def test_rates_are_typed_and_shown_as_percentages():
    from decimal import Decimal

    f = form(consumption_tax_rate="15", commission_rate="8.5")
    assert f.is_valid(), f.errors
    product = f.save()
    assert (product.consumption_tax_rate, product.commission_rate) == (
        Decimal("0.1500"),
        Decimal("0.0850"),
    )
    shown = ProductForm(product.product_class, instance=product)
    html = str(shown["consumption_tax_rate"]) + str(shown["commission_rate"])
    assert 'value="15"' in html and 'value="8.5"' in html


def test_a_rate_out_of_range_says_what_to_type():
    f = form(consumption_tax_rate="150")
    assert f.errors["consumption_tax_rate"] == [
        "Enter a percentage from 0 to 100, e.g. 15 for 15%."
    ]
    f = form(consumption_tax_rate="0.155")
    assert f.errors["consumption_tax_rate"] == [
        "Use at most 2 decimal places, e.g. 12.5 for 12.5%."
    ]


def test_rate_errors_are_in_chinese_for_chinese_merchants():
    from django.utils import translation

    with translation.override("zh-hans"):
        f = form(consumption_tax_rate="150")
        assert not f.is_valid()
        assert "0" in f.errors["consumption_tax_rate"][0]
        assert "Enter" not in f.errors["consumption_tax_rate"][0]
