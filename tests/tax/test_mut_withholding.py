"""Worked cases that pin what a withholding statement says, field by field, where mutation
testing (scripts/mutation.sh tax-withholding) found rules no test held: the non-resident
working (exempt income, the 80% share, the monthly 5,000), the scope of each figure,
carry-forward within one project-month, the errors' reasons.

Reference: /work/shared/reference/income-tax-withholding.md; Table 3 (monthly,
non-resident): up to 3,000 at 3%; up to 12,000 at 10% less 210; up to 25,000 at 20% less
1,410. Table 2 (resident labour per payment): up to 20,000 at 20%.
"""

from decimal import Decimal as D

import pytest

from tax.errors import InvalidAmount, InvalidElection, InvalidPeriod, TaxInputError
from tax.withholding import Payment, withhold


def figures(row):
    return {
        "tax": row.tax,
        "taxable": row.taxable_income,
        "expense": row.expense,
        "basic": row.basic_deduction,
        "months": row.months,
        "scope": row.scope,
        "cumulative_income": row.cumulative_income,
        "cumulative_exempt": row.cumulative_exempt,
        "cumulative_tax": row.cumulative_tax,
        "already_withheld": row.already_withheld,
        "flags": row.flags,
    }


# --- non-resident wages: per month, income - exempt - 5,000 ------------------------------


def test_nonresident_wages_month_with_exempt_income_then_a_second_payment():
    first, second = withhold(
        "cn-nonresident-wages",
        [
            Payment("2026-03", D("9000"), exempt=D("1000"), project="a"),
            # Wages are one sum per month whatever the project.
            Payment("2026-03", D("1000"), exempt=D("500"), project="b"),
        ],
    )
    # 9,000 - 1,000 exempt - 5,000 = 3,000 -> 3% = 90.00.
    assert figures(first) == {
        "tax": D("90.00"),
        "taxable": D("3000"),
        "expense": D("0"),
        "basic": D("5000"),
        "months": 1,
        "scope": "month",
        "cumulative_income": D("9000"),
        "cumulative_exempt": D("1000"),
        "cumulative_tax": D("90.00"),
        "already_withheld": D("0.00"),
        "flags": (),
    }
    # The month: 10,000 - 1,500 exempt - 5,000 = 3,500 -> 10% - 210 = 140.00;
    # 90.00 withheld already -> 50.00 now.
    assert figures(second) == {
        "tax": D("50.00"),
        "taxable": D("3500"),
        "expense": D("0"),
        "basic": D("5000"),
        "months": 1,
        "scope": "month",
        "cumulative_income": D("10000"),
        "cumulative_exempt": D("1500"),
        "cumulative_tax": D("140.00"),
        "already_withheld": D("90.00"),
        "flags": ("aggregated",),
    }


def test_nonresident_wages_below_the_monthly_deduction_owe_nothing():
    # 4,000 - 5,000 < 0 -> taxable 0 -> 0.00, and nothing carried forward.
    (row,) = withhold("cn-nonresident-wages", [Payment("2026-05", D("4000"))])
    assert (row.tax, row.taxable_income, row.flags) == (D("0.00"), D("0"), ())


# --- non-resident labour: 80% of income is income, per project and month -----------------


def test_nonresident_labour_share_exempt_and_carry_forward_in_one_project_month():
    first, second = withhold(
        "cn-nonresident-labour",
        [
            Payment("2026-03", D("10000"), project="p"),
            Payment("2026-03", D("1000"), exempt=D("1000"), project="p"),
        ],
    )
    # 10,000 x 80% = 8,000 taxable (expense 2,000) -> 10% - 210 = 590.00.
    assert figures(first) == {
        "tax": D("590.00"),
        "taxable": D("8000.00"),
        "expense": D("2000.00"),
        "basic": D("0"),
        "months": 0,
        "scope": "project-month",
        "cumulative_income": D("10000"),
        "cumulative_exempt": D("0"),
        "cumulative_tax": D("590.00"),
        "already_withheld": D("0.00"),
        "flags": (),
    }
    # The project-month: 11,000 x 80% = 8,800 - 1,000 exempt = 7,800 -> 10% - 210 = 570.00,
    # less than the 590.00 already withheld: nothing now (never a refund), carried forward.
    assert figures(second) == {
        "tax": D("0.00"),
        "taxable": D("7800.00"),
        "expense": D("2200.00"),
        "basic": D("0"),
        "months": 0,
        "scope": "project-month",
        "cumulative_income": D("11000"),
        "cumulative_exempt": D("1000"),
        "cumulative_tax": D("570.00"),
        "already_withheld": D("590.00"),
        "flags": ("aggregated", "carried-forward"),
    }


def test_nonresident_labour_projects_are_separate():
    # Two projects in one month are two payments: 5,000 x 80% = 4,000 -> 10% - 210 = 190.00
    # each; one sum would be 8,000 -> 590.00.
    rows = withhold(
        "cn-nonresident-labour",
        [Payment("2026-03", D("5000"), project="a"), Payment("2026-03", D("5000"), project="b")],
    )
    assert [(r.tax, r.flags) for r in rows] == [(D("190.00"), ()), (D("190.00"), ())]


# --- resident labour: 800 up to 4,000, 20% above -----------------------------------------


def test_resident_labour_at_800_owes_nothing_and_carries_nothing():
    # 800 - 800 = 0 -> 0.00: a zero due is not a carry-forward.
    (row,) = withhold("cn-resident-labour", [Payment("2026-03", D("800"))])
    assert figures(row)["tax"] == D("0.00")
    assert (row.expense, row.months, row.scope, row.flags) == (D("800"), 0, "project-month", ())


def test_resident_labour_zero_due_twice_in_one_project_month_is_not_carried_forward():
    # 300 then 400 in one project-month: 700 - 800 < 0 -> 0 due, 0 withheld, 0 now.
    rows = withhold(
        "cn-resident-labour", [Payment("2026-03", D("300")), Payment("2026-03", D("400"))]
    )
    assert [(r.tax, r.flags) for r in rows] == [(D("0.00"), ()), (D("0.00"), ("aggregated",))]


# --- Hong Kong: nothing withheld, the tax year's running total ---------------------------


def test_hk_row_is_a_tax_year_total_with_no_months():
    rows = withhold("hk", [Payment("2026-04", D("20000")), Payment("2026-05", D("6000"))])
    assert [(r.scope, r.months, r.tax, r.cumulative_income) for r in rows] == [
        ("tax-year", 0, D("0.00"), D("20000")),
        ("tax-year", 0, D("0.00"), D("26000")),
    ]
    # 26,000 > 25,000: over the IR56M threshold for non-subcontractors.
    assert rows[1].flags == ("no-withholding", "over-ir56m-other")


# --- errors name the rule, the period and the reason -------------------------------------


def test_a_period_before_the_rule_names_the_regime():
    with pytest.raises(InvalidPeriod) as err:
        withhold("cn-resident-labour", [Payment("2018-12", D("800"))])
    assert err.value.field == "payments[0].period"
    assert err.value.message.startswith("no cn-resident-labour rule in force then")


def test_full_year_deduction_needs_january_and_says_the_first_period():
    with pytest.raises(InvalidElection) as err:
        withhold("cn-resident-wages", [Payment("2026-03", D("8000"))], full_year_deduction=True)
    assert err.value.message == "needs employment from January; first period is 2026-03"
    with pytest.raises(InvalidElection) as err:
        withhold("cn-resident-wages", [Payment("2027-11", D("8000"))], full_year_deduction=True)
    assert err.value.message.endswith("first period is 2027-11")


@pytest.mark.parametrize(
    ("election", "period", "starts"),
    [
        ("full_year_deduction", "2020-01", "2021-01-01"),
        ("first_job_of_year", "2020-06", "2020-07-01"),
    ],
)
def test_an_election_before_its_rule_names_the_election(election, period, starts):
    with pytest.raises(InvalidElection) as err:
        withhold("cn-resident-wages", [Payment(period, D("8000"))], **{election: True})
    assert err.value.field == election
    assert err.value.message.startswith(f"no {election} rule in force then; in force: {starts}")


@pytest.mark.parametrize(
    ("gross", "message"),
    [
        (1.5, "floats are not accepted; pass a Decimal"),
        ("100", "expected a Decimal"),
        (D("NaN"), "must be a finite number"),
        (D("Infinity"), "must be a finite number"),
        (D("-0.01"), "must not be negative"),
        (D("1E+15"), "amount too large (limit 10**15)"),
        (D("1.005"), "more than 2 decimal places"),
    ],
)
def test_a_refused_amount_says_why(gross, message):
    with pytest.raises(InvalidAmount) as err:
        withhold("cn-resident-labour", [Payment("2026-03", gross)])
    assert (err.value.field, err.value.message) == ("payments[0].gross", message)


def test_the_largest_accepted_amount_is_just_under_10_to_the_15():
    # 999,999,999,999,999.99 is accepted (its exponent is 14); 10**15 is refused above.
    (row,) = withhold("hk", [Payment("2026-04", D("999999999999999.99"))])
    assert row.cumulative_income == D("999999999999999.99")


# --- rules looked up with cold caches ------------------------------------------------------
# The engine caches parsed periods and the rule in force per month for speed. These tests
# empty those caches first, so the lookups themselves (period parsing, which row covers a
# month) are exercised, not answers cached by an earlier test.


@pytest.fixture
def cold_caches():
    from tax.withholding import payment, regimes

    payment._PERIODS.clear()
    regimes._rule_cache.clear()
    yield
    payment._PERIODS.clear()
    regimes._rule_cache.clear()


def test_far_future_periods_are_parsed_and_counted(cold_caches):
    # Resident wages, no election: the basic deduction is 5,000 per month employed here
    # this year. 3001-01 and 3001-03: months 1 and 3 -> 5,000 then 15,000.
    # 20,000 - 5,000 = 15,000 -> 3% = 450.00; 40,000 - 15,000 = 25,000 -> 750.00 - 450.00.
    rows = withhold(
        "cn-resident-wages", [Payment("3001-01", D("20000")), Payment("3001-03", D("20000"))]
    )
    assert [(r.period, r.months, r.basic_deduction, r.tax) for r in rows] == [
        ("3001-01", 1, D("5000"), D("450.00")),
        ("3001-03", 3, D("15000"), D("300.00")),
    ]


@pytest.mark.parametrize(
    ("regime", "period", "tax"),
    [
        # First month of each rule: 2,000 - 800 = 1,200 x 20% = 240.00.
        ("cn-resident-labour", "2019-01", "240.00"),
        # 2,000 x 80% = 1,600 x 3% = 48.00.
        ("cn-nonresident-labour", "2019-01", "48.00"),
        # Platform labour from 2025-10: 2,000 - 20% = 1,600 - 5,000 < 0 -> 0.00.
        ("cn-platform-labour", "2025-10", "0.00"),
    ],
)
def test_a_rule_applies_from_its_first_day(cold_caches, regime, period, tax):
    (row,) = withhold(regime, [Payment(period, D("2000"))])
    assert row.tax == D(tax)


def test_a_rule_that_ended_is_not_applied_after_its_last_day(cold_caches):
    # The US 1099 threshold rows end 2025-12-31 and 2026-12-31; 2027 has none yet.
    (row,) = withhold("us", [Payment("2026-12", D("10"))])
    assert row.thresholds == (("form-1099", D("2000")),)
    with pytest.raises(InvalidPeriod) as err:
        withhold("us", [Payment("2027-01", D("10"))])
    assert err.value.message == (
        "no US 1099 rule in force then; in force: "
        "2018-01-01 to 2025-12-31 (26 U.S.C. 6041(a)); "
        "2026-01-01 to 2026-12-31 (P.L. 119-21 s.70433; 6041(a),(h))"
    )


def test_dated_rows_include_both_ends():
    from datetime import date

    from tax.withholding.tables import Dated

    row = Dated(date(2026, 1, 1), date(2026, 12, 31), "x", "test")
    assert [row.covers(date(2025, 12, 31)), row.covers(date(2026, 1, 1))] == [False, True]
    assert [row.covers(date(2026, 12, 31)), row.covers(date(2027, 1, 1))] == [True, False]
    assert Dated(date(2026, 1, 1), None, "x", "test").covers(date(9999, 12, 31))


@pytest.mark.parametrize(
    ("regime", "period", "message"),
    [
        (
            "cn-resident-labour",
            "2018-12",
            "no cn-resident-labour rule in force then; "
            "in force: 2019-01-01 to open (STA 2018 No. 61; Regs Art. 14(1))",
        ),
        (
            "cn-platform-labour",
            "2025-09",
            "no cn-platform-labour rule in force then; in force: 2025-10-01 to open "
            "(STA 2025 No. 16)",
        ),
        (
            "us",
            "2017-12",
            "no US backup withholding rule in force then; "
            "in force: 2018-01-01 to open (26 U.S.C. 3406)",
        ),
    ],
)
def test_a_period_without_a_rule_names_the_rule_and_what_is_in_force(
    cold_caches, regime, period, message
):
    with pytest.raises(InvalidPeriod) as err:
        withhold(regime, [Payment(period, D("800"))])
    assert (err.value.field, err.value.value, err.value.message) == (
        "payments[0].period",
        period,
        message,
    )


# --- cumulative methods -------------------------------------------------------------------


def test_wages_owing_exactly_nothing_are_not_a_carry_forward():
    # 5,000 - 5,000 = 0 -> 0.00 due, 0.00 withheld: nothing carried.
    (row,) = withhold("cn-resident-wages", [Payment("2026-01", D("5000"))])
    assert (row.tax, row.scope, row.months, row.flags) == (D("0.00"), "tax-year", 1, ())


def test_full_year_deduction_counts_twelve_months_and_says_so():
    # 60,000 deducted from January: 70,000 - 60,000 = 10,000 -> 3% = 300.00.
    (row,) = withhold(
        "cn-resident-wages", [Payment("2026-01", D("70000"))], full_year_deduction=True
    )
    assert (row.tax, row.basic_deduction, row.months) == (D("300.00"), D("60000"), 12)
    assert row.flags == ("full-year-deduction",)


def test_first_job_of_year_counts_from_january_and_says_so():
    # First job from May: 5 months x 5,000 = 25,000; 30,000 - 25,000 = 5,000 -> 150.00.
    (row,) = withhold("cn-resident-wages", [Payment("2026-05", D("30000"))], first_job_of_year=True)
    assert (row.tax, row.basic_deduction, row.months) == (D("150.00"), D("25000"), 5)
    assert row.flags == ("first-job-of-year",)


def test_refused_elections_carry_the_election_and_true():
    with pytest.raises(InvalidElection) as err:
        withhold("cn-resident-wages", [Payment("2026-02", D("1"))], full_year_deduction=True)
    assert (err.value.field, err.value.value) == ("full_year_deduction", True)
    with pytest.raises(InvalidElection) as err:
        withhold("cn-resident-wages", [Payment("2020-01", D("1"))], first_job_of_year=True)
    assert (err.value.field, err.value.value) == ("first_job_of_year", True)
    assert err.value.message == (
        "no first_job_of_year rule in force then; "
        "in force: 2020-07-01 to open (STA 2020 No. 13 s.1)"
    )


def test_platform_month_with_a_zero_second_payment_still_has_income():
    # 6,000 then 0 in one month: the month's net income is 6,000, so the month counts once
    # (the zero payment does not make it a month without income).
    # 6,000 - 20% = 4,800 - 5,000 < 0 -> 0.00 for both.
    rows = withhold(
        "cn-platform-labour", [Payment("2026-01", D("6000")), Payment("2026-01", D("0"))]
    )
    assert [(r.months, r.flags) for r in rows] == [(1, ()), (1, ())]


# --- United States: backup withholding cumulates what was withheld -----------------------


def test_us_backup_withholding_subtracts_everything_withheld_before():
    # No TIN, reported last year: every payment withheld on at 24%. Subject 100, 200, 300:
    # due 24.00, 48.00, 72.00; tax 24.00 each (72.00 - 48.00 withheld before the third).
    rows = withhold(
        "us",
        [Payment("2026-01", D("100")), Payment("2026-02", D("100")), Payment("2026-03", D("100"))],
        prior_year_reported=True,
        has_taxpayer_id=False,
    )
    assert [(r.tax, r.already_withheld, r.cumulative_tax) for r in rows] == [
        (D("24.00"), D("0.00"), D("24.00")),
        (D("24.00"), D("24.00"), D("48.00")),
        (D("24.00"), D("48.00"), D("72.00")),
    ]
    assert {(r.scope, r.months) for r in rows} == {("tax-year", 0)}


# --- bad input: each refusal names the field, the value and the reason --------------------


@pytest.mark.parametrize(
    ("payments", "error", "field", "value", "message"),
    [
        ("2026-01", "TaxInputError", "payments", "2026-01", "expected a list of Payment"),
        (["2026-01"], "TaxInputError", "payments[0]", "2026-01", "expected a Payment"),
        (
            [Payment(["2026-01"], D("1"))],
            "InvalidPeriod",
            "payments[0].period",
            ["2026-01"],
            "expected a string 'YYYY-MM'",
        ),
        (
            [Payment("2026-13", D("1"))],
            "InvalidPeriod",
            "payments[0].period",
            "2026-13",
            "expected 'YYYY-MM' with a month 01 to 12",
        ),
        (
            [Payment("2026-03", D("1")), Payment("2026-02", D("1"))],
            "InvalidPeriod",
            "payments[1].period",
            "2026-02",
            "out of order: periods must not go back",
        ),
        (
            [Payment("2026-12", D("1")), Payment("2027-01", D("1"))],
            "InvalidPeriod",
            "payments[1].period",
            "2027-01",
            "spans two tax years (first payment 2026-12)",
        ),
        (
            [Payment("2026-01", D("1"), exempt=D("2"))],
            "InvalidAmount",
            "payments[0].exempt",
            D("2"),
            "more than gross",
        ),
        (
            [Payment("2026-01", D("1"), deductions=D("1"))],
            "InvalidAmount",
            "payments[0].deductions",
            D("1"),
            "deductions are not allowed at prepayment for this regime",
        ),
        (
            [Payment("2026-01", D("1"), project=7)],
            "TaxInputError",
            "payments[0].project",
            7,
            "expected a string",
        ),
    ],
)
def test_bad_payments_are_refused_with_a_reason(payments, error, field, value, message):
    with pytest.raises(TaxInputError) as err:
        withhold("cn-resident-labour", payments)
    assert type(err.value).__name__ == error
    assert (err.value.field, err.value.value, err.value.message) == (field, value, message)


def test_exempt_income_is_refused_where_it_does_not_apply():
    with pytest.raises(InvalidAmount) as err:
        withhold("hk", [Payment("2026-04", D("10"), exempt=D("1"))])
    assert (err.value.field, err.value.value, err.value.message) == (
        "payments[0].exempt",
        D("1"),
        "exempt income does not apply here",
    )
