"""Platform labour (STA 2025 No. 16): only months with income count (issue #11).

Rule: "累计减除费用 = 5,000 元/月 × 纳税人当年截至本月在本互联网平台企业连续取得劳务报酬的
月份数". Tax = (cum income - 20% - cum exempt - 5,000 x months - other) x Table 1 rate
- quick deduction - withheld so far; Table 1 starts 3% to 36,000, then 10% (QD 2,520).
A month with zero payments, or net zero after exempt income, did not "取得劳务报酬":
it is no month with income under either reading; under "consecutive" it breaks the run.
"""

from decimal import Decimal as D

import pytest

from tax.withholding import Payment, withhold


def run(rows, **elections):
    return withhold(
        "cn-platform-labour",
        [Payment(r[0], D(r[1]), exempt=D(r[2]) if len(r) > 2 else D("0")) for r in rows],
        **elections,
    )


CASES = [
    # (rows, reading, months counted per payment, taxes)
    # Jan 10,000 - 2,000 - 5,000 = 3,000 x 3% = 90; Feb 0: nothing new, months 1, tax 0;
    # Mar (consecutive, run broken by Feb): 20,000 - 4,000 - 5,000 x 1 = 11,000 x 3% = 330
    # - 90 = 240
    pytest.param(
        [("2026-01", "10000"), ("2026-02", "0"), ("2026-03", "10000")],
        "consecutive",
        [1, 1, 1],
        ["90.00", "0.00", "240.00"],
        id="consecutive-zero-month-breaks-run",
    ),
    # with-income: Mar counts Jan and Mar: 20,000 - 4,000 - 10,000 = 6,000 x 3% = 180 - 90
    pytest.param(
        [("2026-01", "10000"), ("2026-02", "0"), ("2026-03", "10000")],
        "with-income",
        [1, 1, 2],
        ["90.00", "0.00", "90.00"],
        id="with-income-zero-month-not-counted",
    ),
    # Net zero: Feb's 1,000 is all exempt. Consecutive: Mar 21,000 - 4,200 - 1,000 exempt
    # - 5,000 = 10,800 x 3% = 324 - 90 = 234 (Feb: 11,000 - 2,200 - 1,000 - 5,000 = 2,800
    # x 3% = 84 < 90 withheld: 0, carried forward)
    pytest.param(
        [("2026-01", "10000"), ("2026-02", "1000", "1000"), ("2026-03", "10000")],
        "consecutive",
        [1, 1, 1],
        ["90.00", "0.00", "234.00"],
        id="consecutive-net-zero-month-breaks-run",
    ),
    # with-income: Mar 21,000 - 4,200 - 1,000 - 10,000 = 5,800 x 3% = 174 - 90 = 84
    pytest.param(
        [("2026-01", "10000"), ("2026-02", "1000", "1000"), ("2026-03", "10000")],
        "with-income",
        [1, 1, 2],
        ["90.00", "0.00", "84.00"],
        id="with-income-net-zero-month-not-counted",
    ),
    # The edge: one fen of net income is a month with income. Feb 0.01 gross:
    # consecutive months 2: 10,000.01 - 2,000.002 - 10,000 < 0 -> 0 (carried forward);
    # Mar months 3: 20,000.01 - 4,000.002 - 15,000 = 1,000.008 x 3% = 30.00024 -> 30.00,
    # less 90 withheld: 0
    pytest.param(
        [("2026-01", "10000"), ("2026-02", "0.01"), ("2026-03", "10000")],
        "consecutive",
        [1, 2, 3],
        ["90.00", "0.00", "0.00"],
        id="consecutive-one-fen-month-counts",
    ),
    # Exempt one fen less than gross: net 0.01 > 0 counts too
    pytest.param(
        [("2026-01", "10000"), ("2026-02", "1000", "999.99"), ("2026-03", "10000")],
        "consecutive",
        [1, 2, 3],
        ["90.00", "0.00", "0.00"],
        id="consecutive-net-one-fen-counts",
    ),
    # A zero payment first in the month, then a real one: the month counts once.
    # Jan 0 -> months 0, taxable 0; Jan 10,000 -> months 1: 3,000 x 3% = 90
    pytest.param(
        [("2026-01", "0"), ("2026-01", "10000")],
        "consecutive",
        [0, 1],
        ["0.00", "90.00"],
        id="zero-then-income-same-month",
    ),
    # Only zero payments: no month, no deduction, no tax
    pytest.param(
        [("2026-01", "0"), ("2026-02", "0")],
        "with-income",
        [0, 0],
        ["0.00", "0.00"],
        id="only-zero-payments",
    ),
]


@pytest.mark.parametrize(("rows", "reading", "months", "taxes"), CASES)
def test_months_with_income(rows, reading, months, taxes):
    results = run(rows, platform_months=reading)
    assert [r.months for r in results] == months
    assert [r.tax for r in results] == [D(t) for t in taxes]


def test_zero_month_is_flagged_and_restart_is_flagged():
    results = run([("2026-01", "10000"), ("2026-02", "0"), ("2026-03", "10000")])
    assert "no-income-month" in results[1].flags
    assert "months-restarted" in results[2].flags
    assert results[2].basic_deduction == D("5000")


def test_default_reading_is_consecutive():
    rows = [("2026-01", "10000"), ("2026-02", "0"), ("2026-03", "10000")]
    assert run(rows) == run(rows, platform_months="consecutive")
