"""Writes for the partner fork: loading FX rates."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction

from catalog.validators import validate_currency_code

from .fx import rates_clear_cache
from .models import Rate

REQUIRED_COLUMNS = ("base", "quote", "rate", "source", "as_of")


class RateFileError(ValueError):
    """A rates file that cannot be loaded; says which line and field."""


def _row_error(line: int, field: str, value: str, why: str) -> RateFileError:
    return RateFileError(f"line {line}: {field}={value!r}: {why}")


def _parse_row(line: int, row: dict[str, str]) -> dict:
    kind = (row.get("kind") or Rate.Kind.DISPLAY).strip()
    if kind not in Rate.Kind.values:
        raise _row_error(line, "kind", kind, f"must be one of {', '.join(Rate.Kind.values)}")
    parsed = {"kind": kind}
    for field in ("base", "quote"):
        code = (row.get(field) or "").strip().upper()
        try:
            validate_currency_code(code)
        except ValidationError:
            raise _row_error(line, field, code, "not an ISO 4217 currency code") from None
        parsed[field] = code
    raw_rate = (row.get("rate") or "").strip()
    try:
        rate = Decimal(raw_rate)
    except InvalidOperation:
        raise _row_error(line, "rate", raw_rate, "not a decimal number") from None
    if not rate.is_finite() or rate <= 0:
        raise _row_error(line, "rate", raw_rate, "must be a positive number")
    parsed["rate"] = rate
    raw_date = (row.get("as_of") or "").strip()
    try:
        parsed["as_of"] = date.fromisoformat(raw_date)
    except ValueError:
        raise _row_error(line, "as_of", raw_date, "not a YYYY-MM-DD date") from None
    parsed["source"] = (row.get("source") or "").strip()
    if not parsed["source"]:
        raise _row_error(line, "source", "", "give where the rate comes from")
    return parsed


@transaction.atomic
def rates_load_csv(*, file: IO[str]) -> int:
    """Load (insert or update) every rate in a CSV file; all rows or none.

    Columns: ``base,quote,rate,source,as_of`` and optionally ``kind`` (display or customs).
    """
    reader = csv.DictReader(file)
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise RateFileError(f"line 1: missing column(s) {', '.join(missing)}")
    count = 0
    for line, row in enumerate(reader, start=2):
        parsed = _parse_row(line, row)
        Rate.objects.update_or_create(
            kind=parsed["kind"],
            base=parsed["base"],
            quote=parsed["quote"],
            as_of=parsed["as_of"],
            defaults={"rate": parsed["rate"], "source": parsed["source"]},
        )
        count += 1
    transaction.on_commit(rates_clear_cache)
    return count
