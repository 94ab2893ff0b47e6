"""Command line: quote one consignment and print the worked computation.

    python -m tax.duties --to GB --currency GBP --on 2026-11-21 --shipping 3.50 \\
        --line "Face cream,330499,JP,2,40.00"

Exit status: 0 quoted, 1 refused by the rules (the reason is printed), 2 bad input (one
line on stderr).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date
from decimal import Decimal, InvalidOperation

from tax.errors import TaxInputError

from .engine import quote
from .explain import explain
from .model import EU_FLAT_DUTY_SCOPES, Consignment, Line, Settings
from .tables import DESTINATIONS

LINE_HELP = (
    'one order line, CSV: "description,hs_code,origin,quantity,unit_price" plus optional '
    "vat=RATE, duty=RATE, ct=RATE (China consumption tax); a RATE is a fraction (0.20) or a "
    "percentage (20%%). Quote a description with commas: '\"Cream, face\",330499,JP,1,9.00'. "
    "Repeat for each line."
)
RATE_KEYS = {"vat": "vat_rate", "duty": "duty_rate", "ct": "consumption_tax_rate"}


class InputProblem(ValueError):
    """A command-line value that cannot be read."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one readable line, not usage + message
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m tax.duties",
        description="Quote import duties and taxes on one consignment and show the working. "
        "Amounts are in the destination's customs currency and exclude its taxes.",
        epilog="Example: python -m tax.duties --to GB --currency GBP --on 2026-11-21 "
        "--shipping 3.50 --line 'Face cream,330499,JP,2,40.00'. "
        "Exit status: 0 quoted, 1 refused by the rules, 2 bad input.",
    )
    parser.add_argument(
        "--to",
        required=True,
        help="destination: CN, GB, US, AU, SG, MY, JP, HK, an EU "
        "member (DE, FR, ...), or CA-XX for a Canadian province (CA-ON)",
    )
    parser.add_argument("--currency", help="the destination's currency (default: that one)")
    parser.add_argument("--on", help="order date, YYYY-MM-DD (default: today)")
    parser.add_argument("--shipping", default="0", help="shipping charged (default 0)")
    parser.add_argument("--insurance", default="0", help="insurance charged (default 0)")
    parser.add_argument("--from", dest="ships_from", default="", help="country shipped from")
    parser.add_argument(
        "--annual-used", default="0", help="China: buyer's cross-border purchases this year"
    )
    parser.add_argument("--line", action="append", required=True, help=LINE_HELP)
    parser.add_argument("--no-ioss", action="store_true", help="EU: seller not using IOSS")
    parser.add_argument("--postal", action="store_true", help="parcel goes by post")
    parser.add_argument(
        "--eu-duty-scope",
        default="all_b2c",
        choices=EU_FLAT_DUTY_SCOPES,
        help="EU EUR 3 duty scope (default all_b2c)",
    )
    parser.add_argument(
        "--eu-duty-depth", type=int, default=6, help="EU EUR 3 duty: HS digits (6-10)"
    )
    parser.add_argument("--json", action="store_true", help="print the quote as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        consignment, settings = _consignment(args)
        result = quote(consignment, settings)
    except (TaxInputError, InputProblem) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(explain(result))
    return 0 if result.allowed else 1


def _consignment(args: argparse.Namespace) -> tuple[Consignment, Settings]:
    dest = DESTINATIONS.get(args.to)
    currency = args.currency or (dest.currency if dest else "")
    on = _date(args.on) if args.on else date.today()
    consignment = Consignment(
        destination=args.to,
        currency=currency,
        lines=[_line(text) for text in args.line],
        shipping=_decimal("--shipping", args.shipping),
        insurance=_decimal("--insurance", args.insurance),
        on=on,
        ships_from=args.ships_from,
        buyer_annual_used=_decimal("--annual-used", args.annual_used),
    )
    settings = Settings(
        eu_flat_duty_scope=args.eu_duty_scope,
        eu_flat_duty_depth=args.eu_duty_depth,
        ioss=not args.no_ioss,
        postal=args.postal,
    )
    return consignment, settings


def _line(text: str) -> Line:
    fields = next(csv.reader([text], skipinitialspace=True), [])
    if len(fields) < 5:
        raise InputProblem(
            f"--line {text!r}: expected description,hs_code,origin,quantity,unit_price"
        )
    description, hs_code, origin, quantity, price = (f.strip() for f in fields[:5])
    try:
        count = int(quantity)
    except ValueError:
        raise InputProblem(
            f"--line {text!r}: quantity {quantity!r} is not a whole number"
        ) from None
    rates = {}
    for extra in fields[5:]:
        key, _, value = extra.partition("=")
        if key.strip() not in RATE_KEYS or not value:
            raise InputProblem(f"--line {text!r}: unknown option {extra!r} (vat=, duty=, ct=)")
        rates[RATE_KEYS[key.strip()]] = _rate(f"--line {key.strip()}=", value.strip())
    return Line(description, hs_code, origin, count, _decimal("--line unit_price", price), **rates)


def _rate(name: str, text: str) -> Decimal:
    if text.endswith("%"):
        return _decimal(name, text[:-1]) / 100
    return _decimal(name, text)


def _decimal(name: str, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InputProblem(f"{name} {text!r} is not a number") from None
    return value


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputProblem(f"--on {text!r} is not a date (YYYY-MM-DD)") from None


if __name__ == "__main__":
    sys.exit(main())
