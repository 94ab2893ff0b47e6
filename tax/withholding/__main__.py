"""Show a withholding computation step by step.

    python -m tax.withholding --regime cn-resident-labour 2000
    python -m tax.withholding --regime cn-resident-wages --deductions 6500 30000 30000 30000
    python -m tax.withholding --regime cn-resident-labour --period 2026-03 3000 3000

Several amounts are several payments. ``--period``, ``--deductions``, ``--exempt`` and
``--project`` take one value for every payment or one per payment (repeat the option or
separate with commas). Without ``--period`` payments fall in consecutive months from the
start of the current tax year. Errors print one line and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation

from tax.errors import InvalidAmount, TaxInputError

from . import REGIMES, Payment, withhold
from .explain import explain, money


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, not usage + message
        self.exit(2, f"error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m tax.withholding",
        description="Income-tax withholding, computed step by step.",
    )
    p.add_argument("--regime", required=True, help=f"one of: {', '.join(REGIMES)}")
    p.add_argument("amounts", nargs="+", metavar="AMOUNT", help="gross of each payment")
    for name, what in (
        ("period", "month paid, YYYY-MM"),
        ("deductions", "special + special additional + other deductions (wages)"),
        ("exempt", "exempt income in the payment"),
        ("project", "project of labour payments (same project and month = one payment)"),
    ):
        p.add_argument(f"--{name}", action="append", default=[], help=what)
    p.add_argument("--first-job-of-year", action="store_true", help="STA 2020 No. 13")
    p.add_argument("--full-year-deduction", action="store_true", help="STA 2020 No. 19")
    p.add_argument("--no-taxpayer-id", action="store_true", help="us: no TIN on file")
    p.add_argument(
        "--prior-year-reported",
        action="store_true",
        help="us: a return was due for, or backup withholding made from, the payee last year",
    )
    p.add_argument(
        "--platform-months", choices=("consecutive", "with-income"), help="cn-platform-labour"
    )
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    return p


def _spread(values: list[str], n: int, name: str) -> list[str] | None:
    items = [v.strip() for chunk in values for v in chunk.split(",")]
    if not items:
        return None
    if len(items) == 1:
        return items * n
    if len(items) != n:
        raise TaxInputError(name, ",".join(items), f"give 1 value or {n} (one per amount)")
    return items


def _amount(text: str, field: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InvalidAmount(field, text, "not a number") from None


def _payments(args: argparse.Namespace) -> list[Payment]:
    n = len(args.amounts)
    periods = _spread(args.period, n, "--period")
    if periods is None:
        start = REGIMES[args.regime].year_start_month if args.regime in REGIMES else 1
        today = date.today()
        year = today.year if today.month >= start else today.year - 1
        if n > 12:
            raise TaxInputError("amounts", n, "more than 12 payments: give --period")
        first = year * 12 + start - 1
        periods = [f"{(first + k) // 12:04d}-{(first + k) % 12 + 1:02d}" for k in range(n)]
    deductions = _spread(args.deductions, n, "--deductions") or ["0"] * n
    exempt = _spread(args.exempt, n, "--exempt") or ["0"] * n
    projects = _spread(args.project, n, "--project") or [""] * n
    return [
        Payment(
            period=periods[k],
            gross=_amount(args.amounts[k], f"amount {k + 1}"),
            exempt=_amount(exempt[k], f"--exempt {k + 1}"),
            deductions=_amount(deductions[k], f"--deductions {k + 1}"),
            project=projects[k],
        )
        for k in range(n)
    ]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    elections = {}
    if args.first_job_of_year:
        elections["first_job_of_year"] = True
    if args.full_year_deduction:
        elections["full_year_deduction"] = True
    if args.no_taxpayer_id:
        elections["has_taxpayer_id"] = False
    if args.prior_year_reported:
        elections["prior_year_reported"] = True
    if args.platform_months:
        elections["platform_months"] = args.platform_months
    try:
        results = withhold(args.regime, _payments(args), **elections)
    except TaxInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([r.as_dict() for r in results], indent=2, ensure_ascii=False))
        return 0
    print(f"{args.regime}: {REGIMES[args.regime].title}")
    total = Decimal("0.00")
    blocks = [explain(r) for r in results]
    width = max(len(label) for rows in blocks for label, _ in rows)
    for k, (r, rows) in enumerate(zip(results, blocks, strict=True), 1):
        project = f", project {r.project}" if r.project else ""
        print(f"\nPayment {k}: period {r.period}{project} ({r.currency})")
        for label, value in rows:
            print(f"  {label:<{width}}  {value:>14}")
        if r.flags:
            print(f"  flags: {', '.join(r.flags)}")
        total += r.tax
    currency = results[0].currency
    print(f"\nTotal to withhold: {money(total)} {currency} over {len(results)} payment(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
