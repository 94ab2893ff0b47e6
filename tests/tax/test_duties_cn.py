"""China cross-border retail imports: limits, single item over the limit, rates, dates.

P = goods + freight + insurance. Within limits: tax = P x (c + v) / (1 - c) x 0.7, duty 0.
Single item over CNY 5,000: duty = P x d; CT = (P + duty) / (1 - c) x c;
VAT = (P + duty + CT) x v, each rounded half-up to the fen.
"""

from datetime import date
from decimal import Decimal as D

import pytest

from tax.duties import AT_CHECKOUT, Consignment, Line, quote

ON = date(2026, 7, 15)
V13 = D("0.13")


def cn(lines, on=ON, **kw):
    return Consignment(destination="CN", currency="CNY", lines=lines, on=on, **kw)


def goods(price, qty=1, **kw):
    kw.setdefault("vat_rate", V13)
    return Line("Goods", "330499", "FR", qty, D(price), **kw)


ALLOWED = [
    # (consignment, rule, duty, tax)
    pytest.param(
        cn([goods("2500.00", 2)]), "cn:cbec", "0.00", "455.00", id="order-exactly-5000-two-items"
    ),
    pytest.param(
        cn([goods("4990.00")], shipping=D("10.00")),
        "cn:cbec",
        "0.00",
        "455.00",  # P = 5000.00 with freight: 5000 x 0.091
        id="order-5000-with-freight",
    ),
    pytest.param(
        cn([goods("4990.00")], shipping=D("5.00"), insurance=D("5.00")),
        "cn:cbec",
        "0.00",
        "455.00",
        id="order-5000-with-freight-and-insurance",
    ),
    pytest.param(
        cn([goods("5000.00")], buyer_annual_used=D("21000.00")),
        "cn:cbec",
        "0.00",
        "455.00",
        id="annual-exactly-26000",
    ),
    pytest.param(
        # High-end cosmetics: 1000 x (0.15 + 0.13) / 0.85 x 0.7 = 230.588... -> 230.59
        cn([goods("1000.00", consumption_tax_rate=D("0.15"))]),
        "cn:cbec",
        "0.00",
        "230.59",
        id="cosmetics-ct-15pct-23.06pct",
    ),
    pytest.param(
        cn([goods("200.00", vat_rate=D("0.09"))]),
        "cn:cbec",
        "0.00",
        "12.60",  # 200 x 0.09 x 0.7
        id="vat-9pct-6.3pct",
    ),
    pytest.param(
        # Freight 40 shared by value: 30.00 and 10.00. 330 x 0.091 = 30.03; 110 x 0.063 = 6.93
        cn([goods("300.00"), goods("100.00", vat_rate=D("0.09"))], shipping=D("40.00")),
        "cn:cbec",
        "0.00",
        "36.96",
        id="freight-shared-pro-rata-per-line",
    ),
    pytest.param(
        # Single item over 5,000: P = 5000.01; duty 250.0005 -> 250.00;
        # VAT (5000.01 + 250.00) x 0.13 = 682.5013 -> 682.50
        cn([goods("5000.01", duty_rate=D("0.05"))]),
        "cn:cbec_full_rates",
        "250.00",
        "682.50",
        id="single-item-0.01-over-5000-full-rates",
    ),
    pytest.param(
        # P 6000; duty 300.00; CT 6300 / 0.85 x 0.15 = 1111.7647 -> 1111.76;
        # VAT (6000 + 300 + 1111.76) x 0.13 = 963.5288 -> 963.53; tax 2075.29
        cn([goods("6000.00", consumption_tax_rate=D("0.15"), duty_rate=D("0.05"))]),
        "cn:cbec_full_rates",
        "300.00",
        "2075.29",
        id="single-item-over-with-ct",
    ),
    # The single-item route ends BELOW 26,000 (49号 item 二 "低于26000元"): 25,999.99 is the
    # last value allowed. Duty 0; VAT 25,999.99 x 0.13 = 3379.9987 -> 3380.00
    pytest.param(
        cn([goods("25999.99", duty_rate=D("0"))]),
        "cn:cbec_full_rates",
        "0.00",
        "3380.00",
        id="single-item-one-fen-below-26000",
    ),
    pytest.param(
        cn([goods("3000.00")], ships_from="CN"),
        "cn:cbec",
        "0.00",
        "273.00",
        id="bonded-warehouse-in-china-still-cbec",
    ),
]


@pytest.mark.parametrize(("consignment", "rule", "duty", "tax"), ALLOWED)
def test_allowed(consignment, rule, duty, tax):
    q = quote(consignment)
    assert q.allowed, q.reason
    assert q.rule == rule
    assert (q.duty, q.tax) == (D(duty), D(tax))
    assert q.total == q.goods + q.shipping + q.insurance + D(duty) + D(tax)
    assert q.collected == AT_CHECKOUT


REFUSED = [
    # (consignment, rule, words in the reason)
    pytest.param(
        cn([goods("2500.00"), goods("2500.01")]), "cn:cbec", "single item", id="5000.01-two-lines"
    ),
    pytest.param(cn([goods("2500.01", 2)]), "cn:cbec", "2 items", id="5000.02-one-line-two-units"),
    pytest.param(
        cn([goods("2495.00", 2)], shipping=D("10.01")),
        "cn:cbec",
        "single item",
        id="freight-takes-two-items-over-5000",
    ),
    pytest.param(
        cn([goods("5000.00")], buyer_annual_used=D("21000.01")),
        "cn:general_trade",
        "annual limit of CNY 26,000.00",
        id="annual-0.01-over-26000",
    ),
    # Was allowed (cn:cbec_full_rates, tax 3,380.00): wrong. 财关税〔2018〕49号 item 二
    # allows a single item only "超过5000元...但低于26000元": exactly 26,000.00 is not below
    # 26,000, so it is general trade (issue #11).
    pytest.param(
        cn([goods("26000.00", duty_rate=D("0"))]),
        "cn:general_trade",
        "not below the CNY 26,000.00 limit",
        id="single-item-exactly-26000-general-trade",
    ),
    pytest.param(
        cn([goods("26000.01", duty_rate=D("0"))]),
        "cn:general_trade",
        "not below the CNY 26,000.00 limit",
        id="single-item-one-fen-over-26000",
    ),
    # freight brings the taxable value P to exactly 26,000.00: 25,990 + 10
    pytest.param(
        cn([goods("25990.00", duty_rate=D("0"))], shipping=D("10.00")),
        "cn:general_trade",
        "not below",
        id="single-item-26000-with-freight",
    ),
    pytest.param(
        cn([goods("5000.01")]), "cn:cbec_full_rates", "duty_rate", id="single-item-needs-duty-rate"
    ),
    pytest.param(
        cn([Line("Goods", "330499", "FR", 1, D("100.00"))]),
        "cn:cbec",
        "vat_rate",
        id="vat-rate-must-come-from-the-tariff",
    ),
]


@pytest.mark.parametrize(("consignment", "rule", "words"), REFUSED)
def test_refused(consignment, rule, words):
    q = quote(consignment)
    assert not q.allowed
    assert q.rule == rule
    assert words in q.reason
    assert (q.duty, q.tax, q.charges) == (D("0.00"), D("0.00"), ())


def test_single_item_over_limit_charges_are_named():
    q = quote(cn([goods("6000.00", consumption_tax_rate=D("0.15"), duty_rate=D("0.05"))]))
    assert [(c.code, c.amount) for c in q.charges] == [
        ("duty", D("300.00")),
        ("consumption_tax", D("1111.76")),
        ("import_vat", D("963.53")),
    ]
    assert q.charges[0].label == "Import duty (China)"


# 2016-18 rules (18号): CNY 2,000 per order, 20,000 a year; over either, general trade.
EARLY = date(2018, 6, 1)

DATED = [
    pytest.param(
        cn([goods("2000.00", vat_rate=D("0.16"))], on=EARLY),
        True,
        "224.00",  # 2000 x 0.16 x 0.7
        id="2018-exactly-2000",
    ),
    pytest.param(cn([goods("2000.01")], on=EARLY), False, "", id="2018-single-item-over-refused"),
    pytest.param(
        cn([goods("2000.00")], on=EARLY, buyer_annual_used=D("18000.01")),
        False,
        "",
        id="2018-annual-20000-exceeded",
    ),
    pytest.param(cn([goods("3000.00")], on=date(2018, 12, 31)), False, "", id="2018-12-31-old"),
    pytest.param(
        cn([goods("3000.00")], on=date(2019, 1, 1)), True, "273.00", id="2019-01-01-new-limits"
    ),
    pytest.param(cn([goods("100.00")], on=date(2016, 4, 7)), False, "", id="before-2016-04-08"),
    pytest.param(cn([goods("100.00")], on=date(2016, 4, 8)), True, "9.10", id="from-2016-04-08"),
]


@pytest.mark.parametrize(("consignment", "allowed", "tax"), DATED)
def test_dated_rules(consignment, allowed, tax):
    q = quote(consignment)
    assert q.allowed is allowed
    if allowed:
        assert q.tax == D(tax)
    else:
        assert q.reason


# --- 49号 item 二: the single-item route is "over 5,000 but below 26,000" (issue #11) ---
# 财关税〔2018〕49号 item 二: "完税价格超过5000元单次交易限值但低于26000元年度交易限值，且订单下
# 仅一件商品时，可以自跨境电商零售渠道进口，按照货物税率全额征收关税和进口环节增值税、消费税，
# 交易额计入年度交易总额". P = goods + freight + insurance; duty rate 0 and VAT 13% below.
SINGLE_ITEM = [
    # (consignment, rule or None if refused, reason code, tax)
    # P = 5,000.00, two items: within the order limit, 70% route: 5,000 x 0.091 = 455.00
    pytest.param(cn([goods("2500.00", 2)]), "cn:cbec", "", "455.00", id="5000.00-cbec"),
    # P = 5,000.01, one item: full rates, 5,000.01 x 0.13 = 650.0013 -> 650.00
    pytest.param(
        cn([goods("5000.01", duty_rate=D("0"))]),
        "cn:cbec_full_rates",
        "",
        "650.00",
        id="5000.01-single-full-rates",
    ),
    # P = 25,999.99: below 26,000: 25,999.99 x 0.13 = 3,379.9987 -> 3,380.00
    pytest.param(
        cn([goods("25999.99", duty_rate=D("0"))]),
        "cn:cbec_full_rates",
        "",
        "3380.00",
        id="25999.99-single-full-rates",
    ),
    # P = 26,000.00: not below 26,000: general trade
    pytest.param(
        cn([goods("26000.00", duty_rate=D("0"))]),
        None,
        "cn_single_item_not_below_annual_limit",
        "0.00",
        id="26000.00-general-trade",
    ),
    # P = 26,000.01: general trade (same reason: the single-item test comes first)
    pytest.param(
        cn([goods("26000.01", duty_rate=D("0"))]),
        None,
        "cn_single_item_not_below_annual_limit",
        "0.00",
        id="26000.01-general-trade",
    ),
    # P = 25,999.99 + 0.01 insurance = 26,000.00: general trade
    pytest.param(
        cn([goods("25999.99", duty_rate=D("0"))], insurance=D("0.01")),
        None,
        "cn_single_item_not_below_annual_limit",
        "0.00",
        id="insurance-brings-26000.00",
    ),
    # Annual total: 0.01 used + 25,999.99 = 26,000.00, not over 26,000: allowed
    pytest.param(
        cn([goods("25999.99", duty_rate=D("0"))], buyer_annual_used=D("0.01")),
        "cn:cbec_full_rates",
        "",
        "3380.00",
        id="annual-exactly-26000-with-single-item",
    ),
    # 0.02 used + 25,999.99 = 26,000.01 > 26,000: over the annual limit
    pytest.param(
        cn([goods("25999.99", duty_rate=D("0"))], buyer_annual_used=D("0.02")),
        None,
        "cn_annual_limit_exceeded",
        "0.00",
        id="annual-26000.01-with-single-item",
    ),
]


@pytest.mark.parametrize(("consignment", "rule", "code", "tax"), SINGLE_ITEM)
def test_single_item_route_ends_below_26000(consignment, rule, code, tax):
    q = quote(consignment)
    assert q.allowed is (rule is not None)
    assert q.reason_code == code
    assert q.tax == D(tax)
    if rule:
        assert q.rule == rule
    else:
        assert q.rule == "cn:general_trade"
