"""Rule families: ``banded`` (threshold bands: EU, GB, US, AU, SG, MY, JP, CA, HK) and
``cbec`` (China's cross-border retail import limits). Each takes the prepared ``Work`` and
the dated rules in force, and returns the per-line results or raises ``Refused``."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from ..model import Consignment, LineQuote
from ..tables import Destination


class Work(NamedTuple):
    """What every rule needs, computed once per quote."""

    consignment: Consignment
    dest: Destination
    quantum: Decimal  # the currency's minor unit
    zero: Decimal  # zero at the currency's precision (Decimal("0.00"), JPY Decimal("0"))
    values: list[Decimal]  # per line: quantity x unit price
    extras: list[Decimal]  # per line: share of shipping + insurance
    goods: Decimal
    freight: Decimal  # shipping + insurance


class Refused(Exception):
    """The sale may not go ahead as asked; ``quote`` turns this into allowed=False.

    ``reason`` is English; ``code`` and ``params`` (JSON-safe) are listed in ``tax.reasons``.
    """

    def __init__(self, rule: str, reason: str, code: str, params: dict[str, Any]) -> None:
        super().__init__(reason)
        self.rule = rule
        self.reason = reason
        self.code = code
        self.params = params


class Result(NamedTuple):
    lines: list[LineQuote]
    threshold: Decimal | None
    threshold_value: Decimal | None


def line_name(index: int, work: Work) -> str:
    line = work.consignment.lines[index]
    return f"line {index + 1} ({line.description}, HS {line.hs_code})"


def line_params(index: int, work: Work) -> dict[str, Any]:
    """The params naming a line in a refusal (see ``tax.reasons``)."""
    line = work.consignment.lines[index]
    return {"line": index + 1, "description": line.description, "hs_code": line.hs_code}


def amount_param(amount: Decimal, quantum: Decimal) -> str:
    """An amount as an exact decimal string at the currency's places: "26000.00"."""
    return str(amount.quantize(quantum))
