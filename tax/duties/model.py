"""What goes in (Line, Consignment, Settings) and what comes out (Quote, LineQuote, ...).

Inputs are validated when built, so a Consignment that exists is well formed; a bad field
raises a ``tax.errors.TaxInputError`` subclass naming it (``lines[1].hs_code``, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from typing import Any, NamedTuple

from tax.errors import (
    EmptyConsignment,
    InvalidCountry,
    InvalidSetting,
    MixedCurrency,
    UnknownDestination,
)

from . import checks
from .amounts import CONTEXT, ONE, ZERO, minor_unit
from .countries import ISO_ALPHA2
from .tables import DESTINATIONS

AT_CHECKOUT = "at_checkout"
AT_BORDER = "at_border"

EU_FLAT_DUTY_SCOPES = ("ioss", "ioss_postal", "all_b2c")


@dataclass(frozen=True, slots=True)
class Line:
    """One order line. Amounts exclude the destination's taxes; rates are fractions.

    ``vat_rate`` overrides the destination's standard VAT/GST/consumption-tax rate (a
    reduced or zero rate); for China it is required (13% or 9%, from the tariff).
    ``consumption_tax_rate`` is China's consumption tax (cosmetics 15%); ``None`` means none.
    ``duty_rate`` is the ad valorem duty from the destination's tariff for this HS code
    (all additional duties included); required wherever a rule levies duty at the rate.
    """

    description: str
    hs_code: str
    origin: str
    quantity: int
    unit_price: Decimal
    consumption_tax_rate: Decimal | None = None
    vat_rate: Decimal | None = None
    duty_rate: Decimal | None = None

    def __post_init__(self) -> None:
        # One compound test for the usual, valid line (validation runs on every quote);
        # only when it fails do the field checks run, in order, to name the first bad one.
        desc, hs, price = self.description, self.hs_code, self.unit_price
        ct, vat, duty = self.consumption_tax_rate, self.vat_rate, self.duty_rate
        if (
            type(desc) is str
            and desc
            and not desc.isspace()
            and type(hs) is str
            and 6 <= len(hs) <= 10
            and hs.isdigit()
            and hs.isascii()
            and type(self.origin) is str
            and self.origin in ISO_ALPHA2
            and type(self.quantity) is int
            and self.quantity > 0
            and type(price) is Decimal
            and price.is_finite()
            and price >= ZERO
            and (ct is None or (type(ct) is Decimal and ct.is_finite() and ZERO <= ct < ONE))
            and (vat is None or (type(vat) is Decimal and vat.is_finite() and ZERO <= vat <= ONE))
            and (
                duty is None
                or (
                    type(duty) is Decimal
                    and duty.is_finite()
                    and ZERO <= duty <= checks.MAX_DUTY_RATE
                )
            )
        ):
            return
        checks.check_text("description", desc)
        checks.check_hs_code("hs_code", hs)
        checks.check_country("origin", self.origin)
        checks.check_quantity("quantity", self.quantity)
        checks.check_amount("unit_price", price)
        checks.check_rate("consumption_tax_rate", ct, below_one=True)
        checks.check_rate("vat_rate", vat)
        checks.check_rate("duty_rate", duty, cap=checks.MAX_DUTY_RATE)


@dataclass(frozen=True, slots=True)
class Consignment:
    """One parcel to one destination, all amounts in the destination's customs currency.

    ``destination``: ISO 3166-1 alpha-2 (an EU member, GB, US, ...), or "CA-XX" with the
    ISO 3166-2 province for Canada. ``on``: the order date; the rules of that date apply.
    ``ships_from``: the country the parcel leaves from ("" if unknown). ``buyer_annual_used``:
    China only, the buyer's cross-border purchases so far this calendar year.
    ``lines`` may be given as a list; it is kept as a tuple.
    """

    destination: str
    currency: str
    lines: tuple[Line, ...]
    shipping: Decimal = ZERO
    insurance: Decimal = ZERO
    on: date | None = None
    ships_from: str = ""
    buyer_annual_used: Decimal = ZERO

    def __post_init__(self) -> None:
        dest = DESTINATIONS.get(self.destination) if type(self.destination) is str else None
        if dest is None:
            if type(self.destination) is str and (
                self.destination in ISO_ALPHA2 or self.destination[:3] == "CA-"
            ):
                raise UnknownDestination(
                    "destination", self.destination, "no duty rules for this destination"
                )
            raise InvalidCountry(
                "destination", self.destination, "expected an ISO 3166-1 alpha-2 code, e.g. 'GB'"
            )
        if self.currency != dest.currency:
            raise MixedCurrency(
                "currency",
                self.currency,
                f"{dest.name} is quoted in {dest.currency}, its customs currency; "
                "convert at the customs rate first",
            )
        lines = self.lines
        if type(lines) is not tuple:
            if not isinstance(lines, list):
                raise EmptyConsignment("lines", lines, "expected a list of Line")
            lines = tuple(lines)
            object.__setattr__(self, "lines", lines)
        if not lines:
            raise EmptyConsignment("lines", self.lines, "a consignment needs at least one line")
        quantum = minor_unit(dest.currency)
        for i, line in enumerate(lines):
            if type(line) is not Line:
                raise EmptyConsignment(f"lines[{i}]", line, "expected a Line")
            if not _whole_units(line.unit_price, quantum):
                checks.check_precision(
                    f"lines[{i}].unit_price", line.unit_price, quantum, self.currency
                )
        for name in ("shipping", "insurance", "buyer_annual_used"):
            value = getattr(self, name)
            if not (
                type(value) is Decimal
                and value.is_finite()
                and value >= ZERO
                and _whole_units(value, quantum)
            ):
                checks.check_amount(name, value)
                checks.check_precision(name, value, quantum, self.currency)
        if type(self.on) is not date:
            checks.check_date("on", self.on)
        if self.ships_from != "":
            checks.check_country("ships_from", self.ships_from)


def _whole_units(value: Decimal, quantum: Decimal) -> bool:
    """True if ``value`` is a whole number of minor units (False too if it is too large)."""
    if not value:
        return True
    try:
        return value.quantize(quantum, rounding=ROUND_DOWN, context=CONTEXT) == value
    except InvalidOperation:
        return False


@dataclass(frozen=True, slots=True)
class Settings:
    """Choices the reference leaves open (section 9), per shop or per shipping method.

    ``eu_flat_duty_scope``: which low-value EU consignments pay the EUR 3 duty: "ioss" (IOSS
    sales only), "ioss_postal" (IOSS or postal), "all_b2c" (every B2C consignment up to
    EUR 150, the reference's engine rule; default). ``eu_flat_duty_depth``: digits of the HS
    code that make a "distinct tariff sub-heading": 6 (H7 declarations; default) to 10 (H1).
    ``ioss``: the seller charges EU VAT at sale under IOSS (default True).
    ``postal``: the parcel goes by post, not courier (Canada's C$20 limit; EU scope).
    """

    eu_flat_duty_scope: str = "all_b2c"
    eu_flat_duty_depth: int = 6
    ioss: bool = True
    postal: bool = False

    def __post_init__(self) -> None:
        if self.eu_flat_duty_scope not in EU_FLAT_DUTY_SCOPES:
            raise InvalidSetting(
                "eu_flat_duty_scope",
                self.eu_flat_duty_scope,
                f"expected one of {', '.join(EU_FLAT_DUTY_SCOPES)}",
            )
        depth = self.eu_flat_duty_depth
        if type(depth) is not int or not 6 <= depth <= 10:
            raise InvalidSetting("eu_flat_duty_depth", depth, "expected an int from 6 to 10")
        for name in ("ioss", "postal"):
            if type(getattr(self, name)) is not bool:
                raise InvalidSetting(name, getattr(self, name), "expected True or False")


DEFAULT_SETTINGS = Settings()


class Part(NamedTuple):
    """One tax or duty on one line: ``amount`` = round(``base`` x ``rate``) by ``method``.

    ``base`` and ``rate`` are None for a flat amount. ``method`` says in words how the
    figure was reached (formula and rounding level), for finance staff checking by hand.
    """

    code: str
    base: Decimal | None
    rate: Decimal | None
    amount: Decimal
    method: str


class Charge(NamedTuple):
    """A named surcharge line: ("import_vat", "Import VAT (UK)", Decimal("8.00"))."""

    code: str
    label: str
    amount: Decimal


# Results are plain (not frozen) slotted dataclasses: each quote builds fresh ones, and a
# frozen dataclass costs ~1.5 us more to build, a tenth of a quote. Treat them as read-only.
@dataclass(slots=True)
class LineQuote:
    description: str
    hs_code: str
    quantity: int
    value: Decimal  # quantity x unit price
    extras: Decimal  # this line's share of shipping + insurance
    rule: str  # "<destination>:<regime>", e.g. "gb:at_sale", "cn:cbec"
    collected: str
    duty: Decimal
    tax: Decimal
    parts: tuple[Part, ...]


@dataclass(slots=True)
class Quote:
    """Duties and taxes on one consignment, in its currency, rounded to the minor unit.

    ``total`` = goods + shipping + insurance + duty + tax (the landed cost).
    ``charges``: what checkout adds as surcharges (collected at checkout), zero ones left out;
    ``border_charges``: what is due at import instead (an estimate to show the buyer).
    ``collected`` is "at_border" when anything is assessed at the border, else "at_checkout".
    A refused quote (``allowed`` False, ``reason`` says why in English, ``reason_code`` and
    ``reason_params`` in a stable form for translation: ``tax.reasons``) carries no duty,
    tax or charges.
    ``valid_from`` / ``valid_to`` bound the dated rules applied (``valid_to`` exclusive).
    """

    destination: str
    currency: str
    on: date
    allowed: bool
    reason: str
    rule: str
    collected: str
    goods: Decimal
    shipping: Decimal
    insurance: Decimal
    threshold: Decimal | None  # the limit tested (per item for SG and MY)
    threshold_value: Decimal | None  # the consignment value tested (None when per item)
    duty: Decimal
    tax: Decimal
    total: Decimal
    lines: tuple[LineQuote, ...]
    charges: tuple[Charge, ...]
    border_charges: tuple[Charge, ...]
    valid_from: date | None
    valid_to: date | None
    source: str
    # A refusal's stable code and JSON-safe params (tax.reasons); "" and {} when allowed.
    reason_code: str = ""
    reason_params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: Decimals as strings, dates as ISO strings."""
        return {
            "destination": self.destination,
            "currency": self.currency,
            "on": self.on.isoformat(),
            "allowed": self.allowed,
            "reason": self.reason,
            "rule": self.rule,
            "collected": self.collected,
            "goods": str(self.goods),
            "shipping": str(self.shipping),
            "insurance": str(self.insurance),
            "threshold": _text(self.threshold),
            "threshold_value": _text(self.threshold_value),
            "duty": str(self.duty),
            "tax": str(self.tax),
            "total": str(self.total),
            "lines": [_line_dict(line) for line in self.lines],
            "charges": [_charge_dict(c) for c in self.charges],
            "border_charges": [_charge_dict(c) for c in self.border_charges],
            "valid_from": _text(self.valid_from),
            "valid_to": _text(self.valid_to),
            "source": self.source,
            "reason_code": self.reason_code,
            "reason_params": dict(self.reason_params),
        }


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def _charge_dict(charge: Charge) -> dict[str, str]:
    return {"code": charge.code, "label": charge.label, "amount": str(charge.amount)}


def _line_dict(line: LineQuote) -> dict[str, Any]:
    return {
        "description": line.description,
        "hs_code": line.hs_code,
        "quantity": line.quantity,
        "value": str(line.value),
        "extras": str(line.extras),
        "rule": line.rule,
        "collected": line.collected,
        "duty": str(line.duty),
        "tax": str(line.tax),
        "parts": [
            {
                "code": p.code,
                "base": _text(p.base),
                "rate": _text(p.rate),
                "amount": str(p.amount),
                "method": p.method,
            }
            for p in line.parts
        ],
    }


__all__ = [
    "AT_BORDER",
    "AT_CHECKOUT",
    "Charge",
    "Consignment",
    "DEFAULT_SETTINGS",
    "Line",
    "LineQuote",
    "Part",
    "Quote",
    "Settings",
]
