"""Worked cases that pin a duty quote's working (each Part's base, rate, amount and method)
and its refusals (rule, reason, code, params, the refused lines), where mutation testing
(scripts/mutation.sh tax-duties) found rules no test held.
"""

from datetime import date
from decimal import Decimal as D

import pytest

from tax.duties import Consignment, Line, quote
from tax.duties.model import Part
from tax.duties.rules import banded, cbec

ON = date(2026, 11, 21)


# --- China, cross-border e-commerce: a single item over the order limit pays in full ------


def test_cn_single_item_over_the_limit_full_rates_with_consumption_tax():
    # CNY 6,000 watch (over the CNY 5,000 order limit, one item): general trade rates.
    # duty = 6,000 x 10% = 600.00
    # consumption tax = (6,000 + 600) / (1 - 20%) x 20% = 8,250 x 20% = 1,650.00
    # import VAT = (6,000 + 600 + 1,650) x 13% = 8,250 x 13% = 1,072.50
    q = quote(
        Consignment(
            "CN",
            "CNY",
            (
                Line(
                    "Watch",
                    "910211",
                    "CH",
                    1,
                    D("6000"),
                    duty_rate=D("0.10"),
                    vat_rate=D("0.13"),
                    consumption_tax_rate=D("0.20"),
                ),
            ),
            on=ON,
        )
    )
    assert (q.allowed, q.rule, q.duty, q.tax) == (
        True,
        "cn:cbec_full_rates",
        D("600.00"),
        D("2722.50"),
    )
    (line,) = q.lines
    assert (line.rule, line.collected, line.duty, line.tax) == (
        "cn:cbec_full_rates",
        "at_checkout",
        D("600.00"),
        D("2722.50"),
    )
    assert line.parts == (
        Part("duty", D("6000.00"), D("0.10"), D("600.00"), cbec.DUTY_METHOD),
        Part("consumption_tax", D("8250"), D("0.20"), D("1650.00"), cbec.CT_METHOD),
        Part("import_vat", D("8250.00"), D("0.13"), D("1072.50"), cbec.VAT_METHOD),
    )


def test_cn_full_rates_without_consumption_tax():
    # duty = 6,000 x 15% = 900.00; VAT = (6,000 + 900) x 9% = 621.00; no consumption tax.
    q = quote(
        Consignment(
            "CN",
            "CNY",
            (Line("Tea", "090210", "JP", 1, D("6000"), duty_rate=D("0.15"), vat_rate=D("0.09")),),
            on=ON,
        )
    )
    assert q.lines[0].parts == (
        Part("duty", D("6000.00"), D("0.15"), D("900.00"), cbec.DUTY_METHOD),
        Part("import_vat", D("6900.00"), D("0.09"), D("621.00"), cbec.VAT_METHOD),
    )


def test_cn_full_rates_without_a_duty_rate_is_refused_and_says_which_line():
    q = quote(
        Consignment(
            "CN", "CNY", (Line("Watch", "910211", "CH", 1, D("6000"), vat_rate=D("0.13")),), on=ON
        )
    )
    assert (q.allowed, q.rule, q.collected) == (False, "cn:cbec_full_rates", "at_checkout")
    assert q.reason == (
        "China: line 1 (Watch, HS 910211) is over the order limit and pays duty in full; "
        "it needs its duty rate (duty_rate) from the tariff"
    )
    assert (q.reason_code, q.reason_params) == (
        "duty_rate_needed",
        {"destination": "CN", "line": 1, "description": "Watch", "hs_code": "910211"},
    )
    (line,) = q.lines
    assert (line.value, line.extras, line.duty, line.tax, line.parts) == (
        D("6000.00"),
        D("0.00"),
        D("0.00"),
        D("0.00"),
        (),
    )


# --- Japan: truncation at each step, national and local consumption tax ------------------


def test_jp_parts_show_each_truncated_base_and_rate():
    # V = 0.6 x 20,000 = 12,000 -> base 12,000; duty 12,000 x 10% = 1,200.
    # CT base = 12,000 + 1,200 = 13,200 -> 13,000; national 13,000 x 7.8% = 1,014 -> 1,000;
    # local = 1,000 x 22/78 = 282.05 -> 200.
    q = quote(
        Consignment(
            "JP", "JPY", (Line("Goods", "330499", "FR", 1, D("20000"), duty_rate=D("0.10")),), on=ON
        )
    )
    (line,) = q.lines
    assert (line.collected, line.duty, line.tax) == ("at_border", D("1200"), D("1200"))
    assert line.parts == (
        Part("duty", D("12000"), D("0.10"), D("1200"), banded.JP_DUTY_METHOD),
        Part("consumption_tax", D("13000"), D("0.0780"), D("1000"), banded.JP_NATIONAL_METHOD),
        Part(
            "local_consumption_tax",
            D("1000"),
            D(22) / D(78),
            D("200"),
            banded.JP_LOCAL_METHOD,
        ),
    )


def test_jp_line_duty_drops_fractions_under_one_yen_before_the_hundred():
    # V = 0.6 x 21,667 = 13,000.2 -> base 13,000; duty 13,000 x 9.23% = 1,199.9 -> 1,199
    # (under JPY 1 dropped, not rounded to 1,200) -> the consignment's 1,100 (under 100
    # dropped). Rounded instead, it would be 1,200.
    q = quote(
        Consignment(
            "JP",
            "JPY",
            (Line("Goods", "330499", "FR", 1, D("21667"), duty_rate=D("0.0923")),),
            on=ON,
        )
    )
    assert q.lines[0].parts[0] == Part(
        "duty", D("13000"), D("0.0923"), D("1100"), banded.JP_DUTY_METHOD
    )


def test_jp_line_without_a_duty_rate_refuses_the_whole_consignment():
    q = quote(
        Consignment(
            "JP",
            "JPY",
            (
                Line("Goods", "330499", "FR", 1, D("20000"), duty_rate=D("0.10")),
                Line("Shoes", "640399", "FR", 2, D("10000")),
            ),
            shipping=D("1000"),
            on=ON,
        )
    )
    assert (q.allowed, q.rule, q.collected, q.duty, q.tax) == (
        False,
        "jp:border",
        "at_checkout",
        D("0"),
        D("0"),
    )
    assert (
        q.reason
        == "Japan: line 2 (Shoes, HS 640399) needs its duty rate (duty_rate) from the tariff"
    )
    assert (q.reason_code, q.reason_params) == (
        "duty_rate_needed",
        {"destination": "JP", "line": 2, "description": "Shoes", "hs_code": "640399"},
    )
    # Every line is shown, refused: its value and share of shipping (1,000 split 20,000 :
    # 20,000), no charge, no working.
    assert [
        (x.description, x.hs_code, x.quantity, x.value, x.extras, x.rule, x.collected)
        for x in q.lines
    ] == [
        ("Goods", "330499", 1, D("20000"), D("500"), "jp:border", "at_checkout"),
        ("Shoes", "640399", 2, D("20000"), D("500"), "jp:border", "at_checkout"),
    ]
    assert {(x.duty, x.tax, x.parts) for x in q.lines} == {(D("0"), D("0"), ())}
    assert q.total == D("41000")


# --- no rules for the date ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("destination", "currency", "reason"),
    [
        (
            "CN",
            "CNY",
            "No China import rules on file for 2000-11-21; the tables cover "
            "2016-04-08 to 2019-01-01, 2019-01-01 to open",
        ),
        (
            "JP",
            "JPY",
            "No Japan import rules on file for 2000-11-21; the tables cover "
            "2019-10-01 to 2028-04-01",
        ),
    ],
)
def test_a_date_before_the_tables_is_refused_naming_what_they_cover(destination, currency, reason):
    q = quote(
        Consignment(
            destination,
            currency,
            (Line("Goods", "330499", "FR", 1, D("2000"), duty_rate=D("0.10")),),
            on=date(2000, 11, 21),
        )
    )
    assert (q.allowed, q.reason, q.rule) == (False, reason, f"{destination.lower()}:none")
    assert (q.reason_code, q.reason_params) == (
        "no_rules",
        {"destination": destination, "on": "2000-11-21"},
    )
    assert (q.valid_from, q.valid_to, q.source) == (None, None, "")


# --- the working's words, built from the destination's rules (cold cache) ----------------

DUTY_CIF = "duty = (goods + share of shipping and insurance) x duty rate; rounded half-up per line"
DUTY_FOB = "duty = (goods (shipping excluded)) x duty rate; rounded half-up per line"
TAX_CIF = (
    "import tax = ((goods + share of shipping and insurance) + duty) x rate; "
    "rounded half-up per line"
)
TAX_FOB = "import tax = ((goods (shipping excluded)) + duty) x rate; rounded half-up per line"
AT_SALE_CIF = (
    "tax at sale = (goods + share of shipping and insurance + duty) x rate; rounded half-up "
    "once per consignment and rate, shared over lines by cumulative rounding"
)
FLAT_EUR = "flat 3.00 per distinct tariff sub-heading in the consignment"


@pytest.fixture
def cold_methods():
    banded._METHODS.clear()
    yield
    banded._METHODS.clear()


def coat(destination, currency, price, duty_rate, shipping="10", settings=None):
    c = Consignment(
        destination,
        currency,
        (Line("Coat", "620111", "CN", 1, D(price), duty_rate=D(duty_rate)),),
        shipping=D(shipping),
        on=ON,
    )
    return quote(c) if settings is None else quote(c, settings)


@pytest.mark.parametrize(
    ("destination", "currency", "price", "duty_rate", "rule", "parts"),
    [
        # UK, GBP 100 + 10 shipping <= 135: VAT at sale on 110.00 x 20% = 22.00, no duty.
        (
            "GB",
            "GBP",
            "100",
            "0.12",
            "gb:at_sale",
            [("import_vat", "110.00", "22.00", AT_SALE_CIF)],
        ),
        # UK over 135: duty on CIF 210.00 x 12% = 25.20; VAT (210.00 + 25.20) x 20% = 47.04.
        (
            "GB",
            "GBP",
            "200",
            "0.12",
            "gb:border",
            [("duty", "210.00", "25.20", DUTY_CIF), ("import_vat", "235.20", "47.04", TAX_CIF)],
        ),
        # EU (IOSS) under 150: EUR 3 flat duty; VAT at sale (100 + 10 + 3) x 19% = 21.47.
        (
            "DE",
            "EUR",
            "100",
            "0.12",
            "eu:at_sale",
            [("duty", None, "3.00", FLAT_EUR), ("import_vat", "113.00", "21.47", AT_SALE_CIF)],
        ),
        # Australia over AUD 1,000: duty on FOB 2,000 x 5% = 100.00; GST on CIF + duty
        # (2,000 + 10 + 100) x 10% = 211.00.
        (
            "AU",
            "AUD",
            "2000",
            "0.05",
            "au:border",
            [("duty", "2000.00", "100.00", DUTY_FOB), ("gst", "2110.00", "211.00", TAX_CIF)],
        ),
        # Ontario: duty on FOB 300 x 18% = 54.00; HST (300 + 54) x 13% = 46.02, FOB too.
        (
            "CA-ON",
            "CAD",
            "300",
            "0.18",
            "ca:border",
            [("duty", "300.00", "54.00", DUTY_FOB), ("hst", "354.00", "46.02", TAX_FOB)],
        ),
    ],
)
def test_banded_working_names_its_base(
    cold_methods, destination, currency, price, duty_rate, rule, parts
):
    q = coat(destination, currency, price, duty_rate, shipping="0" if rule == "ca:border" else "10")
    assert (q.allowed, q.rule) == (True, rule)
    got = [
        (p.code, None if p.base is None else str(p.base), str(p.amount), p.method)
        for p in q.lines[0].parts
    ]
    assert got == parts


def test_eu_without_ioss_collects_the_vat_at_the_border(cold_methods):
    from tax.duties import Settings

    q = coat("DE", "EUR", "100", "0.12", settings=Settings(ioss=False))
    assert (q.rule, q.collected) == ("eu:border", "at_border")
    assert [(p.code, str(p.amount), p.method) for p in q.lines[0].parts] == [
        ("duty", "3.00", FLAT_EUR),
        ("import_vat", "21.47", TAX_CIF),
    ]


def test_canada_needs_the_province():
    q = coat("CA", "CAD", "300", "0.18")
    assert (q.allowed, q.rule, q.reason_code, q.reason_params) == (
        False,
        "ca:border",
        "province_needed",
        {"destination": "CA"},
    )


# --- a refused quote keeps the order's figures ---------------------------------------------


def test_a_refused_quote_shows_the_order_without_charges():
    q = quote(
        Consignment(
            "JP",
            "JPY",
            (Line("Shoes", "640399", "FR", 2, D("10000")),),
            shipping=D("1000"),
            insurance=D("200"),
            on=ON,
        )
    )
    assert q.allowed is False
    assert (q.destination, q.currency, q.on, q.collected) == ("JP", "JPY", ON, "at_checkout")
    # Goods 20,000 + shipping 1,000 + insurance 200 = 21,200; nothing charged.
    assert (q.goods, q.shipping, q.insurance, q.duty, q.tax, q.total) == (
        D("20000"),
        D("1000"),
        D("200"),
        D("0"),
        D("0"),
        D("21200"),
    )
    assert (q.charges, q.border_charges, q.threshold, q.threshold_value) == ((), (), None, None)
    # The rule period in force is still named.
    assert (q.valid_from, q.valid_to) == (date(2019, 10, 1), date(2028, 4, 1))
    assert q.source
    assert q.reason_params == {
        "destination": "JP",
        "line": 1,
        "description": "Shoes",
        "hs_code": "640399",
    }


# --- China CBEC refusals: code and params a caller translates ------------------------------


@pytest.mark.parametrize(
    ("line", "on", "rule", "code", "params"),
    [
        (
            Line("Coat", "620111", "FR", 1, D("100")),
            ON,
            "cn:cbec",
            "vat_rate_needed",
            {"line": 1, "description": "Coat", "hs_code": "620111"},
        ),
        # Two items worth CNY 6,000 together: over 5,000, only a single item may be.
        (
            Line("Coat", "620111", "FR", 2, D("3000"), vat_rate=D("0.13")),
            ON,
            "cn:cbec",
            "cn_single_item_only",
            {"value": "6000.00", "limit": "5000.00", "currency": "CNY", "items": 2},
        ),
        # 2016-2018: a CNY 2,000 order limit and no single-item route.
        (
            Line("Coat", "620111", "FR", 1, D("3000"), vat_rate=D("0.13")),
            date(2018, 5, 1),
            "cn:general_trade",
            "cn_general_trade_over_order_limit",
            {"value": "3000.00", "limit": "2000.00", "currency": "CNY"},
        ),
    ],
)
def test_cn_refusals_carry_code_and_params(line, on, rule, code, params):
    q = quote(Consignment("CN", "CNY", (line,), on=on))
    assert (q.allowed, q.rule, q.reason_code, q.reason_params) == (False, rule, code, params)


def test_cn_refusal_reasons_read_in_full():
    q = quote(Consignment("CN", "CNY", (Line("Coat", "620111", "FR", 1, D("100")),), on=ON))
    assert q.reason == (
        "China: line 1 (Coat, HS 620111) needs its VAT rate (vat_rate, 13% or 9%) from the tariff"
    )
    q = quote(
        Consignment(
            "CN", "CNY", (Line("Coat", "620111", "FR", 2, D("3000"), vat_rate=D("0.13")),), on=ON
        )
    )
    assert q.reason == (
        "China CBEC: an order over CNY 5,000.00 may only be a single item; "
        "this one is CNY 6,000.00 for 2 items. Split the order"
    )


def test_cn_cbec_within_limits_at_the_composite_rate_per_line():
    # Goods 1,000 + 1,000 (2 x 500), freight 100 shared 50 : 50. CBEC tax at 70% of the
    # full rates: P x (c + v) / (1 - c) x 70%.
    # Cream, CT 15%, VAT 13%: rate 0.28 x 0.7 / 0.85 = 0.230588...; 1,050 x it = 242.12.
    # Tea, no CT, VAT 9%: rate 0.09 x 0.7 = 0.063; 1,050 x 0.063 = 66.15.
    q = quote(
        Consignment(
            "CN",
            "CNY",
            (
                Line(
                    "Cream",
                    "330499",
                    "FR",
                    1,
                    D("1000"),
                    vat_rate=D("0.13"),
                    consumption_tax_rate=D("0.15"),
                ),
                Line("Tea", "090210", "JP", 2, D("500"), vat_rate=D("0.09")),
            ),
            shipping=D("100"),
            on=ON,
        )
    )
    assert (q.allowed, q.rule, q.duty, q.tax) == (True, "cn:cbec", D("0.00"), D("308.27"))
    assert (q.threshold, q.threshold_value) == (D("5000"), D("2100.00"))
    cream, tea = (line.parts for line in q.lines)
    assert cream == (
        Part(
            "cn_cbec_tax",
            D("1050.00"),
            # 0.28 x 0.7 / 0.85 at the engine's 40 digits.
            D("0.2305882352941176470588235294117647058824"),
            D("242.12"),
            cbec.CBEC_METHOD,
        ),
    )
    assert tea == (Part("cn_cbec_tax", D("1050.00"), D("0.063"), D("66.15"), cbec.CBEC_METHOD),)


@pytest.mark.parametrize(
    ("price", "quantity", "used", "on", "rule", "reason", "code", "params"),
    [
        (
            "1000",
            1,
            "25500",
            ON,
            "cn:general_trade",
            "China CBEC: the buyer's annual limit of CNY 26,000.00 would be exceeded "
            "(CNY 25,500.00 used + CNY 1,000.00 this order = CNY 26,500.00); beyond it goods "
            "go through general trade",
            "cn_annual_limit_exceeded",
            {
                "limit": "26000.00",
                "used": "25500.00",
                "value": "1000.00",
                "after": "26500.00",
                "currency": "CNY",
            },
        ),
        (
            "26000",
            1,
            "0",
            ON,
            "cn:general_trade",
            "China CBEC: a single item of CNY 26,000.00 is not below the CNY 26,000.00 limit "
            "for single items (49号 item 二) and is general trade, which checkout cannot clear",
            "cn_single_item_not_below_annual_limit",
            {"value": "26000.00", "limit": "26000.00", "currency": "CNY"},
        ),
        (
            "6000",
            1,
            "0",
            date(2018, 5, 1),
            "cn:general_trade",
            "China CBEC: this order's value of CNY 6,000.00 (goods, freight and insurance) is "
            "over the CNY 2,000.00 limit and would be taxed in full as general trade, which "
            "checkout cannot clear",
            "cn_general_trade_over_order_limit",
            {"value": "6000.00", "limit": "2000.00", "currency": "CNY"},
        ),
    ],
)
def test_cn_general_trade_refusals_in_full(price, quantity, used, on, rule, reason, code, params):
    line = Line("Cream", "330499", "FR", quantity, D(price), vat_rate=D("0.13"), duty_rate=D("0.1"))
    q = quote(Consignment("CN", "CNY", (line,), buyer_annual_used=D(used), on=on))
    assert (q.allowed, q.rule, q.reason, q.reason_code, q.reason_params) == (
        False,
        rule,
        reason,
        code,
        params,
    )


# --- every refusal: rule, code and params (what a caller translates) ---------------------


def one(destination, currency, hs="620111", price="100", ships_from="", settings=None, **line):
    c = Consignment(
        destination,
        currency,
        (Line("Coat", hs, "CN", 1, D(price), **line),),
        on=ON,
        ships_from=ships_from,
    )
    return quote(c) if settings is None else quote(c, settings)


@pytest.mark.parametrize(
    ("kwargs", "rule", "code", "params", "reason"),
    [
        (
            {"destination": "GB", "currency": "GBP", "ships_from": "GB"},
            "gb:not_import",
            "not_import",
            {"destination": "GB", "ships_from": "GB"},
            "Ships from GB, inside United Kingdom's customs territory: not an import; "
            "domestic rules apply",
        ),
        (
            {"destination": "GB", "currency": "GBP", "price": "300"},
            "gb:border",
            "duty_rate_needed",
            {"destination": "GB", "line": 1, "description": "Coat", "hs_code": "620111"},
            "United Kingdom: line 1 (Coat, HS 620111) needs its duty rate (duty_rate) from "
            "the tariff",
        ),
        (
            {"destination": "CA", "currency": "CAD"},
            "ca:route",
            "ships_from_needed",
            {"destination": "CA", "value": "100.00", "currency": "CAD"},
            "Canada: the thresholds for a value of 100.00 depend on where the parcel ships "
            "from; ships_from is needed",
        ),
        (
            {"destination": "GB", "currency": "GBP", "hs": "220830", "duty_rate": D("0")},
            "gb:excise",
            "excise_not_quoted",
            {"destination": "GB", "line": 1, "description": "Coat", "hs_code": "220830"},
            None,
        ),
    ],
)
def test_banded_refusals_carry_rule_code_and_params(kwargs, rule, code, params, reason):
    q = one(**kwargs)
    assert (q.allowed, q.rule, q.reason_code, q.reason_params) == (False, rule, code, params)
    if reason is not None:
        assert q.reason == reason
    else:
        assert q.reason.endswith("is not quoted by this engine")


def test_eu_flat_duty_counted_on_longer_codes_refuses_a_short_one():
    from tax.duties import Settings

    q = one("DE", "EUR", settings=Settings(eu_flat_duty_depth=8))
    assert (q.allowed, q.rule, q.reason_code) == (False, "eu:at_sale", "hs_code_too_short")
    assert q.reason_params == {
        "destination": "DE",
        "line": 1,
        "description": "Coat",
        "hs_code": "620111",
        "digits": 6,
        "depth": 8,
    }


def test_an_allowed_quote_names_its_destination_threshold_and_rule_period():
    # UK under GBP 135: the threshold tested is 135 against the consignment's 100.00.
    q = one("GB", "GBP", duty_rate=D("0.12"))
    assert (q.allowed, q.destination, q.currency) == (True, "GB", "GBP")
    assert (q.threshold, q.threshold_value) == (D("135"), D("100.00"))
    assert q.valid_from is not None and q.source
    assert [c.code for c in q.charges] == ["import_vat"]


@pytest.mark.parametrize(
    ("consignment", "bad_settings", "field", "message"),
    [
        ("GB", None, "consignment", "expected a Consignment"),
        (None, "ioss", "settings", "expected a tax.duties.Settings"),
    ],
)
def test_quote_refuses_what_is_not_a_consignment_or_settings(
    consignment, bad_settings, field, message
):
    from tax.errors import TaxInputError

    c = Consignment("GB", "GBP", (Line("Coat", "620111", "CN", 1, D("1")),), on=ON)
    with pytest.raises(TaxInputError) as err:
        quote(consignment or c, bad_settings) if bad_settings else quote(consignment)
    assert (err.value.field, err.value.message) == (field, message)
    assert err.value.value == (bad_settings if bad_settings else consignment)
