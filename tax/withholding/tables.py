"""Dated rate tables and parameters, as data.

Every rule is a ``Dated`` row that knows the first and last day it applies (``valid_to``
``None`` = no known end). A change in the law is a new row here, not a new ``if``.
Sources are in /work/shared/reference/income-tax-withholding.md (section numbers below).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

T = TypeVar("T")

D = Decimal
CENT = D("0.01")
ZERO = D("0")


@dataclass(frozen=True, slots=True)
class Bracket:
    """One level of a progressive table: ``upper`` is inclusive (``None`` = no limit)."""

    upper: Decimal | None
    rate: Decimal
    quick_deduction: Decimal


@dataclass(frozen=True, slots=True)
class RateTable:
    name: str
    brackets: tuple[Bracket, ...]

    def bracket(self, amount: Decimal) -> Bracket:
        # Tables have at most 7 levels, so a linear scan beats bisect on Decimal keys.
        for b in self.brackets:
            if b.upper is None or amount <= b.upper:
                return b
        # Unreachable with the tables below (each ends open): a guard for a bad new table.
        raise AssertionError("a rate table must end with an open bracket")  # pragma: no mutate


# Runs at import only, before mutmut switches a mutant on (its mutants cannot be observed
# there); the tables' figures are pinned by tests/tax/test_withholding_brackets.py.
def _table(name: str, *rows: tuple[str | None, str, str]) -> RateTable:  # pragma: no mutate block
    return RateTable(
        name, tuple(Bracket(None if u is None else D(u), D(r), D(q)) for u, r, q in rows)
    )


# Table 1 (预扣率表一), cumulative taxable income; same as the annual table. Section 2.2.
TABLE_1 = _table(
    "Table 1 (cumulative, resident)",
    ("36000", "0.03", "0"),
    ("144000", "0.10", "2520"),
    ("300000", "0.20", "16920"),
    ("420000", "0.25", "31920"),
    ("660000", "0.30", "52920"),
    ("960000", "0.35", "85920"),
    (None, "0.45", "181920"),
)

# Table 2 (预扣率表二), resident labour per payment. Section 3.2 (not gdqww.com's mislabel).
TABLE_2 = _table(
    "Table 2 (labour per payment, resident)",
    ("20000", "0.20", "0"),
    ("50000", "0.30", "2000"),
    (None, "0.40", "7000"),
)

# Table 3 (按月换算后的综合所得税率表), non-residents, monthly or per payment. Section 5.2.
TABLE_3 = _table(
    "Table 3 (monthly, non-resident)",
    ("3000", "0.03", "0"),
    ("12000", "0.10", "210"),
    ("25000", "0.20", "1410"),
    ("35000", "0.25", "2660"),
    ("55000", "0.30", "4410"),
    ("80000", "0.35", "7160"),
    (None, "0.45", "15160"),
)


@dataclass(frozen=True, slots=True)
class Dated(Generic[T]):
    valid_from: date
    valid_to: date | None  # inclusive; None = in force until a later row is added
    value: T
    source: str

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


# --- China: parameters of each method -------------------------------------------------


@dataclass(frozen=True, slots=True)
class CumulativeRule:
    """Cumulative method: expense share of income, monthly basic deduction, table."""

    table: RateTable
    monthly_deduction: Decimal
    expense_rate: Decimal  # 0 for wages; 20% for platform labour (STA 2025 No. 16)


@dataclass(frozen=True, slots=True)
class LabourRule:
    """Resident labour per payment: flat expense up to a limit, else a share; Table 2."""

    table: RateTable
    flat_expense: Decimal
    flat_limit: Decimal  # income <= limit takes the flat expense
    expense_rate: Decimal


@dataclass(frozen=True, slots=True)
class NonresidentRule:
    """Non-resident wages (monthly deduction) or labour (income share); Table 3."""

    table: RateTable
    monthly_deduction: Decimal
    income_share: Decimal


START_2019 = date(2019, 1, 1)  # IIT Law as amended 2018 and STA 2018 No. 61 in force

CN_RESIDENT_WAGES = (
    Dated(START_2019, None, CumulativeRule(TABLE_1, D("5000"), ZERO), "STA 2018 No. 61 Art. 6"),
)
# STA 2020 No. 13 s.1: first wages of the year, basic deduction counted from January.
CN_FIRST_JOB = (Dated(date(2020, 7, 1), None, True, "STA 2020 No. 13 s.1"),)
# STA 2020 No. 19: last year's small earners, 60,000 deducted from January.
CN_FULL_YEAR_DEDUCTION = (Dated(date(2021, 1, 1), None, D("60000"), "STA 2020 No. 19"),)
CN_RESIDENT_LABOUR = (
    Dated(
        START_2019,
        None,
        LabourRule(TABLE_2, D("800"), D("4000"), D("0.20")),
        "STA 2018 No. 61; Regs Art. 14(1)",
    ),
)
CN_PLATFORM_LABOUR = (
    Dated(
        date(2025, 10, 1),
        None,
        CumulativeRule(TABLE_1, D("5000"), D("0.20")),
        "STA 2025 No. 16",
    ),
)
CN_NONRESIDENT_WAGES = (
    Dated(
        START_2019,
        None,
        NonresidentRule(TABLE_3, D("5000"), D("1")),
        "IIT Law Art. 6(1)(2)",
    ),
)
CN_NONRESIDENT_LABOUR = (
    Dated(
        START_2019,
        None,
        NonresidentRule(TABLE_3, ZERO, D("0.80")),
        "IIT Law Art. 6(1)(2), Art. 6 para. 2; Regs Art. 14(1)",
    ),
)

# --- United States (section 9.2) -------------------------------------------------------

# Backup withholding rate, 26 U.S.C. 3406: 24% from 2018 (TCJA), kept by OBBBA. Earlier
# years (28%) are not covered: the reference gives no start date for that rate.
US_BACKUP_RATE = (Dated(date(2018, 1, 1), None, D("0.24"), "26 U.S.C. 3406"),)

# 1099-NEC/MISC reporting threshold, "or more" in a calendar year. From 2027 it is indexed
# for inflation (new 6041(h)): add the published figure as a new row; until then 2027
# periods raise rather than guess.
US_REPORTING_THRESHOLD = (
    Dated(date(2018, 1, 1), date(2025, 12, 31), D("600"), "26 U.S.C. 6041(a)"),
    Dated(date(2026, 1, 1), date(2026, 12, 31), D("2000"), "P.L. 119-21 s.70433; 6041(a),(h)"),
)

# --- Hong Kong (section 9.1) -----------------------------------------------------------

# IR56M yearly thresholds for non-employees ("more than"): the reference records no start
# date, so the row is open at both ends.
HK_IR56M_THRESHOLDS = (
    Dated(
        date(1, 1, 1),
        None,
        (("ir56m-subcontractor", D("200000")), ("ir56m-other", D("25000"))),
        "IRO s.52; IR56M / IR6036B specimens",
    ),
)
