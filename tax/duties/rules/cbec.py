"""China: cross-border e-commerce retail imports (reference section 1).

P = goods + freight + insurance (the taxable value, 18号 item 一), with c the line's
consumption-tax rate and v its VAT rate, both from the tariff for its HS code.
- Within the limits: duty 0; tax = P x (c + v) / (1 - c) x 70%.
- One item over the per-order limit and below the annual limit (49号 item 二: "超过5000元
  单次交易限值但低于26000元年度交易限值"; at exactly 26,000.00 it is general trade):
  duty = P x d; CT = (P + duty) / (1 - c) x c; VAT = (P + duty + CT) x v, in full, and it
  counts toward the annual limit.
- Two or more items over the per-order limit, one item of 26,000 or more, or over the
  annual limit: general trade, which checkout cannot clear: refused (allowed=False) with
  the reason.
The limits test P for the whole order. Taxes are computed and rounded half-up per line
(each item is assessed on its own), freight and insurance shared pro rata by value; under
full rates each of duty, CT and VAT is rounded before it enters the next base.
"""

from __future__ import annotations

from decimal import Decimal

from ..amounts import ONE, ZERO, money_text, round_money
from ..model import AT_CHECKOUT, LineQuote, Part
from ..tables import CbecPeriod
from . import Refused, Result, Work, amount_param, line_name, line_params

CBEC_METHOD = "P x (c + v) / (1 - c) x share; P = goods + share of freight and insurance"
DUTY_METHOD = "duty = P x d, in full (single item over the order limit)"
CT_METHOD = "consumption tax = (P + duty) / (1 - c) x c; base shown is (P + duty) / (1 - c)"
VAT_METHOD = "import VAT = (P + duty + consumption tax) x v"


def quote_cbec(work: Work, period: CbecPeriod) -> Result:
    c = work.consignment
    lines = c.lines
    quantum = work.quantum
    for i, line in enumerate(lines):
        if line.vat_rate is None:
            raise Refused(
                "cn:cbec",
                f"China: {line_name(i, work)} needs its VAT rate (vat_rate, 13% or 9%) from "
                "the tariff",
                "vat_rate_needed",
                line_params(i, work),
            )
    paid = work.goods + work.freight
    over = paid > period.per_order
    limit, value = money_text(period.per_order, quantum), money_text(paid, quantum)
    if over:
        items = sum(line.quantity for line in lines)
        amounts = {
            "value": amount_param(paid, quantum),
            "limit": amount_param(period.per_order, quantum),
            "currency": c.currency,
        }
        if not period.single_item_full_rates:
            raise Refused(
                "cn:general_trade",
                f"China CBEC: this order's value of CNY {value} (goods, freight and insurance) "
                f"is over the CNY {limit} limit and would be taxed in full as "
                "general trade, which checkout cannot clear",
                "cn_general_trade_over_order_limit",
                amounts,
            )
        if items != 1:
            raise Refused(
                "cn:cbec",
                f"China CBEC: an order over CNY {limit} may only be a single item; "
                f"this one is CNY {value} for {items} items. Split the order",
                "cn_single_item_only",
                {**amounts, "items": items},
            )
        # 49号 item 二: the single-item route is for a value "超过5000元单次交易限值但低于
        # 26000元年度交易限值" (over 5,000 but BELOW 26,000): at exactly 26,000.00 the
        # item is general trade, whatever the buyer has used of the year.
        if paid >= period.annual:
            annual = money_text(period.annual, quantum)
            raise Refused(
                "cn:general_trade",
                f"China CBEC: a single item of CNY {value} is not below the CNY {annual} "
                "limit for single items (49号 item 二) and is general trade, which checkout "
                "cannot clear",
                "cn_single_item_not_below_annual_limit",
                {**amounts, "limit": amount_param(period.annual, quantum)},
            )
    after = c.buyer_annual_used + paid
    if after > period.annual:
        raise Refused(
            "cn:general_trade",
            f"China CBEC: the buyer's annual limit of CNY {money_text(period.annual, quantum)}"
            f" would be exceeded (CNY {money_text(c.buyer_annual_used, quantum)} used + "
            f"CNY {value} this order = CNY {money_text(after, quantum)}); "
            "beyond it goods go through general trade",
            "cn_annual_limit_exceeded",
            {
                "limit": amount_param(period.annual, quantum),
                "used": amount_param(c.buyer_annual_used, quantum),
                "value": amount_param(paid, quantum),
                "after": amount_param(after, quantum),
                "currency": c.currency,
            },
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
            "duty_rate_needed",
            {"destination": work.consignment.destination, **line_params(0, work)},
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
