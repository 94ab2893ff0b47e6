from decimal import Decimal

import pytest
from oscar.core.loading import get_class

from tests.factories import ProductClassFactory

ProductForm = get_class("dashboard.catalogue.forms", "ProductForm")

pytestmark = pytest.mark.django_db

VALID = {"title": "Face cream", "structure": "standalone", "origin_country": "JP"}
VALID.update(hs_code="330499", consumption_tax_rate="0")


# The dashboard takes rates as percentages since issue #13 ("15" means 15%, as merchants
# type them); the model still stores the fraction.
def test_merchant_sets_the_commission_rate_in_the_dashboard_form():
    form = ProductForm(ProductClassFactory(), data={**VALID, "commission_rate": "8"})
    assert form.is_valid(), form.errors
    assert form.save().commission_rate == Decimal("0.08")


def test_commission_rate_is_optional_and_a_percentage():
    assert ProductForm(ProductClassFactory(), data=VALID).is_valid()
    form = ProductForm(ProductClassFactory(), data={**VALID, "commission_rate": "120"})
    assert not form.is_valid() and "commission_rate" in form.errors
