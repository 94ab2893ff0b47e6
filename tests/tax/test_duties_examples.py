"""The reference's worked examples (section 8), figures as the reference gives them."""

from datetime import date
from decimal import Decimal as D

import pytest

from tax.duties import AT_CHECKOUT, Charge, Consignment, Line, quote

EXAMPLES = [
    pytest.param(
        # China CBEC within limits: goods CNY 500, no CT, 13% VAT: 500 x 9.1% = 45.50.
        Consignment(
            destination="CN",
            currency="CNY",
            lines=[Line("Goods", "330499", "FR", 1, D("500.00"), vat_rate=D("0.13"))],
            on=date(2026, 7, 15),
        ),
        D("0.00"),
        D("45.50"),
        D("545.50"),
        (Charge("cn_cbec_tax", "China cross-border import tax", D("45.50")),),
        id="cn-cbec-500-at-9.1pct-is-45.50",
    ),
    pytest.param(
        # UK up to GBP 135: a GBP 20 item + GBP 18 of other items + GBP 2 post and packing:
        # subtotal 40, VAT 20% 8, total 48, collected at sale, no duty.
        Consignment(
            destination="GB",
            currency="GBP",
            lines=[
                Line("Item", "610910", "CN", 1, D("20.00")),
                Line("Other items", "420292", "CN", 2, D("9.00")),
            ],
            shipping=D("2.00"),
            on=date(2026, 11, 21),
        ),
        D("0.00"),
        D("8.00"),
        D("48.00"),
        (Charge("import_vat", "Import VAT (UK)", D("8.00")),),
        id="gb-40-subtotal-vat-8-total-48",
    ),
    pytest.param(
        # EU IOSS at a 20% destination rate (France): goods EUR 100: VAT 20, total 120.
        # Dated before the EUR 3 duty starts (1 Jul 2026), as the example predates it.
        Consignment(
            destination="FR",
            currency="EUR",
            lines=[Line("Goods", "330499", "CN", 1, D("100.00"))],
            on=date(2026, 6, 30),
        ),
        D("0.00"),
        D("20.00"),
        D("120.00"),
        (Charge("import_vat", "Import VAT (France)", D("20.00")),),
        id="eu-ioss-100-at-20pct-vat-20-total-120",
    ),
]


@pytest.mark.parametrize(("consignment", "duty", "tax", "total", "charges"), EXAMPLES)
def test_worked_example(consignment, duty, tax, total, charges):
    q = quote(consignment)
    assert q.allowed and q.reason == ""
    assert (q.duty, q.tax, q.total) == (duty, tax, total)
    assert q.collected == AT_CHECKOUT
    assert q.charges == charges
    assert q.border_charges == ()


def test_examples_keep_the_currency_places():
    q = quote(EXAMPLES[1].values[0])
    assert str(q.duty) == "0.00" and str(q.tax) == "8.00" and str(q.total) == "48.00"


def test_as_dict_gives_decimals_as_strings():
    d = quote(EXAMPLES[1].values[0]).as_dict()
    assert d["tax"] == "8.00" and d["total"] == "48.00" and d["on"] == "2026-11-21"
    assert d["charges"] == [{"code": "import_vat", "label": "Import VAT (UK)", "amount": "8.00"}]
    assert d["lines"][0]["parts"][0]["amount"] == "4.21"  # 21.05 of the 42.00 base
    assert d["lines"][1]["extras"] == "0.95"
