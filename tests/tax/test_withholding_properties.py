"""Properties over generated years of payments (hypothesis).

The oracle taxes Table 1 income band by band (marginal rates, no quick deductions), an
independent route to the same figure as rate x income - quick deduction.
"""

from decimal import ROUND_HALF_UP
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from tax.withholding import Payment, withhold

# Table 1 bands (reference section 2.2): upper limit, marginal rate.
BANDS = [
    (D("36000"), D("0.03")),
    (D("144000"), D("0.10")),
    (D("300000"), D("0.20")),
    (D("420000"), D("0.25")),
    (D("660000"), D("0.30")),
    (D("960000"), D("0.35")),
    (None, D("0.45")),
]


def marginal_tax(taxable):
    tax, lower = D(0), D(0)
    for upper, rate in BANDS:
        top = taxable if upper is None else min(taxable, upper)
        if top > lower:
            tax += (top - lower) * rate
        if upper is None or taxable <= upper:
            break
        lower = upper
    return tax.quantize(D("0.01"), ROUND_HALF_UP)


money = st.decimals(min_value=0, max_value=300000, places=2)
big_money = st.decimals(min_value=0, max_value=1500000, places=2)
ALL = [
    "cn-resident-wages",
    "cn-resident-labour",
    "cn-platform-labour",
    "cn-nonresident-wages",
    "cn-nonresident-labour",
    "hk",
    "us",
]


@st.composite
def year(draw, regime="cn-resident-wages", amounts=money):
    """Payments in time order within 2026 (HK: April 2026 to March 2027)."""
    n = draw(st.integers(min_value=1, max_value=14))
    months = sorted(draw(st.lists(st.integers(0, 11), min_size=n, max_size=n)))
    start = 3 if regime == "hk" else 0
    payments = []
    for m in months:
        index = 2026 * 12 + start + m
        period = f"{index // 12}-{index % 12 + 1:02d}"
        gross = draw(amounts)
        exempt = deductions = D(0)
        if regime.startswith("cn-"):
            exempt = draw(st.decimals(min_value=0, max_value=gross, places=2))
        if regime in ("cn-resident-wages", "cn-platform-labour"):
            deductions = draw(st.decimals(min_value=0, max_value=20000, places=2))
        project = draw(st.sampled_from(["", "A"]))
        payments.append(Payment(period, gross, exempt, deductions, project))
    return payments


@settings(max_examples=300, deadline=None)
@given(data=st.data(), regime=st.sampled_from(ALL))
def test_withholding_is_never_negative_and_in_fen(data, regime):
    payments = data.draw(year(regime))
    elections = {"has_taxpayer_id": data.draw(st.booleans())} if regime == "us" else {}
    results = withhold(regime, payments, **elections)
    assert len(results) == len(payments)
    for r in results:
        assert r.tax >= 0
        assert r.tax.as_tuple().exponent == -2


@st.composite
def full_wage_year(draw):
    """January to December, each month's income at least its deductions + 5,000."""
    payments = []
    for m in range(1, 13):
        exempt = draw(st.decimals(min_value=0, max_value=5000, places=2))
        deductions = draw(st.decimals(min_value=0, max_value=20000, places=2))
        extra = draw(big_money)
        gross = exempt + deductions + D(5000) + extra
        payments.append(Payment(f"2026-{m:02d}", gross, exempt, deductions))
    return payments


@settings(max_examples=300, deadline=None)
@given(payments=full_wage_year())
def test_year_withholding_equals_tax_on_year_taxable(payments):
    results = withhold("cn-resident-wages", payments)
    taxable = sum(p.gross - p.exempt - p.deductions for p in payments) - D(60000)
    assert results[-1].cumulative_taxable == taxable
    assert sum(r.tax for r in results) == marginal_tax(taxable)


@settings(max_examples=300, deadline=None)
@given(payments=year())
def test_year_withholding_with_negative_months(payments):
    # With negative months the total is the highest cumulative tax reached in the year,
    # never less than the tax on the year's final cumulative taxable income.
    results = withhold("cn-resident-wages", payments)
    total = sum(r.tax for r in results)
    assert total == max(r.cumulative_tax for r in results)
    assert total >= marginal_tax(results[-1].cumulative_taxable)


@settings(max_examples=300, deadline=None)
@given(
    data=st.data(),
    regime=st.sampled_from(ALL[:5] + ["us"]),
    raise_by=st.decimals(min_value=0, max_value=100000, places=2),
)
def test_raising_income_never_lowers_the_years_tax(data, regime, raise_by):
    payments = data.draw(year(regime))
    i = data.draw(st.integers(0, len(payments) - 1))
    p = payments[i]
    raised = [
        *payments[:i],
        Payment(p.period, p.gross + raise_by, p.exempt, p.deductions, p.project),
        *payments[i + 1 :],
    ]
    elections = {"has_taxpayer_id": False} if regime == "us" else {}
    before = sum(r.tax for r in withhold(regime, payments, **elections))
    after = sum(r.tax for r in withhold(regime, raised, **elections))
    assert after >= before
