"""Rule cases: dates, carry-forward, aggregation, elections, platform months, HK, US.

Expected figures are worked by hand from the reference; the working is in the comments.
"""

import decimal
import json
from decimal import Decimal as D

import pytest

from tax.errors import InvalidElection, InvalidPeriod
from tax.withholding import Payment, withhold


def taxes(regime, rows, **elections):
    """rows: (period, gross[, deductions[, exempt[, project]]])"""
    payments = []
    for row in rows:
        period, gross, *rest = row
        deductions = D(rest[0]) if len(rest) > 0 else D("0")
        exempt = D(rest[1]) if len(rest) > 1 else D("0")
        project = rest[2] if len(rest) > 2 else ""
        payments.append(Payment(period, D(gross), exempt, deductions, project))
    return [r.tax for r in withhold(regime, payments, **elections)]


def decimals(*values):
    return [D(v) for v in values]


# --- each rule's date boundaries -------------------------------------------------------


@pytest.mark.parametrize(
    ("regime", "period", "gross", "expected"),
    [
        pytest.param("cn-resident-wages", "2019-01", "10000", "150.00", id="wages-2019-01"),
        pytest.param("cn-resident-labour", "2019-01", "2000", "240.00", id="labour-2019-01"),
        pytest.param("cn-nonresident-wages", "2019-01", "9000", "190.00", id="nr-wages-2019-01"),
        pytest.param("cn-nonresident-labour", "2019-01", "8000", "430.00", id="nr-labour-2019-01"),
        # 10,000 - 2,000 expense - 5,000 = 3,000 x 3% = 90
        pytest.param("cn-platform-labour", "2025-10", "10000", "90.00", id="platform-2025-10"),
        pytest.param("us", "2018-01", "1000", "240.00", id="us-2018-01"),
    ],
)
def test_first_month_in_force(regime, period, gross, expected):
    elections = {"has_taxpayer_id": False} if regime == "us" else {}
    assert taxes(regime, [(period, gross)], **elections) == [D(expected)]


@pytest.mark.parametrize(
    ("regime", "period"),
    [
        pytest.param("cn-resident-wages", "2018-12", id="wages-2018-12"),
        pytest.param("cn-resident-labour", "2018-12", id="labour-2018-12"),
        pytest.param("cn-nonresident-wages", "2018-12", id="nr-wages-2018-12"),
        pytest.param("cn-nonresident-labour", "2018-12", id="nr-labour-2018-12"),
        pytest.param("cn-platform-labour", "2025-09", id="platform-before-sta-2025-16"),
        pytest.param("us", "2017-12", id="us-before-24-percent"),
        pytest.param("us", "2027-01", id="us-threshold-not-yet-indexed"),
    ],
)
def test_period_before_or_after_any_rule_raises(regime, period):
    with pytest.raises(InvalidPeriod) as err:
        withhold(regime, [Payment(period, D("1000"))])
    assert err.value.field == "payments[0].period"
    assert err.value.value == period


def test_platform_year_starting_october_2025():
    # Oct-Dec 2025, 10,000 a month: cumulative 80% of income less 5,000 per month.
    # Oct 3,000 x 3% = 90; Nov 6,000 -> 180 - 90 = 90; Dec 9,000 -> 270 - 180 = 90.
    rows = [("2025-10", "10000"), ("2025-11", "10000"), ("2025-12", "10000")]
    assert taxes("cn-platform-labour", rows) == decimals("90.00", "90.00", "90.00")


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        # 40,000 - 5,000 x 7 months (Jan to Jul) = 5,000 x 3% = 150
        pytest.param("2020-07", "150.00", id="in-force-2020-07"),
        pytest.param("2026-07", "150.00", id="2026-07"),
    ],
)
def test_first_job_of_year_counts_from_january(period, expected):
    assert taxes("cn-resident-wages", [(period, "40000")], first_job_of_year=True) == [D(expected)]
    # Without the election only July counts: 35,000 x 3% = 1,050.
    assert taxes("cn-resident-wages", [(period, "40000")]) == [D("1050.00")]


def test_first_job_of_year_before_sta_2020_13_raises():
    with pytest.raises(InvalidElection) as err:
        withhold("cn-resident-wages", [Payment("2020-06", D("40000"))], first_job_of_year=True)
    assert err.value.field == "first_job_of_year"


def test_first_job_of_year_later_months():
    # Jul 20,000 - 35,000 < 0 -> 0; Aug 40,000 - 40,000 = 0 -> 0;
    # Sep 60,000 - 45,000 = 15,000 x 3% = 450.
    rows = [("2026-07", "20000"), ("2026-08", "20000"), ("2026-09", "20000")]
    assert taxes("cn-resident-wages", rows, first_job_of_year=True) == decimals("0", "0", "450")


def test_full_year_deduction_60000_up_front():
    # 8,000 a month: nothing until cumulative income passes 60,000.
    # Aug 64,000 - 60,000 = 4,000 x 3% = 120; then 8,000 x 3% = 240 a month. Total 1,080.
    rows = [(f"2026-{m:02d}", "8000") for m in range(1, 13)]
    expected = decimals(*["0.00"] * 7, "120.00", "240.00", "240.00", "240.00", "240.00")
    assert taxes("cn-resident-wages", rows, full_year_deduction=True) == expected
    # Without it: 3,000 x 3% = 90 every month, same year total.
    assert taxes("cn-resident-wages", rows) == decimals(*["90.00"] * 12)


def test_full_year_deduction_keeps_special_deductions():
    # 70,000 - 60,000 - 1,000 = 9,000 x 3% = 270
    assert taxes("cn-resident-wages", [("2026-01", "70000", "1000")], full_year_deduction=True) == [
        D("270.00")
    ]


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        pytest.param([("2020-01", "8000")], "full_year_deduction", id="before-2021"),
        pytest.param([("2026-02", "8000")], "full_year_deduction", id="not-from-january"),
    ],
)
def test_full_year_deduction_refused(rows, field):
    with pytest.raises(InvalidElection) as err:
        taxes("cn-resident-wages", rows, full_year_deduction=True)
    assert err.value.field == field


def test_full_year_deduction_in_force_2021():
    assert taxes("cn-resident-wages", [("2021-01", "60000")], full_year_deduction=True) == [
        D("0.00")
    ]


# --- cumulative wages: months employed, negative month, rounding -----------------------


def test_wages_months_employed_from_first_payment():
    # Joined in July: Jul 20,000 - 5,000 = 15,000 -> 450;
    # Sep (3 months employed) 40,000 - 15,000 = 25,000 -> 750 - 450 = 300.
    rows = [("2026-07", "20000"), ("2026-09", "20000")]
    results = withhold("cn-resident-wages", [Payment(p, D(g)) for p, g in rows])
    assert [r.tax for r in results] == decimals("450", "300")
    assert [r.months for r in results] == [1, 3]


def test_negative_month_withholds_zero_and_carries_forward():
    # Jan 20,000 - 5,000 = 15,000 -> 450.
    # Feb: 20,000 - 10,000 - 12,000 < 0 -> cumulative tax 0; 0 - 450 < 0 -> withhold 0.
    # Mar: 40,000 - 15,000 - 12,000 = 13,000 -> 390; 390 - 450 < 0 -> 0.
    # Apr: 60,000 - 20,000 - 12,000 = 28,000 -> 840; 840 - 450 = 390.
    rows = [
        ("2026-01", "20000"),
        ("2026-02", "0", "12000"),
        ("2026-03", "20000"),
        ("2026-04", "20000"),
    ]
    results = withhold(
        "cn-resident-wages",
        [Payment(p, D(g), deductions=D(r[0]) if r else D(0)) for p, g, *r in rows],
    )
    assert [r.tax for r in results] == decimals("450", "0", "0", "390")
    assert [r.cumulative_tax for r in results] == decimals("450", "0", "390", "840")
    assert [r.already_withheld for r in results] == decimals("0", "450", "450", "450")
    assert ["carried-forward" in r.flags for r in results] == [False, True, True, False]
    assert sum(r.tax for r in results) == D("840")


def test_wages_exempt_income():
    # 30,000 - 2,000 exempt - 5,000 - 6,500 = 16,500 x 3% = 495
    assert taxes("cn-resident-wages", [("2026-01", "30000", "6500", "2000")]) == [D("495.00")]


def test_rounding_from_cumulative_figures_never_drifts():
    # Taxable 0.50 a month. Jan 0.015 -> 0.02; Feb 1.00 x 3% = 0.03 -> 0.01;
    # Mar 1.50 x 3% = 0.045 -> 0.05 (half-up) -> 0.02. Year 0.05, not 3 x 0.02.
    rows = [("2026-01", "5000.50"), ("2026-02", "5000.50"), ("2026-03", "5000.50")]
    assert taxes("cn-resident-wages", rows) == decimals("0.02", "0.01", "0.02")


def test_two_wage_payments_in_one_month_share_one_deduction():
    # 10,000 then 10,000 in January: 5,000 -> 150; then 15,000 -> 450 - 150 = 300.
    rows = [("2026-01", "10000"), ("2026-01", "10000")]
    results = withhold("cn-resident-wages", [Payment(p, D(g)) for p, g in rows])
    assert [r.tax for r in results] == decimals("150", "300")
    assert [r.months for r in results] == [1, 1]


# --- per payment: aggregation per project and month ------------------------------------


@pytest.mark.parametrize(
    ("regime", "rows", "expected"),
    [
        # one payment of 6,000: 4,800 x 20% = 960; 960 - 440 = 520
        pytest.param(
            "cn-resident-labour",
            [("2026-03", "3000", "0", "0", "A"), ("2026-03", "3000", "0", "0", "A")],
            ("440", "520"),
            id="same-project-same-month",
        ),
        pytest.param(
            "cn-resident-labour",
            [("2026-03", "3000", "0", "0", "A"), ("2026-03", "3000", "0", "0", "B")],
            ("440", "440"),
            id="two-projects",
        ),
        pytest.param(
            "cn-resident-labour",
            [("2026-03", "3000", "0", "0", "A"), ("2026-04", "3000", "0", "0", "A")],
            ("440", "440"),
            id="two-months",
        ),
        # A 3,000 -> 440; B (1,000 - 800) x 20% = 40; A again -> 520
        pytest.param(
            "cn-resident-labour",
            [
                ("2026-03", "3000", "0", "0", "A"),
                ("2026-03", "1000", "0", "0", "B"),
                ("2026-03", "3000", "0", "0", "A"),
            ],
            ("440", "40", "520"),
            id="interleaved-projects",
        ),
        # 16,000 x 20% = 3,200; 32,000 x 30% - 2,000 = 7,600; 7,600 - 3,200 = 4,400
        pytest.param(
            "cn-resident-labour",
            [("2026-03", "20000"), ("2026-03", "20000")],
            ("3200", "4400"),
            id="aggregate-crosses-20000",
        ),
        # 4,000 x 10% - 210 = 190; 8,000 x 10% - 210 = 590 - 190 = 400
        pytest.param(
            "cn-nonresident-labour",
            [("2026-03", "5000"), ("2026-03", "5000")],
            ("190", "400"),
            id="nonresident-labour",
        ),
        # 1,000 x 3% = 30; 4,000 x 10% - 210 = 190 - 30 = 160
        pytest.param(
            "cn-nonresident-wages",
            [("2026-03", "6000"), ("2026-03", "3000")],
            ("30", "160"),
            id="nonresident-wages-one-month",
        ),
        pytest.param(
            "cn-nonresident-wages",
            [("2026-03", "9000"), ("2026-04", "9000")],
            ("190", "190"),
            id="nonresident-wages-two-months",
        ),
        # exempt after the expense: 10,000 x 80% - 1,000 = 7,000 x 20% = 1,400
        pytest.param(
            "cn-resident-labour",
            [("2026-03", "10000", "0", "1000")],
            ("1400",),
            id="labour-exempt",
        ),
    ],
)
def test_per_payment_aggregation(regime, rows, expected):
    assert taxes(regime, rows) == decimals(*expected)


def test_aggregated_result_shows_the_month():
    rows = [Payment("2026-03", D("3000"), project="A"), Payment("2026-03", D("3000"), project="A")]
    first, second = withhold("cn-resident-labour", rows)
    assert first.flags == () and second.flags == ("aggregated",)
    assert (second.cumulative_income, second.expense, second.taxable_income) == (
        D("6000"),
        D("1200"),
        D("4800"),
    )
    assert (second.cumulative_tax, second.already_withheld, second.scope) == (
        D("960"),
        D("440"),
        "project-month",
    )


# --- platform workers (STA 2025 No. 16) ------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # 6,250 x 80% = 5,000: no prepayment
        pytest.param([("2026-01", "6250")], ("0",), id="6250-no-prepayment"),
        pytest.param([("2026-01", "6250.01")], ("0",), id="6250.01"),  # 0.008 x 3%
        pytest.param([("2026-01", "7250")], ("24",), id="7250"),  # 800 x 3%
        # 10,000 - 2,000 - 5,000 - 1,000 other deductions = 2,000 x 3% = 60
        pytest.param([("2026-01", "10000", "1000")], ("60",), id="other-deductions"),
        # expense on gross: 10,000 - 2,000 - 1,000 exempt - 5,000 = 2,000 -> 60
        pytest.param([("2026-01", "10000", "0", "1000")], ("60",), id="exempt"),
        # one month: 5,000 - 1,000 - 5,000 < 0 -> 0; 10,000 - 2,000 - 5,000 -> 90
        pytest.param([("2026-01", "5000"), ("2026-01", "5000")], ("0", "90"), id="same-month"),
        # Jan 90; Feb 6,000 -> 180 - 90; Mar 9,000 -> 270 - 180
        pytest.param(
            [("2026-01", "10000"), ("2026-02", "10000"), ("2026-03", "10000")],
            ("90", "90", "90"),
            id="three-months",
        ),
        # gap in March: April restarts the count at 1: 30,000 - 6,000 - 5,000 = 19,000
        # -> 570 - 180 = 390
        pytest.param(
            [("2026-01", "10000"), ("2026-02", "10000"), ("2026-04", "10000")],
            ("90", "90", "390"),
            id="gap-restarts-count",
        ),
    ],
)
def test_platform_labour(rows, expected):
    assert taxes("cn-platform-labour", rows) == decimals(*expected)


def test_platform_months_with_income_ignores_gaps():
    # April counts 3 months: 30,000 - 6,000 - 15,000 = 9,000 -> 270 - 180 = 90
    rows = [("2026-01", "10000"), ("2026-02", "10000"), ("2026-04", "10000")]
    assert taxes("cn-platform-labour", rows, platform_months="with-income") == decimals(
        "90", "90", "90"
    )
    results = withhold("cn-platform-labour", [Payment(p, D(g)) for p, g in rows])
    assert [r.months for r in results] == [1, 2, 1]
    assert "months-restarted" in results[2].flags


def test_platform_full_year_deduction():
    # 2026-01: 80,000 x 80% = 64,000 - 60,000 = 4,000 x 3% = 120
    assert taxes("cn-platform-labour", [("2026-01", "80000")], full_year_deduction=True) == [
        D("120.00")
    ]


# --- Hong Kong -------------------------------------------------------------------------


def test_hk_no_withholding_and_ir56m_thresholds():
    rows = [
        Payment("2025-04", D("25000")),
        Payment("2025-09", D("0.01")),
        Payment("2026-03", D("175000")),
    ]
    results = withhold("hk", rows)
    assert [r.tax for r in results] == decimals("0", "0", "0")
    assert all(r.currency == "HKD" and "no-withholding" in r.flags for r in results)
    assert dict(results[0].thresholds) == {
        "ir56m-subcontractor": D("200000"),
        "ir56m-other": D("25000"),
    }
    # "more than" 25,000: exactly 25,000 is not over; 25,000.01 is.
    assert [("over-ir56m-other" in r.flags) for r in results] == [False, True, True]
    # 200,000.01 over the year of assessment (April to March)
    assert [("over-ir56m-subcontractor" in r.flags) for r in results] == [False, False, True]
    assert results[2].cumulative_income == D("200000.01")


def test_hk_year_of_assessment_starts_in_april():
    with pytest.raises(InvalidPeriod):
        withhold("hk", [Payment("2026-03", D("1")), Payment("2026-04", D("1"))])


# --- United States ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "gross", "threshold", "reportable"),
    [
        pytest.param("2025-12", "600", "600", True, id="2025-600"),
        pytest.param("2025-12", "599.99", "600", False, id="2025-599.99"),
        pytest.param("2026-01", "600", "2000", False, id="2026-600"),
        pytest.param("2026-01", "1999.99", "2000", False, id="2026-1999.99"),
        pytest.param("2026-01", "2000", "2000", True, id="2026-2000-or-more"),
    ],
)
def test_us_reporting_threshold(period, gross, threshold, reportable):
    (r,) = withhold("us", [Payment(period, D(gross))])
    assert r.tax == D("0.00")
    assert dict(r.thresholds) == {"form-1099": D(threshold)}
    assert ("reportable" in r.flags) is reportable


def test_us_threshold_counts_the_calendar_year():
    results = withhold("us", [Payment("2026-01", D("1500")), Payment("2026-06", D("500"))])
    assert [("reportable" in r.flags) for r in results] == [False, True]


@pytest.mark.parametrize(
    ("has_tin", "grosses", "expected"),
    [
        pytest.param(True, ("1000",), ("0",), id="tin-on-file"),
        # Changed (issue #11, 26 U.S.C. 3406(b)(6) and 6041(a) as amended by P.L. 119-21):
        # these cases withheld from the first dollar; 1,000 and 333.33 + 333.33 are below
        # the 2026 threshold of USD 2,000, so nothing is withheld. The 24% and the rounding
        # are now tested on payments at the threshold (tests/tax/test_withholding_us.py).
        pytest.param(False, ("1000",), ("0",), id="no-tin-below-2000-threshold"),
        pytest.param(False, ("333.33", "333.33"), ("0", "0"), id="no-tin-below-threshold-twice"),
        # 2,000 x 24% = 480.00
        pytest.param(False, ("2000",), ("480",), id="no-tin-24-percent-at-threshold"),
        # the first 1,333.33 is below 2,000: 0; the second brings the year to 2,666.66 and
        # is withheld on in full: 1,333.33 x 24% = 319.9992 -> 320.00
        pytest.param(False, ("1333.33", "1333.33"), ("0", "320"), id="crossing-in-full"),
    ],
)
def test_us_backup_withholding(has_tin, grosses, expected):
    payments = [Payment("2026-02", D(g)) for g in grosses]
    results = withhold("us", payments, has_taxpayer_id=has_tin)
    assert [r.tax for r in results] == decimals(*expected)
    assert all(r.currency == "USD" for r in results)


# --- the result record -----------------------------------------------------------------


def test_result_as_dict_is_json_safe():
    (r,) = withhold("cn-resident-labour", [Payment("2026-01", D("2000"), project="live-1")])
    data = r.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["tax"] == "240.00"
    assert data["rate"] == "0.20"
    assert data["taxable_income"] == "1200"
    assert data["regime"] == "cn-resident-labour"
    assert data["project"] == "live-1"
    assert data["flags"] == []
    assert data["thresholds"] == {}
    assert r.tax.as_tuple().exponent == -2


def test_empty_payments_give_no_results():
    assert withhold("cn-resident-wages", []) == []


@pytest.mark.parametrize(
    "regime",
    [
        "cn-resident-wages",
        "cn-resident-labour",
        "cn-platform-labour",
        "cn-nonresident-wages",
        "cn-nonresident-labour",
        "hk",
        "us",
    ],
)
def test_every_regime_fills_every_field(regime):
    (r,) = withhold(regime, [Payment("2026-05", D("12345.67"))])
    assert len(r) == len(r._fields)
    assert r.regime == regime and r.period == "2026-05" and isinstance(r.note, str)
    assert set(r.as_dict()) == set(r._fields)


@pytest.mark.parametrize(
    "context",
    [
        pytest.param(decimal.Context(prec=5), id="low-precision"),
        pytest.param(decimal.Context(traps=[decimal.Inexact, decimal.Rounded]), id="traps"),
        pytest.param(decimal.Context(rounding=decimal.ROUND_FLOOR), id="floor-rounding"),
    ],
)
def test_callers_decimal_context_does_not_change_figures(context):
    # 1,000,000.05 - 5,000 = 995,000.05 x 45% - 181,920 = 265,830.0225 -> 265,830.02;
    # the year's 12-month figure needs more than 5 digits.
    payments = [Payment("2026-01", D("1000000.05"))]
    with decimal.localcontext(context):
        (r,) = withhold("cn-resident-wages", payments)
        (labour,) = withhold("cn-resident-labour", [Payment("2026-01", D("4000.04"))])
    assert r.tax == D("265830.02")
    assert labour.tax == D("640.01")
