"""Every bracket edge of Tables 1, 2 and 3 (reference sections 2.2, 3.2, 5.2).

Each row is worked by hand: taxable x rate - quick deduction, rounded half-up to 0.01.
Just above an edge the next rate applies, and the tax is continuous across it.
"""

from decimal import Decimal as D

import pytest

from tax.withholding import Payment, withhold

# Table 1 through a single January wage payment: taxable = gross - 5,000.
TABLE_1 = [
    ("5000", "0", "0.03", "0", "0.00"),
    ("41000", "36000", "0.03", "0", "1080.00"),
    ("41000.01", "36000.01", "0.10", "2520", "1080.00"),  # 3,600.001 - 2,520
    ("41000.05", "36000.05", "0.10", "2520", "1080.01"),  # 1,080.005 rounds up
    ("149000", "144000", "0.10", "2520", "11880.00"),
    ("149000.01", "144000.01", "0.20", "16920", "11880.00"),  # 28,800.002 - 16,920
    ("305000", "300000", "0.20", "16920", "43080.00"),
    ("305000.01", "300000.01", "0.25", "31920", "43080.00"),  # 75,000.0025 - 31,920
    ("425000", "420000", "0.25", "31920", "73080.00"),
    ("425000.01", "420000.01", "0.30", "52920", "73080.00"),  # 126,000.003 - 52,920
    ("665000", "660000", "0.30", "52920", "145080.00"),
    ("665000.01", "660000.01", "0.35", "85920", "145080.00"),  # 231,000.0035 - 85,920
    ("965000", "960000", "0.35", "85920", "250080.00"),
    ("965000.01", "960000.01", "0.45", "181920", "250080.00"),  # 432,000.0045 - 181,920
    ("1005000", "1000000", "0.45", "181920", "268080.00"),
]


@pytest.mark.parametrize(
    ("gross", "taxable", "rate", "quick", "tax"), TABLE_1, ids=[row[1] for row in TABLE_1]
)
def test_table_1_edges(gross, taxable, rate, quick, tax):
    (r,) = withhold("cn-resident-wages", [Payment("2026-01", D(gross))])
    assert (r.taxable_income, r.rate, r.quick_deduction, r.tax) == (
        D(taxable),
        D(rate),
        D(quick),
        D(tax),
    )


# Table 2 through one resident labour payment over 4,000: taxable = gross x 80%.
TABLE_2 = [
    ("25000", "20000", "0.20", "0", "4000.00"),
    ("25000.01", "20000.008", "0.30", "2000", "4000.00"),  # 6,000.0024 - 2,000
    ("30000", "24000", "0.30", "2000", "5200.00"),
    ("62500", "50000", "0.30", "2000", "13000.00"),
    ("62500.01", "50000.008", "0.40", "7000", "13000.00"),  # 20,000.0032 - 7,000
    ("100000", "80000", "0.40", "7000", "25000.00"),
]


@pytest.mark.parametrize(
    ("gross", "taxable", "rate", "quick", "tax"), TABLE_2, ids=[row[1] for row in TABLE_2]
)
def test_table_2_edges(gross, taxable, rate, quick, tax):
    (r,) = withhold("cn-resident-labour", [Payment("2026-01", D(gross))])
    assert (r.taxable_income, r.rate, r.quick_deduction, r.tax) == (
        D(taxable),
        D(rate),
        D(quick),
        D(tax),
    )


# Table 3 through one non-resident monthly wage: taxable = gross - 5,000.
TABLE_3 = [
    ("5000", "0", "0.03", "0", "0.00"),
    ("8000", "3000", "0.03", "0", "90.00"),
    ("8000.01", "3000.01", "0.10", "210", "90.00"),  # 300.001 - 210
    ("17000", "12000", "0.10", "210", "990.00"),
    ("17000.01", "12000.01", "0.20", "1410", "990.00"),  # 2,400.002 - 1,410
    ("30000", "25000", "0.20", "1410", "3590.00"),
    ("30000.01", "25000.01", "0.25", "2660", "3590.00"),  # 6,250.0025 - 2,660
    ("40000", "35000", "0.25", "2660", "6090.00"),
    ("40000.01", "35000.01", "0.30", "4410", "6090.00"),  # 10,500.003 - 4,410
    ("60000", "55000", "0.30", "4410", "12090.00"),
    ("60000.01", "55000.01", "0.35", "7160", "12090.00"),  # 19,250.0035 - 7,160
    ("85000", "80000", "0.35", "7160", "20840.00"),
    ("85000.01", "80000.01", "0.45", "15160", "20840.00"),  # 36,000.0045 - 15,160
    ("105000", "100000", "0.45", "15160", "29840.00"),
]


@pytest.mark.parametrize(
    ("gross", "taxable", "rate", "quick", "tax"), TABLE_3, ids=[row[1] for row in TABLE_3]
)
def test_table_3_edges(gross, taxable, rate, quick, tax):
    (r,) = withhold("cn-nonresident-wages", [Payment("2026-01", D(gross))])
    assert (r.taxable_income, r.rate, r.quick_deduction, r.tax) == (
        D(taxable),
        D(rate),
        D(quick),
        D(tax),
    )


@pytest.mark.parametrize(
    ("gross", "taxable", "rate", "tax"),
    [
        pytest.param("3750", "3000", "0.03", "90.00", id="3000"),
        pytest.param("3750.01", "3000.008", "0.10", "90.00", id="3000.008"),  # 300.0008 - 210
        pytest.param("100000", "80000", "0.35", "20840.00", id="80000"),
        pytest.param("100000.01", "80000.008", "0.45", "20840.00", id="80000.008"),
    ],
)
def test_table_3_edges_nonresident_labour(gross, taxable, rate, tax):
    (r,) = withhold("cn-nonresident-labour", [Payment("2026-01", D(gross))])
    assert (r.taxable_income, r.rate, r.tax) == (D(taxable), D(rate), D(tax))


@pytest.mark.parametrize(
    ("gross", "expense", "taxable", "tax"),
    [
        pytest.param("500", "800", "0", "0.00", id="below-800"),
        pytest.param("800", "800", "0", "0.00", id="800"),
        pytest.param("800.01", "800", "0.01", "0.00", id="800.01"),  # 0.002
        pytest.param("802.50", "800", "2.50", "0.50", id="802.50"),
        pytest.param("3999.99", "800", "3199.99", "640.00", id="3999.99"),  # 639.998
        pytest.param("4000", "800", "3200", "640.00", id="4000-both-rules-agree"),
        pytest.param("4000.01", "800.002", "3200.008", "640.00", id="4000.01"),  # 640.0016
        pytest.param("4000.04", "800.008", "3200.032", "640.01", id="4000.04"),  # 640.0064
        pytest.param("5000", "1000", "4000", "800.00", id="5000"),
    ],
)
def test_labour_800_or_20_percent_edge(gross, expense, taxable, tax):
    (r,) = withhold("cn-resident-labour", [Payment("2026-01", D(gross))])
    assert (r.expense, r.taxable_income, r.tax) == (D(expense), D(taxable), D(tax))
