"""``quote``: find the dated rules for the consignment's destination and date, apply them,
and add up the lines into a Quote."""

from __future__ import annotations

from decimal import Decimal, localcontext

from tax.errors import InvalidSetting, TaxInputError

from .amounts import CONTEXT, ZERO, allocate, minor_unit
from .model import (
    AT_BORDER,
    AT_CHECKOUT,
    DEFAULT_SETTINGS,
    Charge,
    Consignment,
    LineQuote,
    Quote,
    Settings,
)
from .rules import Refused, Result, Work
from .rules.banded import quote_banded
from .rules.cbec import quote_cbec
from .tables import DESTINATIONS, Destination, in_force


def quote(consignment: Consignment, settings: Settings = DEFAULT_SETTINGS) -> Quote:
    """Duties and import taxes on ``consignment`` under the rules of its date.

    Bad input raises a ``tax.errors.TaxInputError`` subclass (when the Line or Consignment
    is built). A sale the rules do not allow, or cannot price without more data, comes back
    with ``allowed=False`` and a ``reason``; it is not an exception.
    """
    if type(consignment) is not Consignment:
        raise TaxInputError("consignment", consignment, "expected a Consignment")
    if type(settings) is not Settings:
        raise InvalidSetting("settings", settings, "expected a tax.duties.Settings")
    c = consignment
    dest = DESTINATIONS[c.destination]
    with localcontext(CONTEXT):
        quantum, zero = _money(dest.currency)
        # Quantizing exact amounts only fixes their exponent, so every figure out has the
        # currency's places ("80.00", never "80"), whatever trailing zeros came in.
        values = [(line.quantity * line.unit_price).quantize(quantum) for line in c.lines]
        goods = sum(values, zero)
        freight = (c.shipping + c.insurance).quantize(quantum)
        extras = allocate(freight, values, quantum)
        work = Work(c, dest, quantum, zero, values, extras, goods, freight)

        period = in_force(dest.cbec or dest.periods, c.on)
        try:
            if period is None:
                raise Refused(
                    f"{dest.prefix}:none",
                    _no_rules(dest, c.on),
                    "no_rules",
                    {"destination": dest.code, "on": c.on.isoformat()},
                )
            if c.ships_from in dest.territory:
                raise Refused(
                    f"{dest.prefix}:not_import",
                    f"Ships from {c.ships_from}, inside {dest.name}'s customs territory: not "
                    "an import; domestic rules apply",
                    "not_import",
                    {"destination": dest.code, "ships_from": c.ships_from},
                )
            if dest.cbec:
                result = quote_cbec(work, period)
            else:
                result = quote_banded(work, period, settings)
        except Refused as refusal:
            return _refused(work, period, refusal)
        return _assemble(work, period, result)


_MONEY: dict[str, tuple[Decimal, Decimal]] = {}


def _money(currency: str) -> tuple[Decimal, Decimal]:
    """The currency's minor unit and a zero at its precision, looked up once."""
    found = _MONEY.get(currency)
    if found is None:
        quantum = minor_unit(currency)
        found = _MONEY[currency] = (quantum, ZERO.quantize(quantum))
    return found


def _assemble(work: Work, period, result: Result) -> Quote:
    c, dest = work.consignment, work.dest
    duty = tax = work.zero
    collected = AT_CHECKOUT
    rules: list[str] = []
    at_checkout: dict[str, Decimal] = {}
    at_border: dict[str, Decimal] = {}
    for line in result.lines:
        duty += line.duty
        tax += line.tax
        if line.rule not in rules:
            rules.append(line.rule)
        if line.collected == AT_BORDER:
            collected = AT_BORDER
            into = at_border
        else:
            into = at_checkout
        for part in line.parts:
            if part.amount:
                into[part.code] = into.get(part.code, ZERO) + part.amount
    return Quote(
        destination=c.destination,
        currency=c.currency,
        on=c.on,
        allowed=True,
        reason="",
        rule="+".join(rules),
        collected=collected,
        goods=work.goods,
        shipping=c.shipping.quantize(work.quantum),
        insurance=c.insurance.quantize(work.quantum),
        threshold=result.threshold,
        threshold_value=result.threshold_value,
        duty=duty,
        tax=tax,
        total=work.goods + work.freight + duty + tax,
        lines=tuple(result.lines),
        charges=_charges(dest, at_checkout),
        border_charges=_charges(dest, at_border),
        valid_from=period.start,
        valid_to=period.end,
        source=period.source,
    )


def _charges(dest: Destination, amounts: dict[str, Decimal]) -> tuple[Charge, ...]:
    if not amounts:
        return ()
    # Duty first (it is in the tax bases), then taxes in the order they first appeared.
    codes = sorted(amounts, key=lambda code: code != "duty")
    return tuple(Charge(code, dest.labels[code], amounts[code]) for code in codes)


def _refused(work: Work, period, refusal: Refused) -> Quote:
    c = work.consignment
    lines = tuple(
        LineQuote(
            line.description,
            line.hs_code,
            line.quantity,
            work.values[i],
            work.extras[i],
            refusal.rule,
            AT_CHECKOUT,
            work.zero,
            work.zero,
            (),
        )
        for i, line in enumerate(c.lines)
    )
    return Quote(
        destination=c.destination,
        currency=c.currency,
        on=c.on,
        allowed=False,
        reason=refusal.reason,
        rule=refusal.rule,
        collected=AT_CHECKOUT,
        goods=work.goods,
        shipping=c.shipping.quantize(work.quantum),
        insurance=c.insurance.quantize(work.quantum),
        threshold=None,
        threshold_value=None,
        duty=work.zero,
        tax=work.zero,
        total=work.goods + work.freight,
        lines=lines,
        charges=(),
        border_charges=(),
        valid_from=period.start if period else None,
        valid_to=period.end if period else None,
        source=period.source if period else "",
        reason_code=refusal.code,
        reason_params=refusal.params,
    )


def _no_rules(dest: Destination, on) -> str:
    spans = ", ".join(
        f"{p.start.isoformat()} to {p.end.isoformat() if p.end else 'open'}"
        for p in (dest.cbec or dest.periods)
    )
    return f"No {dest.name} import rules on file for {on.isoformat()}; the tables cover {spans}"
