"""US backup withholding on reportable payments only (issue #11).

Sources: 26 U.S.C. 3406(a) (24%, "the fourth lowest rate" of section 1) withholds on a
"reportable payment"; 3406(b)(6): a payment of a kind reported under 6041(a) is reportable
only if (A) "the aggregate amount of such payment and all previous payments" by the payer
to the payee in the calendar year "equals or exceeds" the 6041(a) amount, or (B)/(C) the
payer had to file a return for the payee for the preceding year, or withheld from the
payee's reportable payments in it. 6041(a): USD 600; P.L. 119-21 s.70433: USD 2,000 for
payments after 31 Dec 2025, indexed after 2026 (6041(h)), so 2027 is refused until the
figure is published. Reference: income-tax-withholding.md section 9.2.

Every case: no TIN on file (``has_taxpayer_id=False``) unless it says otherwise.
"""

from decimal import Decimal as D

import pytest

from tax.errors import InvalidElection, InvalidPeriod
from tax.withholding import Payment, withhold


def run(rows, **elections):
    elections.setdefault("has_taxpayer_id", False)
    return withhold("us", [Payment(p, D(g)) for p, g in rows], **elections)


CASES = [
    # (rows, taxes)
    # --- 2026, threshold USD 2,000 -----------------------------------------------------
    pytest.param([("2026-03", "1999.99")], ["0.00"], id="2026-one-cent-under-2000"),
    # 2,000.00 x 24% = 480.00
    pytest.param([("2026-03", "2000.00")], ["480.00"], id="2026-exactly-2000"),
    # 2,000.01 x 24% = 480.0024 -> 480.00
    pytest.param([("2026-03", "2000.01")], ["480.00"], id="2026-one-cent-over-2000"),
    # 1,999.99 (under: 0); + 0.01 = 2,000.00 reaches it: 0.01 x 24% = 0.0024 -> 0.00;
    # + 100 -> (0.01 + 100) x 24% = 24.0024 -> 24.00 - 0.00 = 24.00. Not retroactive:
    # the 1,999.99 is never withheld on.
    pytest.param(
        [("2026-01", "1999.99"), ("2026-02", "0.01"), ("2026-03", "100.00")],
        ["0.00", "0.00", "24.00"],
        id="2026-crossing-by-one-cent",
    ),
    # 1,500 under; 600 brings the year to 2,100: 600 x 24% = 144.00 in full;
    # 100 later: 700 x 24% = 168.00 - 144.00 = 24.00
    pytest.param(
        [("2026-01", "1500.00"), ("2026-04", "600.00"), ("2026-09", "100.00")],
        ["0.00", "144.00", "24.00"],
        id="2026-crossing-payment-in-full",
    ),
    # 4 x 500 = 2,000 on the fourth: 500 x 24% = 120.00 on it alone
    pytest.param(
        [("2026-01", "500"), ("2026-02", "500"), ("2026-03", "500"), ("2026-04", "500")],
        ["0.00", "0.00", "0.00", "120.00"],
        id="2026-four-payments-of-500",
    ),
    # --- 2025, threshold USD 600 -------------------------------------------------------
    pytest.param([("2025-06", "599.99")], ["0.00"], id="2025-one-cent-under-600"),
    # 600.00 x 24% = 144.00
    pytest.param([("2025-06", "600.00")], ["144.00"], id="2025-exactly-600"),
    # 600.01 x 24% = 144.0024 -> 144.00
    pytest.param([("2025-06", "600.01")], ["144.00"], id="2025-one-cent-over-600"),
    # 599.99 under; 0.02 brings 600.01: 0.02 x 24% = 0.0048 -> 0.00; 1,000 more:
    # 1,000.02 x 24% = 240.0048 -> 240.00
    pytest.param(
        [("2025-01", "599.99"), ("2025-02", "0.02"), ("2025-03", "1000.00")],
        ["0.00", "0.00", "240.00"],
        id="2025-crossing-then-later",
    ),
    # 2025 payments of 1,000 are over 600 (withheld) but would be under 2026's 2,000
    pytest.param([("2025-12", "1000.00")], ["240.00"], id="2025-1000-over-600"),
    pytest.param([("2026-01", "1000.00")], ["0.00"], id="2026-1000-under-2000"),
]


@pytest.mark.parametrize(("rows", "taxes"), CASES)
def test_backup_withholding_from_the_threshold(rows, taxes):
    assert [r.tax for r in run(rows)] == [D(t) for t in taxes]


PRIOR_YEAR = [
    # 3406(b)(6)(B)/(C): reportable from the first dollar.
    # 0.01 x 24% = 0.0024 -> 0.00
    pytest.param([("2026-01", "0.01")], ["0.00"], id="one-cent"),
    # 1,000 x 24% = 240.00
    pytest.param([("2026-01", "1000.00")], ["240.00"], id="1000-under-threshold"),
    # 333.33 x 24% = 79.9992 -> 80.00; 666.66 x 24% = 159.9984 -> 160.00 - 80.00
    pytest.param(
        [("2026-02", "333.33"), ("2026-02", "333.33")], ["80.00", "80.00"], id="cumulative"
    ),
    # 2025: 100 x 24% = 24.00
    pytest.param([("2025-05", "100.00")], ["24.00"], id="2025-100"),
]


@pytest.mark.parametrize(("rows", "taxes"), PRIOR_YEAR)
def test_prior_year_election_withholds_from_the_first_payment(rows, taxes):
    results = run(rows, prior_year_reported=True)
    assert [r.tax for r in results] == [D(t) for t in taxes]
    assert all("reportable" in r.flags and "prior-year-reported" in r.flags for r in results)


def test_flags_and_working_of_the_crossing_payment():
    first, second = run([("2026-01", "1500.00"), ("2026-04", "600.00")])
    assert first.flags == ("under-threshold",)
    assert (first.rate, first.taxable_income) == (D("0"), D("0"))
    assert second.flags == ("reportable", "backup-withholding")
    # withheld on: the crossing payment in full, not the year's 2,100
    assert (second.taxable_income, second.cumulative_income) == (D("600.00"), D("2100.00"))
    assert (second.rate, second.cumulative_tax) == (D("0.24"), D("144.00"))


def test_with_a_tin_nothing_is_withheld_but_reporting_is_flagged():
    results = run([("2026-01", "1999.99"), ("2026-02", "0.01")], has_taxpayer_id=True)
    assert [r.tax for r in results] == [D("0.00"), D("0.00")]
    assert [("reportable" in r.flags) for r in results] == [False, True]
    assert not any("backup-withholding" in r.flags for r in results)


def test_2027_threshold_not_published_is_refused():
    # 6041(h): indexed for years after 2026; no figure on file yet.
    with pytest.raises(InvalidPeriod):
        run([("2027-01", "100.00")])
    with pytest.raises(InvalidPeriod):
        run([("2027-01", "100.00")], prior_year_reported=True)


def test_election_is_us_only_and_boolean():
    with pytest.raises(InvalidElection):
        withhold("cn-resident-labour", [Payment("2026-01", D("1"))], prior_year_reported=True)
    with pytest.raises(InvalidElection):
        run([("2026-01", "1")], prior_year_reported="yes")
