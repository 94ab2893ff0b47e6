"""Stable reason codes and params beside the English text (issue #11; tax.reasons)."""

import json
from datetime import date
from decimal import Decimal as D

import pytest

from tax import errors
from tax.duties import Consignment, Line, Settings, quote
from tax.duties.tables import TAX_RATES
from tax.reasons import FLAG, INPUT, REASONS, REFUSAL
from tax.withholding import Payment, withhold

ON = date(2026, 11, 21)


def line(price, hs="330499", **kw):
    return Line("Goods", hs, "FR", 1, D(price), **kw)


CN = {"destination": "CN", "currency": "CNY", "on": ON}

REFUSALS = [
    # (consignment, rules: Settings or None, code, params)
    pytest.param(
        Consignment("JP", "JPY", [line("100")], on=date(2019, 9, 30)),
        None,
        "no_rules",
        {"destination": "JP", "on": "2019-09-30"},
        id="no_rules",
    ),
    pytest.param(
        Consignment("HK", "HKD", [line("100.00")], on=ON, ships_from="HK"),
        None,
        "not_import",
        {"destination": "HK", "ships_from": "HK"},
        id="not_import",
    ),
    pytest.param(
        Consignment(lines=[line("100.00")], **CN),
        None,
        "vat_rate_needed",
        {"line": 1, "description": "Goods", "hs_code": "330499"},
        id="vat_rate_needed",
    ),
    pytest.param(
        Consignment("JP", "JPY", [line("20000")], on=ON),
        None,
        "duty_rate_needed",
        {"destination": "JP", "line": 1, "description": "Goods", "hs_code": "330499"},
        id="duty_rate_needed-jp",
    ),
    pytest.param(
        Consignment(lines=[line("5000.01", vat_rate=D("0.13"))], **CN),
        None,
        "duty_rate_needed",
        {"destination": "CN", "line": 1, "description": "Goods", "hs_code": "330499"},
        id="duty_rate_needed-cn-full-rates",
    ),
    pytest.param(
        Consignment("SG", "SGD", [line("100.00", hs="220300")], on=ON),
        None,
        "excise_not_quoted",
        {"destination": "SG", "line": 1, "description": "Goods", "hs_code": "220300"},
        id="excise_not_quoted",
    ),
    pytest.param(
        # C$30: exempt from the US (C$40), taxable from elsewhere (C$20): route matters
        Consignment("CA-ON", "CAD", [line("30.00", duty_rate=D("0"))], on=ON),
        None,
        "ships_from_needed",
        {"destination": "CA-ON", "value": "30.00", "currency": "CAD"},
        id="ships_from_needed",
    ),
    pytest.param(
        Consignment("DE", "EUR", [line("100.00")], on=ON),
        Settings(eu_flat_duty_depth=8),
        "hs_code_too_short",
        {
            "destination": "DE",
            "line": 1,
            "description": "Goods",
            "hs_code": "330499",
            "digits": 6,
            "depth": 8,
        },
        id="hs_code_too_short",
    ),
    pytest.param(
        Consignment("CA", "CAD", [line("100.00", duty_rate=D("0"))], on=ON, ships_from="CN"),
        None,
        "province_needed",
        {"destination": "CA"},
        id="province_needed",
    ),
    pytest.param(
        Consignment(lines=[line("2000.01", vat_rate=D("0.16"))], **{**CN, "on": date(2018, 6, 1)}),
        None,
        "cn_general_trade_over_order_limit",
        {"value": "2000.01", "limit": "2000.00", "currency": "CNY"},
        id="cn_general_trade_over_order_limit",
    ),
    pytest.param(
        Consignment(lines=[line("2500.00", vat_rate=D("0.13")), line("2500.01")], **CN),
        None,
        "vat_rate_needed",
        {"line": 2, "description": "Goods", "hs_code": "330499"},
        id="vat_rate_needed-second-line",
    ),
    pytest.param(
        Consignment(
            lines=[line("2500.00", vat_rate=D("0.13")), line("2500.01", vat_rate=D("0.13"))], **CN
        ),
        None,
        "cn_single_item_only",
        {"value": "5000.01", "limit": "5000.00", "items": 2, "currency": "CNY"},
        id="cn_single_item_only",
    ),
    pytest.param(
        Consignment(lines=[line("26000.00", vat_rate=D("0.13"), duty_rate=D("0"))], **CN),
        None,
        "cn_single_item_not_below_annual_limit",
        {"value": "26000.00", "limit": "26000.00", "currency": "CNY"},
        id="cn_single_item_not_below_annual_limit",
    ),
    pytest.param(
        Consignment(
            lines=[line("5000.00", vat_rate=D("0.13"))], buyer_annual_used=D("21000.01"), **CN
        ),
        None,
        "cn_annual_limit_exceeded",
        {
            "limit": "26000.00",
            "used": "21000.01",
            "value": "5000.00",
            "after": "26000.01",
            "currency": "CNY",
        },
        id="cn_annual_limit_exceeded",
    ),
]


@pytest.mark.parametrize(("consignment", "rules", "code", "params"), REFUSALS)
def test_refusal_code_and_params(consignment, rules, code, params):
    q = quote(consignment, rules) if rules else quote(consignment)
    assert not q.allowed and q.reason  # the English text stays
    assert (q.reason_code, q.reason_params) == (code, params)
    assert REASONS[code].kind == REFUSAL
    assert set(params) == set(REASONS[code].params)
    data = q.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["reason_code"] == code


def test_no_tax_rates(monkeypatch):
    # No destination's tables leave this gap today; the refusal still has its code.
    monkeypatch.setitem(TAX_RATES, "GB", ())
    q = quote(Consignment("GB", "GBP", [line("100.00")], on=ON))
    assert (q.reason_code, q.reason_params) == (
        "no_tax_rates",
        {"destination": "GB", "on": "2026-11-21"},
    )


def test_every_refusal_code_is_exercised():
    seen = {p.values[2] for p in REFUSALS} | {"no_tax_rates"}
    assert seen == {code for code, r in REASONS.items() if r.kind == REFUSAL}


def test_allowed_quote_has_no_code():
    q = quote(Consignment("GB", "GBP", [line("10.00")], on=ON))
    assert q.allowed and (q.reason_code, q.reason_params) == ("", {})


def _flags_of_every_regime():
    p = Payment
    runs = [
        ("cn-resident-wages", [p("2026-01", D("100000")), p("2026-02", D("0"))], {}),
        ("cn-resident-wages", [p("2026-03", D("10000"))], {"first_job_of_year": True}),
        ("cn-resident-wages", [p("2026-01", D("10000"))], {"full_year_deduction": True}),
        ("cn-resident-labour", [p("2026-01", D("1000")), p("2026-01", D("1000"))], {}),
        (
            "cn-platform-labour",
            [p("2026-01", D("10000")), p("2026-02", D("0")), p("2026-03", D("10000"))],
            {},
        ),
        ("hk", [p("2025-04", D("300000"))], {}),
        ("us", [p("2026-01", D("1")), p("2026-02", D("2000"))], {"has_taxpayer_id": False}),
        ("us", [p("2026-01", D("1"))], {"has_taxpayer_id": False, "prior_year_reported": True}),
    ]
    flags = set()
    for regime, payments, elections in runs:
        for r in withhold(regime, payments, **elections):
            flags.update(r.flags)
    return flags


def test_every_withholding_flag_is_registered_and_reached():
    flags = _flags_of_every_regime()
    registered = {code for code, r in REASONS.items() if r.kind == FLAG}
    assert flags <= registered
    assert flags == registered


def test_every_input_error_has_a_registered_code():
    classes = [errors.TaxInputError] + [
        c
        for c in vars(errors).values()
        if isinstance(c, type) and issubclass(c, errors.TaxInputError)
    ]
    codes = {c.code for c in classes}
    assert len(codes) == len(set(classes))  # one code per class
    assert codes == {code for code, r in REASONS.items() if r.kind == INPUT}


def test_input_error_params():
    with pytest.raises(errors.InvalidPeriod) as raised:
        withhold("us", [Payment("2027-01", D("100"))])
    assert raised.value.code == "input.invalid_period"
    assert raised.value.params == {"field": "payments[0].period", "value": "2027-01"}
