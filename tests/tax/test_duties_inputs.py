"""Bad input raises a TaxInputError subclass (a ValueError) naming the field and value."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from tax.duties import Consignment, Line, Settings, quote
from tax.errors import (
    EmptyConsignment,
    InvalidAmount,
    InvalidCountry,
    InvalidDate,
    InvalidHSCode,
    InvalidQuantity,
    InvalidRate,
    InvalidSetting,
    MixedCurrency,
    TaxInputError,
    UnknownDestination,
)

ON = date(2026, 11, 21)
GOOD_LINE = {
    "description": "Face cream",
    "hs_code": "330499",
    "origin": "JP",
    "quantity": 2,
    "unit_price": D("40.00"),
}


def line(**changes):
    return Line(**{**GOOD_LINE, **changes})


def gb(**changes):
    fields = {"destination": "GB", "currency": "GBP", "lines": [line()], "on": ON}
    return Consignment(**{**fields, **changes})


LINE_ERRORS = [
    # (changes, error class, field)
    ({"hs_code": "33049"}, InvalidHSCode, "hs_code"),
    ({"hs_code": "33049912345"}, InvalidHSCode, "hs_code"),
    ({"hs_code": 330499}, InvalidHSCode, "hs_code"),
    ({"hs_code": "3304.99"}, InvalidHSCode, "hs_code"),
    ({"hs_code": "33O499"}, InvalidHSCode, "hs_code"),
    ({"hs_code": "٣٣٠٤٩٩"}, InvalidHSCode, "hs_code"),  # digits, but not ASCII
    ({"origin": "ZZ"}, InvalidCountry, "origin"),
    ({"origin": "jp"}, InvalidCountry, "origin"),
    ({"origin": "JPN"}, InvalidCountry, "origin"),
    ({"origin": ""}, InvalidCountry, "origin"),
    ({"origin": "EU"}, InvalidCountry, "origin"),
    ({"quantity": 0}, InvalidQuantity, "quantity"),
    ({"quantity": -1}, InvalidQuantity, "quantity"),
    ({"quantity": 1.5}, InvalidQuantity, "quantity"),
    ({"quantity": True}, InvalidQuantity, "quantity"),
    ({"quantity": "2"}, InvalidQuantity, "quantity"),
    ({"unit_price": D("-0.01")}, InvalidAmount, "unit_price"),
    ({"unit_price": 40.0}, InvalidAmount, "unit_price"),
    ({"unit_price": 40}, InvalidAmount, "unit_price"),
    ({"unit_price": "40.00"}, InvalidAmount, "unit_price"),
    ({"unit_price": D("NaN")}, InvalidAmount, "unit_price"),
    ({"unit_price": D("Infinity")}, InvalidAmount, "unit_price"),
    ({"vat_rate": D("20")}, InvalidRate, "vat_rate"),
    ({"vat_rate": 0.2}, InvalidRate, "vat_rate"),
    ({"vat_rate": D("-0.01")}, InvalidRate, "vat_rate"),
    ({"consumption_tax_rate": D("1")}, InvalidRate, "consumption_tax_rate"),
    ({"duty_rate": D("25")}, InvalidRate, "duty_rate"),
    ({"description": ""}, TaxInputError, "description"),
    ({"description": None}, TaxInputError, "description"),
]


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [pytest.param(c, e, f, id=f"{f}={next(iter(c.values()))!r}") for c, e, f in LINE_ERRORS],
)
def test_bad_line(changes, error, field):
    with pytest.raises(error) as raised:
        line(**changes)
    assert raised.value.field == field
    assert repr(next(iter(changes.values()))) in str(raised.value)
    assert isinstance(raised.value, ValueError)


CONSIGNMENT_ERRORS = [
    ({"destination": "BR"}, UnknownDestination, "destination"),
    ({"destination": "CA-ZZ"}, UnknownDestination, "destination"),
    ({"destination": "XX"}, InvalidCountry, "destination"),
    ({"destination": "gb"}, InvalidCountry, "destination"),
    ({"destination": "UK"}, InvalidCountry, "destination"),
    ({"destination": None}, InvalidCountry, "destination"),
    ({"currency": "EUR"}, MixedCurrency, "currency"),
    ({"currency": "gbp"}, MixedCurrency, "currency"),
    ({"lines": []}, EmptyConsignment, "lines"),
    ({"lines": None}, EmptyConsignment, "lines"),
    ({"lines": ["Face cream"]}, EmptyConsignment, "lines[0]"),
    ({"lines": [line(unit_price=D("40.001"))]}, InvalidAmount, "lines[0].unit_price"),
    ({"lines": [line(), line(unit_price=D("0.005"))]}, InvalidAmount, "lines[1].unit_price"),
    ({"shipping": D("-1.00")}, InvalidAmount, "shipping"),
    ({"shipping": 3.5}, InvalidAmount, "shipping"),
    ({"shipping": D("3.505")}, InvalidAmount, "shipping"),
    ({"insurance": D("1E+50")}, InvalidAmount, "insurance"),
    ({"buyer_annual_used": D("-5.00")}, InvalidAmount, "buyer_annual_used"),
    ({"on": None}, InvalidDate, "on"),
    ({"on": "2026-11-21"}, InvalidDate, "on"),
    ({"on": datetime(2026, 11, 21, 12, 0)}, InvalidDate, "on"),
    ({"ships_from": "UK"}, InvalidCountry, "ships_from"),
    ({"ships_from": None}, InvalidCountry, "ships_from"),
]


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [pytest.param(c, e, f, id=f"{f}={next(iter(c.values()))!r}") for c, e, f in CONSIGNMENT_ERRORS],
)
def test_bad_consignment(changes, error, field):
    with pytest.raises(error) as raised:
        gb(**changes)
    assert raised.value.field == field
    assert isinstance(raised.value, ValueError)


def test_yen_amounts_are_whole():
    with pytest.raises(InvalidAmount) as raised:
        Consignment("JP", "JPY", [line(unit_price=D("100.5"))], on=ON)
    assert raised.value.field == "lines[0].unit_price"
    assert "JPY" in str(raised.value)


def test_trailing_zeros_are_not_extra_precision():
    q = quote(gb(lines=[line(unit_price=D("40.000"))], shipping=D("3.5")))
    assert (str(q.goods), str(q.shipping), str(q.tax)) == ("80.00", "3.50", "16.70")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        pytest.param({"eu_flat_duty_scope": "everyone"}, "eu_flat_duty_scope", id="scope"),
        pytest.param({"eu_flat_duty_depth": 5}, "eu_flat_duty_depth", id="depth-5"),
        pytest.param({"eu_flat_duty_depth": 11}, "eu_flat_duty_depth", id="depth-11"),
        pytest.param({"eu_flat_duty_depth": "6"}, "eu_flat_duty_depth", id="depth-str"),
        pytest.param({"ioss": 1}, "ioss", id="ioss-int"),
        pytest.param({"postal": "no"}, "postal", id="postal-str"),
    ],
)
def test_bad_settings(changes, field):
    with pytest.raises(InvalidSetting) as raised:
        Settings(**changes)
    assert raised.value.field == field


@pytest.mark.parametrize(
    ("args", "field"),
    [
        pytest.param(({"destination": "GB"},), "consignment", id="not-a-consignment"),
        pytest.param((None,), "consignment", id="none"),
    ],
)
def test_quote_needs_a_consignment(args, field):
    with pytest.raises(TaxInputError) as raised:
        quote(*args)
    assert raised.value.field == field


def test_quote_needs_settings():
    with pytest.raises(InvalidSetting):
        quote(gb(), {"ioss": False})


def test_lines_are_kept_as_a_tuple():
    assert gb().lines == (line(),)
