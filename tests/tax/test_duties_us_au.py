"""United States (de minimis history, duty on the line's rate) and Australia (GST at sale
up to A$1,000 of customs value), reference sections 4 and 5."""

from datetime import date
from decimal import Decimal as D

import pytest

from tax.duties import AT_BORDER, AT_CHECKOUT, Consignment, Line, quote

NOW = date(2026, 11, 21)


def us(lines, on=NOW, **kw):
    return Consignment(destination="US", currency="USD", lines=lines, on=on, **kw)


def au(lines, on=NOW, **kw):
    return Consignment(destination="AU", currency="AUD", lines=lines, on=on, **kw)


def goods(price, origin="JP", qty=1, **kw):
    return Line("Goods", "330499", origin, qty, D(price), **kw)


FIVE = D("0.05")

CASES = [
    # (consignment, rule, collected, duty, tax)
    pytest.param(
        us([goods("100.00", duty_rate=FIVE)], shipping=D("15.00")),
        "us:border",
        AT_BORDER,
        "5.00",  # on the goods only: US customs value leaves out freight
        "0.00",
        id="us-no-de-minimis-2026",
    ),
    pytest.param(
        us([goods("800.00", duty_rate=FIVE)], on=date(2025, 1, 15)),
        "us:exempt",
        AT_CHECKOUT,
        "0.00",
        "0.00",
        id="us-2025-exactly-800-de-minimis",
    ),
    pytest.param(
        us([goods("800.01", duty_rate=FIVE)], on=date(2025, 1, 15)),
        "us:border",
        AT_BORDER,
        "40.00",  # 800.01 x 0.05 = 40.0005
        "0.00",
        id="us-2025-800.01-dutiable",
    ),
    pytest.param(
        us([goods("100.00", "CN", duty_rate=FIVE)], on=date(2025, 5, 1)),
        "us:exempt",
        AT_CHECKOUT,
        "0.00",
        "0.00",
        id="us-2025-05-01-china-still-exempt",
    ),
    pytest.param(
        us([goods("100.00", "CN", duty_rate=FIVE)], on=date(2025, 5, 2)),
        "us:border",
        AT_BORDER,
        "5.00",
        "0.00",
        id="us-2025-05-02-china-dutiable",
    ),
    pytest.param(
        us([goods("100.00", "HK", duty_rate=FIVE)], on=date(2025, 8, 28)),
        "us:border",
        AT_BORDER,
        "5.00",
        "0.00",
        id="us-2025-08-28-hong-kong-dutiable",
    ),
    pytest.param(
        us([goods("100.00", "JP", duty_rate=FIVE)], on=date(2025, 8, 28)),
        "us:exempt",
        AT_CHECKOUT,
        "0.00",
        "0.00",
        id="us-2025-08-28-japan-exempt",
    ),
    pytest.param(
        us([goods("100.00", "JP", duty_rate=FIVE)], on=date(2025, 8, 29)),
        "us:border",
        AT_BORDER,
        "5.00",
        "0.00",
        id="us-2025-08-29-japan-dutiable",
    ),
    pytest.param(
        us([goods("100.00", "JP", duty_rate=FIVE)], on=date(2016, 3, 10)),
        "us:exempt",
        AT_CHECKOUT,
        "0.00",
        "0.00",
        id="us-2016-03-10-first-day-on-file",
    ),
    pytest.param(
        au([goods("1000.00")], shipping=D("20.00")),
        "au:at_sale",
        AT_CHECKOUT,
        "0.00",
        "102.00",  # GST on price including delivery: 1020 x 0.10
        id="au-exactly-1000-gst-at-sale",
    ),
    pytest.param(
        au([goods("1000.01", duty_rate=FIVE)], shipping=D("20.00")),
        "au:border",
        AT_BORDER,
        "50.00",  # 1000.01 x 0.05 = 50.0005 (customs value excludes delivery)
        "107.00",  # VoTI (1000.01 + 50.00 + 20.00) x 0.10 = 107.001
        id="au-1000.01-duty-and-gst-at-border",
    ),
    pytest.param(
        au([goods("990.00")], shipping=D("30.00")),
        "au:at_sale",
        AT_CHECKOUT,
        "0.00",
        "102.00",  # the test leaves delivery out: 990 <= 1000
        id="au-delivery-outside-the-test",
    ),
    pytest.param(
        au([goods("100.00")], on=date(2018, 7, 1)),
        "au:at_sale",
        AT_CHECKOUT,
        "0.00",
        "10.00",
        id="au-from-2018-07-01",
    ),
]


@pytest.mark.parametrize(("consignment", "rule", "collected", "duty", "tax"), CASES)
def test_us_au(consignment, rule, collected, duty, tax):
    q = quote(consignment)
    assert q.allowed, q.reason
    assert (q.rule, q.collected) == (rule, collected)
    assert (q.duty, q.tax) == (D(duty), D(tax))


REFUSED = [
    pytest.param(us([goods("100.00")]), "duty_rate", id="us-needs-duty-rate"),
    pytest.param(us([goods("10.00")], on=date(2016, 3, 9)), "No United States", id="us-2016"),
    pytest.param(us([goods("10.00")], ships_from="US"), "not an import", id="us-domestic"),
    pytest.param(
        us([Line("Wine", "220421", "FR", 1, D("10.00"), duty_rate=FIVE)]), "excise", id="us-wine"
    ),
    pytest.param(au([goods("1000.01")]), "duty_rate", id="au-needs-duty-rate"),
    pytest.param(au([goods("10.00")], on=date(2018, 6, 30)), "No Australia", id="au-2018"),
]


@pytest.mark.parametrize(("consignment", "words"), REFUSED)
def test_refused(consignment, words):
    q = quote(consignment)
    assert not q.allowed and words in q.reason


def test_us_has_no_tax_charges():
    q = quote(us([goods("100.00", duty_rate=FIVE)]))
    assert [(c.code, c.label, c.amount) for c in q.border_charges] == [
        ("duty", "Import duty (US)", D("5.00"))
    ]
    assert q.charges == ()
