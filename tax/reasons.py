"""Every code the tax engines return in place of (or beside) English text: one registry.

A refused duty quote carries ``Quote.reason`` (English, unchanged for old callers) and
``Quote.reason_code`` / ``Quote.reason_params``; a withholding result carries ``flags``;
a bad input raises a ``TaxInputError`` whose ``code`` / ``params`` name it. Codes are
stable: a caller (the checkout's ``commerce.checkout.reasons.reason_text``) maps each to
a message in the shopper's language and formats the params for the locale. Add a code
here before an engine returns it; the tests check that every code has a message.

Params are JSON-safe: amounts are exact decimal strings ("26000.00") in the currency
given by the ``currency`` param, dates ISO strings, counts ints, countries ISO codes
(a destination may be "CA-ON").

Param kinds (``Reason.params``: name -> kind): ``money`` (a decimal string, in the
``currency`` param's currency), ``currency`` (ISO 4217), ``country`` (ISO 3166 code),
``date`` (ISO 8601), ``int``, ``text`` (shown as given: descriptions, HS codes, fields).

| code | engine | kind | params | when |
|---|---|---|---|---|
| ``no_rules`` | duties | refusal | destination, on | no dated rules cover the order date |
| ``not_import`` | duties | refusal | destination, ships_from | ships from inside the territory |
| ``vat_rate_needed`` | duties | refusal | line, description, hs_code | CN line lacks VAT rate |
| ``duty_rate_needed`` | duties | refusal | destination, line, description, hs_code | a
  rule levies duty at the tariff rate and the line has none |
| ``excise_not_quoted`` | duties | refusal | destination, line, description, hs_code |
  alcohol, tobacco and other excise goods |
| ``ships_from_needed`` | duties | refusal | destination, value, currency | Canada: the
  route decides the thresholds |
| ``hs_code_too_short`` | duties | refusal | destination, line, description, hs_code,
  digits, depth | EU flat duty counted on longer codes |
| ``province_needed`` | duties | refusal | destination | Canada without a province |
| ``no_tax_rates`` | duties | refusal | destination, on | no tax rates for the date |
| ``cn_general_trade_over_order_limit`` | duties | refusal | value, limit, currency |
  2016-18 rules: over CNY 2,000 is general trade |
| ``cn_single_item_only`` | duties | refusal | value, limit, items, currency | over CNY
  5,000 with more than one item (49号 item 二) |
| ``cn_single_item_not_below_annual_limit`` | duties | refusal | value, limit, currency |
  one item at or over CNY 26,000: general trade (49号 item 二, "低于26000元") |
| ``cn_annual_limit_exceeded`` | duties | refusal | limit, used, value, after, currency |
  the buyer's CNY 26,000 a year would be exceeded |
| flags below | withholding | flag | (none) | ``Withholding.flags`` |
| ``input.*`` | both | input | field, value | ``TaxInputError.code`` (one per class) |
"""

from __future__ import annotations

from typing import NamedTuple

REFUSAL, FLAG, INPUT = "refusal", "flag", "input"


class Reason(NamedTuple):
    code: str
    engine: str  # "duties", "withholding" or "both"
    kind: str  # REFUSAL, FLAG or INPUT
    params: dict[str, str]  # name -> kind (money, currency, country, date, int, text)
    meaning: str  # for developers; the shopper's text lives with the caller


_LINE = {"line": "int", "description": "text", "hs_code": "text"}


def _r(code: str, engine: str, kind: str, params: dict[str, str], meaning: str) -> Reason:
    return Reason(code, engine, kind, params, meaning)


_ALL = (
    # --- duty refusals (Quote.reason_code) ----------------------------------------------
    _r(
        "no_rules",
        "duties",
        REFUSAL,
        {"destination": "country", "on": "date"},
        "no import rules on file for the order date",
    ),
    _r(
        "not_import",
        "duties",
        REFUSAL,
        {"destination": "country", "ships_from": "country"},
        "the parcel ships from inside the destination's customs territory",
    ),
    _r(
        "vat_rate_needed",
        "duties",
        REFUSAL,
        dict(_LINE),
        "China: the line needs its VAT rate from the tariff",
    ),
    _r(
        "duty_rate_needed",
        "duties",
        REFUSAL,
        {"destination": "country", **_LINE},
        "the line needs its duty rate from the tariff",
    ),
    _r(
        "excise_not_quoted",
        "duties",
        REFUSAL,
        {"destination": "country", **_LINE},
        "an excise good: excise duty is not quoted",
    ),
    _r(
        "ships_from_needed",
        "duties",
        REFUSAL,
        {"destination": "country", "value": "money", "currency": "currency"},
        "the thresholds depend on where the parcel ships from",
    ),
    _r(
        "hs_code_too_short",
        "duties",
        REFUSAL,
        {"destination": "country", **_LINE, "digits": "int", "depth": "int"},
        "the flat duty is counted on longer HS codes than the line has",
    ),
    _r(
        "province_needed",
        "duties",
        REFUSAL,
        {"destination": "country"},
        "Canada: taxes depend on the province",
    ),
    _r(
        "no_tax_rates",
        "duties",
        REFUSAL,
        {"destination": "country", "on": "date"},
        "no tax rates on file for the order date",
    ),
    _r(
        "cn_general_trade_over_order_limit",
        "duties",
        REFUSAL,
        {"value": "money", "limit": "money", "currency": "currency"},
        "China (18号): over the per-order limit is general trade",
    ),
    _r(
        "cn_single_item_only",
        "duties",
        REFUSAL,
        {"value": "money", "limit": "money", "items": "int", "currency": "currency"},
        "China (49号 item 二): over the per-order limit only as a single item",
    ),
    _r(
        "cn_single_item_not_below_annual_limit",
        "duties",
        REFUSAL,
        {"value": "money", "limit": "money", "currency": "currency"},
        "China (49号 item 二): a single item not below the annual limit is general trade",
    ),
    _r(
        "cn_annual_limit_exceeded",
        "duties",
        REFUSAL,
        {
            "limit": "money",
            "used": "money",
            "value": "money",
            "after": "money",
            "currency": "currency",
        },
        "China: the buyer's annual limit would be exceeded",
    ),
    # --- withholding flags (Withholding.flags) ------------------------------------------
    _r(
        "carried-forward",
        "withholding",
        FLAG,
        {},
        "tax due was below tax withheld: nothing withheld, no refund during the year",
    ),
    _r("aggregated", "withholding", FLAG, {}, "one project's payments in a month are one"),
    _r(
        "months-restarted",
        "withholding",
        FLAG,
        {},
        "platform labour: the consecutive month count restarted",
    ),
    _r(
        "no-income-month",
        "withholding",
        FLAG,
        {},
        "platform labour: no income in this month yet; it does not count",
    ),
    _r("first-job-of-year", "withholding", FLAG, {}, "STA 2020 No. 13 election"),
    _r("full-year-deduction", "withholding", FLAG, {}, "STA 2020 No. 19 election"),
    _r("reportable", "withholding", FLAG, {}, "US: reportable on Form 1099"),
    _r("backup-withholding", "withholding", FLAG, {}, "US: 24% backup withholding (no TIN)"),
    _r(
        "under-threshold",
        "withholding",
        FLAG,
        {},
        "US: no TIN, but the year's payments are below the Form 1099 threshold",
    ),
    _r(
        "prior-year-reported",
        "withholding",
        FLAG,
        {},
        "US: 3406(b)(6) prior-year election, reportable from the first dollar",
    ),
    _r("no-withholding", "withholding", FLAG, {}, "Hong Kong: no withholding"),
    _r(
        "over-ir56m-subcontractor",
        "withholding",
        FLAG,
        {},
        "Hong Kong: over the IR56M sub-contractor threshold",
    ),
    _r("over-ir56m-other", "withholding", FLAG, {}, "Hong Kong: over the IR56M threshold"),
    # --- bad input (TaxInputError.code) ---------------------------------------------------
    *(
        _r(f"input.{name}", "both", INPUT, {"field": "text", "value": "text"}, meaning)
        for name, meaning in (
            ("invalid", "bad input"),
            ("unknown_regime", "unknown withholding regime"),
            ("unknown_destination", "no duty rules for the destination"),
            ("invalid_amount", "bad amount"),
            ("invalid_period", "bad period, or no rule in force then"),
            ("invalid_country", "bad country code"),
            ("invalid_hs_code", "bad HS code"),
            ("mixed_currency", "amounts in different currencies"),
            ("unknown_election", "unknown election"),
            ("invalid_election", "bad election"),
            ("invalid_quantity", "bad quantity"),
            ("invalid_rate", "bad rate"),
            ("invalid_date", "bad date"),
            ("empty_consignment", "no lines"),
            ("invalid_setting", "bad setting"),
        )
    ),
)

REASONS: dict[str, Reason] = {r.code: r for r in _ALL}

__all__ = ["FLAG", "INPUT", "REASONS", "REFUSAL", "Reason"]
