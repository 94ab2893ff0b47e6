"""Canada: courier thresholds by where the parcel ships from (CUSMA), C$20 otherwise and
by post; GST/HST and provincial taxes by province, on value for duty + duty (section 5)."""

from datetime import date
from decimal import Decimal as D

import pytest

from tax.duties import AT_BORDER, AT_CHECKOUT, Charge, Consignment, Line, Settings, quote

NOW = date(2026, 11, 21)
EIGHT = D("0.08")
POST = Settings(postal=True)


def ca(dest, lines, ships_from="US", on=NOW, **kw):
    return Consignment(
        destination=dest, currency="CAD", lines=lines, on=on, ships_from=ships_from, **kw
    )


def goods(price, **kw):
    return Line("Goods", "330499", "FR", 1, D(price), **kw)


CASES = [
    # (consignment, options, rule, collected, duty, tax)
    pytest.param(
        ca("CA-ON", [goods("40.00", duty_rate=EIGHT)], shipping=D("15.00")),
        None,
        "ca:exempt",
        AT_CHECKOUT,
        "0.00",
        "0.00",
        id="from-us-exactly-40-free-shipping-outside",
    ),
    pytest.param(
        ca("CA-ON", [goods("40.01", duty_rate=EIGHT)]),
        None,
        "ca:border",
        AT_BORDER,
        "0.00",
        "5.20",  # taxes only: 40.01 x 0.13 = 5.2013
        id="from-us-40.01-taxes-only",
    ),
    pytest.param(
        ca("CA-ON", [goods("150.00", duty_rate=EIGHT)]),
        None,
        "ca:border",
        AT_BORDER,
        "0.00",
        "19.50",
        id="from-us-exactly-150-duty-free",
    ),
    pytest.param(
        ca("CA-ON", [goods("150.01", duty_rate=EIGHT)], shipping=D("20.00")),
        None,
        "ca:border",
        AT_BORDER,
        "12.00",  # 150.01 x 0.08 = 12.0008, shipping outside value for duty
        "21.06",  # (150.01 + 12.00) x 0.13 = 21.0613
        id="from-us-150.01-duty-and-taxes",
    ),
    pytest.param(
        ca("CA-ON", [goods("40.00", duty_rate=EIGHT)], ships_from="MX"),
        None,
        "ca:exempt",
        AT_CHECKOUT,
        "0.00",
        "0.00",
        id="from-mexico-40-free",
    ),
    pytest.param(
        ca("CA-ON", [goods("20.00", duty_rate=EIGHT)], ships_from="CN"),
        None,
        "ca:exempt",
        AT_CHECKOUT,
        "0.00",
        "0.00",
        id="from-china-exactly-20-free",
    ),
    pytest.param(
        ca("CA-ON", [goods("20.01", duty_rate=EIGHT)], ships_from="CN"),
        None,
        "ca:border",
        AT_BORDER,
        "1.60",  # 20.01 x 0.08 = 1.6008
        "2.81",  # (20.01 + 1.60) x 0.13 = 2.8093
        id="from-china-20.01-duty-and-taxes",
    ),
    pytest.param(
        ca("CA-ON", [goods("30.00", duty_rate=EIGHT)]),
        POST,
        "ca:border",
        AT_BORDER,
        "2.40",  # by post only C$20 is free, wherever it comes from
        "4.21",  # (30.00 + 2.40) x 0.13 = 4.212
        id="postal-from-us-over-20",
    ),
    pytest.param(
        ca("CA-QC", [goods("100.00", duty_rate=EIGHT)]),
        None,
        "ca:border",
        AT_BORDER,
        "0.00",
        "14.98",  # GST 5.00 + QST 100 x 0.09975 = 9.975 -> 9.98
        id="quebec-gst-and-qst",
    ),
    pytest.param(
        ca("CA-AB", [goods("100.00", duty_rate=EIGHT)]),
        None,
        "ca:border",
        AT_BORDER,
        "0.00",
        "5.00",
        id="alberta-gst-only",
    ),
    pytest.param(
        ca("CA-NS", [goods("100.00", duty_rate=EIGHT)], on=date(2025, 3, 31)),
        None,
        "ca:border",
        AT_BORDER,
        "0.00",
        "15.00",
        id="nova-scotia-2025-03-31-hst-15",
    ),
    pytest.param(
        ca("CA-NS", [goods("100.00", duty_rate=EIGHT)], on=date(2025, 4, 1)),
        None,
        "ca:border",
        AT_BORDER,
        "0.00",
        "14.00",
        id="nova-scotia-2025-04-01-hst-14",
    ),
    pytest.param(
        ca("CA", [goods("30.00")]),
        None,
        "ca:exempt",
        AT_CHECKOUT,
        "0.00",
        "0.00",
        id="no-province-needed-when-nothing-due",
    ),
    pytest.param(
        ca("CA-ON", [goods("20.00")], ships_from=""),
        None,
        "ca:exempt",
        AT_CHECKOUT,
        "0.00",
        "0.00",
        id="route-unknown-but-20-free-everywhere",
    ),
    pytest.param(
        ca("CA-ON", [goods("40.01")], on=date(2020, 7, 1)),
        None,
        "ca:border",
        AT_BORDER,
        "0.00",
        "5.20",
        id="from-2020-07-01",
    ),
]


@pytest.mark.parametrize(("consignment", "options", "rule", "collected", "duty", "tax"), CASES)
def test_canada(consignment, options, rule, collected, duty, tax):
    q = quote(consignment, options) if options else quote(consignment)
    assert q.allowed, q.reason
    assert (q.rule, q.collected) == (rule, collected)
    assert (q.duty, q.tax) == (D(duty), D(tax))


def test_british_columbia_charges():
    q = quote(ca("CA-BC", [goods("200.00", duty_rate=D("0.065"))], ships_from="CN"))
    # duty 13.00; GST (200 + 13) x 0.05 = 10.65; PST 213 x 0.07 = 14.91
    assert q.border_charges == (
        Charge("duty", "Import duty (Canada)", D("13.00")),
        Charge("gst", "GST (Canada)", D("10.65")),
        Charge("pst", "PST (British Columbia)", D("14.91")),
    )


REFUSED = [
    pytest.param(ca("CA", [goods("100.00")]), None, "province", id="taxes-need-the-province"),
    pytest.param(ca("CA-ON", [goods("30.00")], ships_from=""), None, "ships_from", id="no-route"),
    pytest.param(ca("CA-ON", [goods("150.01")]), None, "duty_rate", id="needs-duty-rate"),
    pytest.param(ca("CA-ON", [goods("10.00")], ships_from="CA"), None, "not an import", id="local"),
    pytest.param(ca("CA-ON", [goods("10.00")], on=date(2020, 6, 30)), None, "No Canada", id="2020"),
]


@pytest.mark.parametrize(("consignment", "options", "words"), REFUSED)
def test_refused(consignment, options, words):
    q = quote(consignment, options) if options else quote(consignment)
    assert not q.allowed and words in q.reason
