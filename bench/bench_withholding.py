"""Withholding throughput on one core: python bench/bench_withholding.py

One payment's result counts as one computation. Measures 12-month resident wage years
(cumulative method) and single resident labour payments (one call each, so the call
overhead is included), best of several rounds of a fixed number of iterations. Exits 1 if
either is below the target.
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tax.withholding import Payment, withhold  # noqa: E402

TARGET = 100_000
ROUNDS = 5


def measure(regime: str, payments: list[Payment], iterations: int, **elections) -> float:
    best = 0.0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(iterations):
            withhold(regime, payments, **elections)
        elapsed = time.perf_counter() - start
        best = max(best, iterations * len(payments) / elapsed)
    return best


def main() -> int:
    wages = [
        Payment(f"2026-{m:02d}", Decimal("30000.00"), deductions=Decimal("6500.00"))
        for m in range(1, 13)
    ]
    labour = [Payment("2026-03", Decimal("60000.00"), project="live")]
    platform = [Payment(f"2026-{m:02d}", Decimal("12345.67")) for m in range(1, 13)]
    # Wrong answers fast are worth nothing: check the reference figures first.
    assert sum(r.tax for r in withhold("cn-resident-wages", wages)) == Decimal("27480.00")
    assert withhold("cn-resident-labour", labour)[0].tax == Decimal("12400.00")

    cases = [
        ("cn-resident-wages, 12-month years", "cn-resident-wages", wages, 5_000, True),
        ("cn-resident-labour, single payments", "cn-resident-labour", labour, 40_000, True),
        ("cn-platform-labour, 12-month years", "cn-platform-labour", platform, 5_000, False),
    ]
    # US backup withholding, no TIN: 12 payments crossing the USD 2,000 threshold in March.
    us = [Payment(f"2026-{m:02d}", Decimal("800.00")) for m in range(1, 13)]
    assert [r.tax for r in withhold("us", us[:4], has_taxpayer_id=False)] == [
        Decimal("0.00"),
        Decimal("0.00"),
        Decimal("192.00"),  # 800 + 800 + 800 = 2,400 >= 2,000: 800 x 24%
        Decimal("192.00"),
    ]
    failed = False
    runs = [(*case, {}) for case in cases]
    runs.append(("us, no TIN, 12 payments", "us", us, 5_000, False, {"has_taxpayer_id": False}))
    for label, regime, payments, iterations, gated, elections in runs:
        withhold(regime, payments, **elections)  # warm caches (period parsing, rule lookup)
        rate = measure(regime, payments, iterations, **elections)
        mark = "" if rate >= TARGET else "  BELOW TARGET"
        print(f"withholding: {rate:,.0f} computations/s (target {TARGET}) [{label}]{mark}")
        failed |= gated and rate < TARGET
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
