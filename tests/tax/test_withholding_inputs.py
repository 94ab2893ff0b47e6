"""Bad input: each raises a TaxInputError subclass (a ValueError) naming field and value."""

from decimal import Decimal as D

import pytest

from tax.errors import (
    InvalidAmount,
    InvalidElection,
    InvalidPeriod,
    TaxInputError,
    UnknownElection,
    UnknownRegime,
)
from tax.withholding import Payment, withhold


def test_errors_are_value_errors():
    assert issubclass(TaxInputError, ValueError)
    for cls in (InvalidAmount, InvalidElection, InvalidPeriod, UnknownElection, UnknownRegime):
        assert issubclass(cls, TaxInputError)


@pytest.mark.parametrize(
    "regime",
    [
        pytest.param("cn-wages", id="unknown-code"),
        pytest.param("CN-RESIDENT-WAGES", id="wrong-case"),
        pytest.param("", id="empty"),
        pytest.param(None, id="none"),
    ],
)
def test_unknown_regime(regime):
    with pytest.raises(UnknownRegime) as err:
        withhold(regime, [Payment("2026-01", D("1"))])
    assert (err.value.field, err.value.value) == ("regime", regime)


@pytest.mark.parametrize(
    "period",
    [
        pytest.param("2026-1", id="one-digit-month"),
        pytest.param("2026/01", id="slash"),
        pytest.param("2026-13", id="month-13"),
        pytest.param("2026-00", id="month-00"),
        pytest.param("26-01", id="short-year"),
        pytest.param("2026-01-01", id="a-date"),
        pytest.param("0000-01", id="year-0"),
        pytest.param("", id="empty"),
        pytest.param(" 2026-01", id="space"),
        pytest.param(202601, id="int"),
        pytest.param(None, id="none"),
    ],
)
def test_malformed_period(period):
    with pytest.raises(InvalidPeriod) as err:
        withhold("cn-resident-labour", [Payment(period, D("2000"))])
    assert (err.value.field, err.value.value) == ("payments[0].period", period)


@pytest.mark.parametrize(
    ("regime", "periods"),
    [
        pytest.param("cn-resident-wages", ("2026-02", "2026-01"), id="out-of-order"),
        pytest.param("cn-resident-labour", ("2026-05", "2026-06", "2026-04"), id="goes-back"),
        pytest.param("cn-resident-wages", ("2025-12", "2026-01"), id="two-tax-years"),
        pytest.param("us", ("2025-12", "2026-01"), id="us-two-calendar-years"),
        pytest.param("hk", ("2026-03", "2026-04"), id="hk-two-years-of-assessment"),
    ],
)
def test_periods_out_of_order_or_spanning_years(regime, periods):
    payments = [Payment(p, D("1000")) for p in periods]
    with pytest.raises(InvalidPeriod) as err:
        withhold(regime, payments)
    assert err.value.field == f"payments[{len(periods) - 1}].period"
    assert err.value.value == periods[-1]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param("gross", D("-1"), id="negative-gross"),
        pytest.param("gross", D("-0.01"), id="negative-cent"),
        pytest.param("gross", 2000, id="int"),
        pytest.param("gross", "2000", id="string"),
        pytest.param("gross", None, id="none"),
        pytest.param("gross", 2000.0, id="float"),
        pytest.param("gross", D("2000.001"), id="three-places"),
        pytest.param("gross", D("0.005"), id="half-cent"),
        pytest.param("gross", D("NaN"), id="nan"),
        pytest.param("gross", D("sNaN"), id="snan"),
        pytest.param("gross", D("Infinity"), id="infinity"),
        pytest.param("gross", D("1E+15"), id="too-large"),
        pytest.param("deductions", D("-5"), id="negative-deductions"),
        pytest.param("deductions", 0.0, id="float-deductions"),
        pytest.param("deductions", D("1.234"), id="three-places-deductions"),
        pytest.param("exempt", D("-5"), id="negative-exempt"),
        pytest.param("exempt", 0, id="int-exempt"),
        pytest.param("exempt", D("30000.01"), id="exempt-over-gross"),
    ],
)
def test_bad_amounts(field, value):
    values = {"gross": D("30000"), "exempt": D("0"), "deductions": D("0"), field: value}
    payment = Payment("2026-01", **values)
    with pytest.raises(InvalidAmount) as err:
        withhold("cn-resident-wages", [Payment("2026-01", D("1")), payment])
    assert err.value.field == f"payments[1].{field}"
    assert err.value.value is value


def test_trailing_zero_places_are_accepted():
    # 2,000.000 is 2,000.00: the value has 2 places.
    (r,) = withhold("cn-resident-labour", [Payment("2026-01", D("2000.000"))])
    assert r.tax == D("240.00")


@pytest.mark.parametrize(
    ("regime", "field", "value"),
    [
        pytest.param("cn-resident-labour", "deductions", D("100"), id="labour-deductions"),
        pytest.param("cn-nonresident-labour", "deductions", D("100"), id="nr-labour-deductions"),
        pytest.param("cn-nonresident-wages", "deductions", D("100"), id="nr-wages-deductions"),
        pytest.param("us", "exempt", D("1"), id="us-exempt"),
        pytest.param("hk", "deductions", D("1"), id="hk-deductions"),
    ],
)
def test_amounts_the_regime_does_not_take(regime, field, value):
    payment = Payment("2026-05", D("5000"), **{field: value})
    with pytest.raises(InvalidAmount) as err:
        withhold(regime, [payment])
    assert (err.value.field, err.value.value) == (f"payments[0].{field}", value)


@pytest.mark.parametrize(
    ("regime", "elections", "error", "field"),
    [
        pytest.param(
            "cn-resident-wages", {"first_job": True}, UnknownElection, "first_job", id="unknown"
        ),
        pytest.param("us", {"tin": "123"}, UnknownElection, "tin", id="unknown-us"),
        pytest.param(
            "cn-resident-wages",
            {"first_job_of_year": "yes"},
            InvalidElection,
            "first_job_of_year",
            id="not-a-bool",
        ),
        pytest.param(
            "cn-resident-wages",
            {"has_taxpayer_id": False},
            InvalidElection,
            "has_taxpayer_id",
            id="us-election-on-wages",
        ),
        pytest.param(
            "cn-resident-labour",
            {"first_job_of_year": True},
            InvalidElection,
            "first_job_of_year",
            id="wages-election-on-labour",
        ),
        pytest.param(
            "us",
            {"full_year_deduction": True},
            InvalidElection,
            "full_year_deduction",
            id="cn-election-on-us",
        ),
        pytest.param(
            "cn-platform-labour",
            {"platform_months": "weekly"},
            InvalidElection,
            "platform_months",
            id="platform-months-value",
        ),
        pytest.param(
            "cn-resident-wages",
            {"first_job_of_year": True, "full_year_deduction": True},
            InvalidElection,
            "first_job_of_year",
            id="both-deduction-elections",
        ),
    ],
)
def test_bad_elections(regime, elections, error, field):
    with pytest.raises(error) as err:
        withhold(regime, [Payment("2026-01", D("1000"))], **elections)
    assert err.value.field == field


def test_default_valued_elections_are_accepted_anywhere():
    (r,) = withhold(
        "cn-resident-labour",
        [Payment("2026-01", D("2000"))],
        has_taxpayer_id=True,
        first_job_of_year=False,
    )
    assert r.tax == D("240.00")


@pytest.mark.parametrize(
    ("payments", "field"),
    [
        pytest.param(Payment("2026-01", D("1")), "payments", id="one-payment-not-a-list"),
        pytest.param("2026-01", "payments", id="string"),
        pytest.param(None, "payments", id="none"),
        pytest.param([{"period": "2026-01", "gross": D("1")}], "payments[0]", id="dict"),
        pytest.param([Payment("2026-01", D("1"), project=7)], "payments[0].project", id="project"),
    ],
)
def test_bad_payment_containers(payments, field):
    with pytest.raises(TaxInputError) as err:
        withhold("cn-resident-labour", payments)
    assert err.value.field == field


def test_error_message_names_field_and_value():
    with pytest.raises(ValueError, match=r"payments\[0\]\.gross=2000\.0: floats are not accepted"):
        withhold("cn-resident-labour", [Payment("2026-01", 2000.0)])
