"""Benchmark: tax.duties quotes per second on one core.

    python bench/bench_duties.py [--iterations N]

A fixed mix of consignments to CN, GB, DE, US, AU and JP with 1 to 3 lines each. Each
iteration builds the Consignment (its validation is part of every checkout call) and
quotes it. Prints ``duties: N quotes/s (target 20000)``; exits 1 below the target.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from decimal import Decimal as D
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tax.duties import Consignment, Line, quote  # noqa: E402

TARGET = 20_000
CT = D("0.15")
ON = date(2026, 11, 21)


def _line(desc, hs, origin, qty, price, **rates):
    fields = {"description": desc, "hs_code": hs, "origin": origin, "quantity": qty}
    return {**fields, "unit_price": D(price), **rates}


# (destination, currency, lines, shipping, extra fields)
MIX = [
    ("CN", "CNY", [_line("Cream", "330499", "FR", 1, "480.00", vat_rate=D("0.13"))], "20.00", {}),
    (
        "CN",
        "CNY",
        [
            _line(
                "Serum", "330499", "KR", 2, "350.00", vat_rate=D("0.13"), consumption_tax_rate=CT
            ),
            _line("Vitamins", "210690", "AU", 3, "120.00", vat_rate=D("0.13")),
        ],
        "30.00",
        {"buyer_annual_used": D("8000.00")},
    ),
    ("GB", "GBP", [_line("T-shirt", "610910", "CN", 2, "12.50")], "3.50", {}),
    (
        "GB",
        "GBP",
        [
            _line("Jacket", "620193", "CN", 1, "160.00", duty_rate=D("0.12")),
            _line("Scarf", "621420", "CN", 1, "25.00", duty_rate=D("0.12")),
        ],
        "9.90",
        {},
    ),
    (
        "DE",
        "EUR",
        [
            _line("Case", "420232", "CN", 1, "19.90"),
            _line("Cable", "854442", "CN", 2, "6.50"),
            _line("Book", "490199", "US", 1, "24.00", vat_rate=D("0.07")),
        ],
        "4.90",
        {},
    ),
    ("DE", "EUR", [_line("Headphones", "851830", "CN", 1, "189.00", duty_rate=D("0.02"))], "0", {}),
    ("US", "USD", [_line("Tea", "090230", "JP", 4, "18.00", duty_rate=D("0.064"))], "12.00", {}),
    (
        "US",
        "USD",
        [
            _line("Bag", "420221", "IT", 1, "640.00", duty_rate=D("0.09")),
            _line("Wallet", "420231", "IT", 1, "120.00", duty_rate=D("0.08")),
        ],
        "25.00",
        {},
    ),
    ("AU", "AUD", [_line("Shoes", "640399", "VN", 1, "180.00")], "15.00", {}),
    (
        "AU",
        "AUD",
        [
            _line("Camera", "852580", "JP", 1, "1450.00", duty_rate=D("0")),
            _line("Strap", "420299", "JP", 2, "35.00", duty_rate=D("0.05")),
        ],
        "40.00",
        {},
    ),
    ("JP", "JPY", [_line("Sweets", "170490", "FR", 3, "2400")], "1800", {}),
    (
        "JP",
        "JPY",
        [
            _line("Perfume", "330300", "FR", 1, "24000", duty_rate=D("0")),
            _line("Candle", "340600", "FR", 2, "4500", duty_rate=D("0.033")),
            _line("Soap", "340111", "FR", 3, "1200", duty_rate=D("0")),
        ],
        "2600",
        {},
    ),
]


def _inputs():
    out = []
    for dest, currency, lines, shipping, extra in MIX:
        out.append((dest, currency, tuple(lines), D(shipping), extra))
    return out


def run(iterations: int) -> tuple[float, float]:
    """(quotes/s building and quoting, quotes/s quoting a built consignment)."""
    inputs = _inputs()
    built = []
    for dest, currency, lines, shipping, extra in inputs:
        c = Consignment(dest, currency, [Line(**f) for f in lines], shipping, on=ON, **extra)
        assert quote(c).allowed, (dest, quote(c).reason)
        built.append(c)
    n = len(inputs)

    start = time.perf_counter()
    for i in range(iterations):
        dest, currency, lines, shipping, extra = inputs[i % n]
        quote(Consignment(dest, currency, [Line(**f) for f in lines], shipping, on=ON, **extra))
    full = iterations / (time.perf_counter() - start)

    start = time.perf_counter()
    for i in range(iterations):
        quote(built[i % n])
    quote_only = iterations / (time.perf_counter() - start)
    return full, quote_only


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=60_000)
    args = parser.parse_args()
    run(2_000)  # warm up
    full, quote_only = run(args.iterations)
    print(f"duties: {full:,.0f} quotes/s (target {TARGET})")
    print(f"duties: {quote_only:,.0f} quotes/s quoting built consignments (no validation)")
    return 0 if full >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
