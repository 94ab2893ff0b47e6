"""The worked examples of the reference (income-tax-withholding.md, section 6)."""

from decimal import Decimal as D

import pytest

from tax.withholding import Payment, withhold


def test_resident_wages_sta_example_three_months():
    # 30,000 a month; 4,500 special + 2,000 special additional deductions = 6,500.
    # Jan (30,000 - 5,000 - 6,500) x 3% = 555; Feb 37,000 x 10% - 2,520 - 555 = 625;
    # Mar 55,500 x 10% - 2,520 - 555 - 625 = 1,850.
    payments = [Payment(f"2026-0{m}", D("30000"), deductions=D("6500")) for m in (1, 2, 3)]
    results = withhold("cn-resident-wages", payments)
    assert [r.tax for r in results] == [D("555.00"), D("625.00"), D("1850.00")]
    assert [r.cumulative_taxable for r in results] == [D("18500"), D("37000"), D("55500")]
    assert [r.rate for r in results] == [D("0.03"), D("0.10"), D("0.10")]
    assert [r.quick_deduction for r in results] == [D("0"), D("2520"), D("2520")]
    assert [r.already_withheld for r in results] == [D("0"), D("555"), D("1180")]
    assert [r.cumulative_tax for r in results] == [D("555"), D("1180"), D("3030")]
    assert [r.basic_deduction for r in results] == [D("5000"), D("10000"), D("15000")]
    assert [r.cumulative_deductions for r in results] == [D("6500"), D("13000"), D("19500")]


@pytest.mark.parametrize(
    ("regime", "gross", "taxable", "rate", "quick", "tax"),
    [
        # (2,000 - 800) x 20% = 240
        pytest.param("cn-resident-labour", "2000", "1200", "0.20", "0", "240", id="labour-2000"),
        # 60,000 x 80% = 48,000; x 30% - 2,000 = 12,400
        pytest.param(
            "cn-resident-labour", "60000", "48000", "0.30", "2000", "12400", id="labour-60000"
        ),
        # (9,000 - 5,000) x 10% - 210 = 190
        pytest.param(
            "cn-nonresident-wages", "9000", "4000", "0.10", "210", "190", id="nonres-wage-9000"
        ),
        # 8,000 x 80% = 6,400; x 10% - 210 = 430
        pytest.param(
            "cn-nonresident-labour", "8000", "6400", "0.10", "210", "430", id="nonres-lecture-8000"
        ),
    ],
)
def test_single_payment_examples(regime, gross, taxable, rate, quick, tax):
    (r,) = withhold(regime, [Payment("2026-05", D(gross))])
    assert r.taxable_income == D(taxable)
    assert r.rate == D(rate)
    assert r.quick_deduction == D(quick)
    assert r.tax == D(tax)
    assert r.tax.as_tuple().exponent == -2


def test_wages_year_sums_to_annual_table_tax():
    # Section 6 invariant: 12 x 18,500 = 222,000 taxable; x 20% - 16,920 = 27,480.
    payments = [Payment(f"2026-{m:02d}", D("30000"), deductions=D("6500")) for m in range(1, 13)]
    results = withhold("cn-resident-wages", payments)
    assert sum(r.tax for r in results) == D("27480.00")
    assert results[-1].cumulative_taxable == D("222000")
