"""Decimal arithmetic for the duty engine: context, rounding, allocation.

Every rounding in the engine goes through ``round_money`` (ROUND_HALF_UP to the currency's
minor unit; no figure in the reference asks for another mode). Amounts entered by the
caller are already in minor units, so sums and products of them are exact under the
engine's own context; only the final tax and duty figures, and shares of shipping, round.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

from tax.money import minor_unit

__all__ = [
    "CONTEXT",
    "ONE",
    "ZERO",
    "allocate",
    "minor_unit",
    "money_text",
    "round_money",
    "split_rounded",
]

# Our own context, entered for each quote: a caller who lowered the thread's precision
# must not change our sums. 40 digits hold any accepted amount times any rate exactly
# (the rate divisions 1/(1 - c) are the only inexact steps, and they round at the end).
CONTEXT = Context(prec=40, rounding=ROUND_HALF_UP)
ZERO = Decimal(0)
ONE = Decimal(1)


def round_money(amount: Decimal, quantum: Decimal) -> Decimal:
    """``amount`` rounded half-up to ``quantum`` (Decimal('0.01'), or Decimal('1') for JPY)."""
    return amount.quantize(quantum, rounding=ROUND_HALF_UP)


def money_text(amount: Decimal, quantum: Decimal) -> str:
    """``amount`` for people: grouped, at the currency's places ("5,000.00")."""
    return f"{amount.quantize(quantum, rounding=ROUND_HALF_UP):,}"


def allocate(total: Decimal, weights: list[Decimal], quantum: Decimal) -> list[Decimal]:
    """Split ``total`` over ``weights`` pro rata, each share in minor units, summing exactly.

    Cumulative rounding: share i = round(total * W_i / W) - round(total * W_(i-1) / W), with
    W_i the running sum of weights. Shares are never negative, each is within one minor
    unit of its exact value, and the last cumulative figure is ``total`` itself. With no
    weight at all (every line free), the whole amount goes to the last line.
    """
    n = len(weights)
    if n == 1:
        return [total]
    nil = ZERO.quantize(quantum)
    if not total:
        return [nil] * n
    whole = sum(weights, ZERO)
    if not whole:
        return [nil] * (n - 1) + [total]
    shares = []
    running = ZERO
    before = ZERO
    for weight in weights:
        running += weight
        upto = (total * running / whole).quantize(quantum, rounding=ROUND_HALF_UP)
        shares.append(upto - before)
        before = upto
    return shares


def split_rounded(bases: list[Decimal], rate: Decimal, quantum: Decimal) -> list[Decimal]:
    """Per-line shares of round(sum(bases) * rate), by cumulative rounding.

    Used where a tax is rounded once per consignment (per rate) but shown per line: the
    shares add up to the consignment figure exactly and none is negative.
    """
    shares = []
    running = ZERO
    before = ZERO
    for base in bases:
        running += base
        upto = (running * rate).quantize(quantum, rounding=ROUND_HALF_UP)
        shares.append(upto - before)
        before = upto
    return shares
