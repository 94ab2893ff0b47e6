"""A worked computation of a Quote, in plain text, for finance staff to check by hand."""

from __future__ import annotations

from decimal import Decimal

from .model import Quote
from .tables import DESTINATIONS


def explain(q: Quote) -> str:
    dest = DESTINATIONS[q.destination]
    cur = q.currency
    until = q.valid_to.isoformat() if q.valid_to else "open"
    out = [f"{dest.name} ({q.destination}), order of {q.on.isoformat()}, amounts in {cur}"]
    if q.valid_from:
        out.append(f"Rules in force {q.valid_from.isoformat()} to {until}: {q.source}")
    freight = q.shipping + q.insurance
    out.append(
        f"Goods {q.goods} + shipping {q.shipping} + insurance {q.insurance} = {q.goods + freight}"
    )
    if q.threshold is not None:
        tested = "each item's price" if q.threshold_value is None else str(q.threshold_value)
        out.append(f"Threshold: {tested} tested against {q.threshold:,}")
    if not q.allowed:
        out.append(f"REFUSED ({q.rule}): {q.reason}")
        out.append(f"  reason code {q.reason_code}, params {q.reason_params}")
        return "\n".join(out)
    groups: dict[tuple[str, Decimal], list[Decimal]] = {}
    for n, line in enumerate(q.lines, 1):
        unit = line.value / line.quantity if line.quantity else line.value
        out.append(
            f"Line {n}: {line.description}, HS {line.hs_code}: {line.quantity} x {unit} = "
            f"{line.value}; shipping and insurance share {line.extras} "
            f"[{line.rule}, {line.collected}]"
        )
        if not line.parts:
            out.append("  nothing due")
        for part in line.parts:
            if part.base is None:
                out.append(f"  {part.code}: {part.amount} ({part.method})")
                continue
            exact = part.base * part.rate
            shared = "at sale" in part.method
            if shared:
                groups.setdefault((part.code, part.rate), []).append(part.base)
            note = " (share of the consignment figure below)" if shared else ""
            product = _num(exact.normalize())
            out.append(
                f"  {part.code}: {_num(part.base)} x {_rate(part.rate)} = {product} -> "
                f"{part.amount}{note}"
            )
            out.append(f"      {part.method}")
    for (code, rate), bases in groups.items():
        total = sum(bases, Decimal(0))
        out.append(
            f"Consignment {code} at {_rate(rate)}: {total} x {_rate(rate)} = "
            f"{_num((total * rate).normalize())}, rounded half-up once"
        )
    out.append(f"Duty {q.duty}, tax {q.tax}, total {q.total} ({q.collected})")
    out.append("Charged at checkout: " + _charges(q.charges))
    out.append("Due at the border: " + _charges(q.border_charges))
    return "\n".join(out)


def _num(value: Decimal) -> str:
    """A figure as computed; long divisions cut to 8 places and marked with "~"."""
    text = f"{value:f}"
    if "." in text and len(text.split(".")[1]) > 8:
        return f"~{value.quantize(Decimal('1e-8')):f}"
    return text


def _rate(rate: Decimal) -> str:
    percent = (rate * 100).normalize()
    return f"{percent:f}%" if len(str(percent)) <= 12 else f"{rate}"


def _charges(charges) -> str:
    if not charges:
        return "nothing"
    return "; ".join(f"{c.label} {c.amount}" for c in charges)
