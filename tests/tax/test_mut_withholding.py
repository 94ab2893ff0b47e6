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

from tax.errors import InvalidAmount, InvalidElection, InvalidPeriod
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
