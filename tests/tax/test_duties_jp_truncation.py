"""Japan: duty and consumption tax are truncated, not rounded (issue #11).

Sources: Customs Answer 1111 (関税の計算: 課税価格 fractions under JPY 1,000 dropped, duty
fractions under JPY 100 dropped) and 6103 (輸入の消費税: national 7.8% and local 22/78 of
it, each fractions under JPY 100 dropped); 国税通則法 arts. 118(1) (課税標準: under 1,000
dropped) and 119(1) (確定金額: under 100 dropped); 関税法基本通達 13の4-2 (each item's
duty to the yen, then the declaration's total). Personal-use value V = 0.6 x (goods +
freight); V <= 10,000 is exempt (関税定率法 14条18号).

Per line: B = trunc_1000(V); d = trunc_1(B x duty rate); consignment duty D = trunc_100(sum d).
CT base = trunc_1000(V + the line's duty); n = trunc_1(base x 7.8%); national N =
trunc_100(sum n); local L = trunc_100(N x 22/78).
"""

from datetime import date
from decimal import Decimal as D

import pytest

from tax.duties import AT_BORDER, Charge, Consignment, Line, quote

ON = date(2026, 11, 21)


def jp(lines, shipping="0"):
    return Consignment("JP", "JPY", lines, shipping=D(shipping), on=ON)


def goods(price, duty="0", **kw):
    return Line("Goods", "330499", "FR", 1, D(price), duty_rate=D(duty), **kw)


CASES = [
    # (consignment, duty, national, local)
    # --- the JPY 1,000 base ---------------------------------------------------------
    # V = 0.6 x 20,000 = 12,000 exactly: B 12,000 x 10% = 1,200; CT 13,200 -> 13,000 x 7.8%
    # = 1,014 -> 1,000; local 1,000 x 22/78 = 282.05 -> 200
    pytest.param(jp([goods("20000", "0.10")]), "1200", "1000", "200", id="base-exactly-12000"),
    # V = 11,999.4 (one yen of goods less): B 11,000 x 10% = 1,100; CT 13,099.4 -> 13,000
    pytest.param(jp([goods("19999", "0.10")]), "1100", "1000", "200", id="base-under-12000"),
    # V = 12,001.2: B 12,000 (the 1.2 dropped) x 10% = 1,200
    pytest.param(jp([goods("20002", "0.10")]), "1200", "1000", "200", id="base-over-12000"),
    # --- the JPY 100 duty ---------------------------------------------------------------
    # B 12,000 x 8% = 960 -> 900; CT 12,900 -> 12,000 x 7.8% = 936 -> 900; local 253.8 -> 200
    pytest.param(jp([goods("20000", "0.08")]), "900", "900", "200", id="duty-960-to-900"),
    # B 11,000 x 10% = 1,100 exactly: kept. V 11,400 (P 19,000): CT 12,500 -> 12,000
    pytest.param(jp([goods("19000", "0.10")]), "1100", "900", "200", id="duty-exactly-1100"),
    # B 11,000 x 9.99% = 1,098.9 -> 1,098 -> 1,000; CT 11,400 + 1,000 -> 12,000
    pytest.param(jp([goods("19000", "0.0999")]), "1000", "900", "200", id="duty-1098-to-1000"),
    # B 1,000 x 5% = 50 -> 0: a duty under JPY 100 is dropped whole (art. 119(1)).
    # Footwear (never exempt): V = 0.6 x 1,999 = 1,199.4; CT 1,199.4 -> 1,000 x 7.8% = 78 -> 0
    pytest.param(
        jp([Line("Shoes", "640399", "FR", 1, D("1999"), duty_rate=D("0.05"))]),
        "0",
        "0",
        "0",
        id="duty-and-tax-under-100-dropped",
    ),
    # --- the JPY 100 national and local tax ---------------------------------------------
    # V = 0.6 x 83,334 = 50,000.4 -> 50,000 x 7.8% = 3,900 exactly; local 3,900 x 22/78
    # = 1,100 exactly: 10% in all
    pytest.param(jp([goods("83334")]), "0", "3900", "1100", id="national-exactly-3900"),
    # V = 49,999.8 (one yen of goods less) -> 49,000 x 7.8% = 3,822 -> 3,800; local
    # 3,800 x 22/78 = 1,071.79 -> 1,000
    pytest.param(jp([goods("83333")]), "0", "3800", "1000", id="national-one-yen-under"),
    # V = 100,000.2 -> 100,000 x 7.8% = 7,800; local 7,800 x 22/78 = 2,200
    pytest.param(jp([goods("166667")]), "0", "7800", "2200", id="local-exactly-22-78"),
    # Reduced 8% (food): national 6.24%: 50,000 x 6.24% = 3,120 -> 3,100; local 3,100 x
    # 22/78 = 874.36 -> 800
    pytest.param(jp([goods("83334", vat_rate=D("0.08"))]), "0", "3100", "800", id="reduced-8pct"),
    # --- the exemption edge -------------------------------------------------------------
    # V = 0.6 x 16,667 = 10,000.2 > 10,000: taxed: B 10,000; CT 10,000 x 7.8% = 780 -> 700;
    # local 700 x 22/78 = 197.4 -> 100
    pytest.param(jp([goods("16000")], shipping="667"), "0", "700", "100", id="one-yen-over-10000"),
    # --- the declaration's total is truncated, not each line ----------------------------
    # Two lines, V 5,500.2 each (consignment 11,000.4 > 10,000): B 5,000 x 11% = 550 each;
    # D = trunc_100(1,100) = 1,100 (lines 500 + 600); CT bases 5,500.2 + 500 -> 6,000 and
    # 5,500.2 + 600 -> 6,000: 468 + 468 = 936 -> 900; local 253.8 -> 200.
    # (Truncating each line would give duty 500 + 500.)
    pytest.param(
        jp([goods("9167", "0.11"), goods("9167", "0.11")]),
        "1100",
        "900",
        "200",
        id="two-lines-total-truncated",
    ),
]


@pytest.mark.parametrize(("consignment", "duty", "national", "local"), CASES)
def test_truncation(consignment, duty, national, local):
    q = quote(consignment)
    assert q.allowed, q.reason
    assert q.duty == D(duty)
    assert q.tax == D(national) + D(local)
    amounts = {c.code: c.amount for c in q.border_charges}
    assert amounts.get("duty", D(0)) == D(duty)
    assert amounts.get("consumption_tax", D(0)) == D(national)
    assert amounts.get("local_consumption_tax", D(0)) == D(local)
    # every figure a whole number of JPY 100
    assert all(c.amount % 100 == 0 for c in q.border_charges)
    assert sum(line.duty for line in q.lines) == q.duty
    assert sum(line.tax for line in q.lines) == q.tax


def test_national_and_local_are_two_charges_at_the_border():
    q = quote(jp([goods("30000", "0.05")], shipping="2000"))
    assert q.collected == AT_BORDER
    # V = 19,200 -> 19,000 x 5% = 950 -> 900; CT 20,100 -> 20,000 x 7.8% = 1,560 -> 1,500;
    # local 1,500 x 22/78 = 423.08 -> 400
    assert q.border_charges == (
        Charge("duty", "Import duty (Japan)", D("900")),
        Charge("consumption_tax", "Consumption tax (Japan)", D("1500")),
        Charge("local_consumption_tax", "Local consumption tax (Japan)", D("400")),
    )
    assert q.charges == ()
    assert q.total == D("32000") + D("900") + D("1900")


def test_just_under_10000_stays_exempt():
    # V = 10,000 exactly needs P = 16,666.67, not a yen amount; 0.6 x 16,666 = 9,999.6
    q = quote(jp([goods("16000")], shipping="666"))
    assert (q.duty, q.tax, q.border_charges) == (D("0"), D("0"), ())
