"""China: cross-border e-commerce retail imports (reference section 1).

P = goods + freight + insurance (the taxable value, 18号 item 一), with c the line's
consumption-tax rate and v its VAT rate, both from the tariff for its HS code.
- Within the limits: duty 0; tax = P x (c + v) / (1 - c) x 70%.
- One item over the per-order limit (49号 item 二): duty = P x d; CT = (P + duty) / (1 - c)
  x c; VAT = (P + duty + CT) x v, in full, and it counts toward the annual limit.
- Two or more items over the per-order limit, or over the annual limit: general trade,
  which checkout cannot clear: refused (allowed=False) with the reason.
The limits test P for the whole order. Taxes are computed and rounded half-up per line
(each item is assessed on its own), freight and insurance shared pro rata by value; under
full rates each of duty, CT and VAT is rounded before it enters the next base.
"""

from __future__ import annotations

from decimal import Decimal

from ..amounts import ONE, ZERO, money_text, round_money
from ..model import AT_CHECKOUT, LineQuote, Part
from ..tables import CbecPeriod
from . import Refused, Result, Work, line_name

CBEC_METHOD = "P x (c + v) / (1 - c) x share; P = goods + share of freight and insurance"
DUTY_METHOD = "duty = P x d, in full (single item over the order limit)"
CT_METHOD = "consumption tax = (P + duty) / (1 - c) x c; base shown is (P + duty) / (1 - c)"
VAT_METHOD = "import VAT = (P + duty + consumption tax) x v"


def quote_cbec(work: Work, period: CbecPeriod) -> Result:
    c = work.consignment
    lines = c.lines
    for i, line in enumerate(lines):
        if line.vat_rate is None:
            raise Refused(
                "cn:cbec",
                f"China: {line_name(i, work)} needs its VAT rate (vat_rate, 13% or 9%) from "
                "the tariff",
            )
    paid = work.goods + work.freight
    over = paid > period.per_order
    limit, value = money_text(period.per_order, work.quantum), money_text(paid, work.quantum)
    if over:
        items = sum(line.quantity for line in lines)
        if not period.single_item_full_rates:
            raise Refused(
                "cn:general_trade",
                f"China CBEC: this order's value of CNY {value} (goods, freight and insurance) "
                f"is over the CNY {limit} limit and would be taxed in full as "
                "general trade, which checkout cannot clear",
            )
        if items != 1:
            raise Refused(
                "cn:cbec",
                f"China CBEC: an order over CNY {limit} may only be a single item; "
                f"this one is CNY {value} for {items} items. Split the order",
            )
    after = c.buyer_annual_used + paid
    if after > period.annual:
        raise Refused(
            "cn:general_trade",
            f"China CBEC: the buyer's annual limit of CNY {money_text(period.annual, work.quantum)}"
            f" would be exceeded (CNY {money_text(c.buyer_annual_used, work.quantum)} used + "
            f"CNY {value} this order = CNY {money_text(after, work.quantum)}); "
            "beyond it goods go through general trade",
        )
    if over:
        return _full_rates(work, period, paid)

    quantum, share = work.quantum, period.share
    out = []
    for i, line in enumerate(lines):
        base = work.values[i] + work.extras[i]
        ct = line.consumption_tax_rate or ZERO
        rate = (ct + line.vat_rate) * share / (ONE - ct)
        # Multiply before dividing, so a rate without CT stays exact (0.13 x 0.7 = 0.091).
        amount = round_money(base * (ct + line.vat_rate) * share / (ONE - ct), quantum)
        out.append(
            LineQuote(
                line.description,
                line.hs_code,
                line.quantity,
                work.values[i],
                work.extras[i],
                "cn:cbec",
                AT_CHECKOUT,
                work.zero,
                amount,
                (Part("cn_cbec_tax", base, rate, amount, CBEC_METHOD),),
            )
        )
    return Result(out, period.per_order, paid)


def _full_rates(work: Work, period: CbecPeriod, paid: Decimal) -> Result:
    line = work.consignment.lines[0]
    if line.duty_rate is None:
        raise Refused(
            "cn:cbec_full_rates",
            f"China: {line_name(0, work)} is over the order limit and pays duty in full; it "
            "needs its duty rate (duty_rate) from the tariff",
        )
    quantum = work.quantum
    ct_rate = line.consumption_tax_rate or ZERO
    duty = round_money(paid * line.duty_rate, quantum)
    parts = [Part("duty", paid, line.duty_rate, duty, DUTY_METHOD)]
    ct = work.zero
    if ct_rate:
        composite = (paid + duty) / (ONE - ct_rate)
        ct = round_money((paid + duty) * ct_rate / (ONE - ct_rate), quantum)
        parts.append(Part("consumption_tax", composite, ct_rate, ct, CT_METHOD))
    vat_base = paid + duty + ct
    vat = round_money(vat_base * line.vat_rate, quantum)
    parts.append(Part("import_vat", vat_base, line.vat_rate, vat, VAT_METHOD))
    out = [
        LineQuote(
            line.description,
            line.hs_code,
            line.quantity,
            work.values[0],
            work.extras[0],
            "cn:cbec_full_rates",
            AT_CHECKOUT,
            duty,
            ct + vat,
            tuple(parts),
        )
    ]
    return Result(out, period.per_order, paid)
