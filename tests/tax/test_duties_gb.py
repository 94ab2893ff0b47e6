"""UK: VAT at sale up to GBP 135 (goods only), border duty and VAT above (section 3)."""

from datetime import date
from decimal import Decimal as D

import pytest

from tax.duties import AT_BORDER, AT_CHECKOUT, Charge, Consignment, Line, quote

ON = date(2026, 11, 21)


def gb(lines, on=ON, **kw):
    return Consignment(destination="GB", currency="GBP", lines=lines, on=on, **kw)


def goods(price, qty=1, hs="610910", **kw):
    return Line("Goods", hs, "CN", qty, D(price), **kw)


CASES = [
    pytest.param(
        gb([goods("135.00")], shipping=D("5.00")),
        "gb:at_sale",
        AT_CHECKOUT,
        "0.00",
        "28.00",  # (135 + 5) x 0.20
        id="exactly-135-vat-at-sale",
    ),
    pytest.param(
        gb([goods("135.01", duty_rate=D("0.12"))], shipping=D("5.00")),
        "gb:border",
        AT_BORDER,
        "16.80",  # 140.01 x 0.12 = 16.8012
        "31.36",  # (140.01 + 16.80) x 0.20 = 31.362
        id="135.01-border",
    ),
    pytest.param(
        gb([goods("130.00")], shipping=D("10.00")),
        "gb:at_sale",
        AT_CHECKOUT,
        "0.00",
        "28.00",  # 140 in all, but postage is outside the GBP 135 test
        id="postage-outside-threshold",
    ),
    pytest.param(
        gb([goods("67.50", 2)]),
        "gb:at_sale",
        AT_CHECKOUT,
        "0.00",
        "27.00",
        id="threshold-per-consignment-not-per-item",
    ),
    pytest.param(
        gb([goods("67.51", 2, duty_rate=D("0"))]),
        "gb:border",
        AT_BORDER,
        "0.00",
        "27.00",  # 135.02 x 0.20 = 27.004
        id="two-items-over-135-border",
    ),
    pytest.param(
        gb([goods("0.02"), goods("0.02"), goods("0.02")]),
        "gb:at_sale",
        AT_CHECKOUT,
        "0.00",
        "0.01",  # once per consignment: 0.06 x 0.20 = 0.012; per line it would be 0.00
        id="at-sale-rounded-once-per-consignment",
    ),
    pytest.param(
        gb([goods("40.00"), goods("60.00", hs="490199", vat_rate=D("0"))], insurance=D("5.00")),
        "gb:at_sale",
        AT_CHECKOUT,
        "0.00",
        "8.40",  # insurance 2.00 / 3.00; (40 + 2) x 0.20 = 8.40; books zero-rated
        id="zero-rated-line-and-insurance",
    ),
    pytest.param(
        gb([goods("100.00")], on=date(2021, 1, 1)),
        "gb:at_sale",
        AT_CHECKOUT,
        "0.00",
        "20.00",
        id="from-2021-01-01",
    ),
]


@pytest.mark.parametrize(("consignment", "rule", "collected", "duty", "tax"), CASES)
def test_gb(consignment, rule, collected, duty, tax):
    q = quote(consignment)
    assert q.allowed, q.reason
    assert (q.rule, q.collected) == (rule, collected)
    assert (q.duty, q.tax) == (D(duty), D(tax))
    assert q.total == q.goods + q.shipping + q.insurance + D(duty) + D(tax)


def test_consignment_rounding_is_shared_over_lines():
    q = quote(gb([goods("0.02"), goods("0.02"), goods("0.02")]))
    # Cumulative: 0.004 -> 0.00, 0.008 -> 0.01, 0.012 -> 0.01: shares 0.00, 0.01, 0.00.
    assert [line.tax for line in q.lines] == [D("0.00"), D("0.01"), D("0.00")]


def test_border_line_breakdown():
    q = quote(gb([goods("135.01", duty_rate=D("0.12"))], shipping=D("5.00")))
    (line,) = q.lines
    assert (line.value, line.extras, line.duty, line.tax) == (
        D("135.01"),
        D("5.00"),
        D("16.80"),
        D("31.36"),
    )
    assert [(p.code, p.base, p.rate) for p in line.parts] == [
        ("duty", D("140.01"), D("0.12")),
        ("import_vat", D("156.81"), D("0.20")),
    ]
    assert q.border_charges == (
        Charge("duty", "Import duty (UK)", D("16.80")),
        Charge("import_vat", "Import VAT (UK)", D("31.36")),
    )


REFUSED = [
    pytest.param(gb([goods("100.00")], on=date(2020, 12, 31)), "No United Kingdom", id="2020"),
    pytest.param(gb([goods("135.01")]), "duty_rate", id="border-needs-duty-rate"),
    pytest.param(gb([goods("20.00", hs="220830")]), "excise", id="whisky-is-excise"),
    pytest.param(gb([goods("20.00")], ships_from="GB"), "not an import", id="domestic"),
]


@pytest.mark.parametrize(("consignment", "words"), REFUSED)
def test_refused(consignment, words):
    q = quote(consignment)
    assert not q.allowed and words in q.reason
    assert (q.duty, q.tax, q.charges) == (D("0.00"), D("0.00"), ())
