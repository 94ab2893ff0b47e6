"""The tax engines' reason codes in the shopper's language.

The engines (``tax.duties``, ``tax.withholding``) return English text plus a stable code
and JSON-safe params (registry: ``tax.reasons``). ``reason_text`` maps the code to a
gettext message and formats the params for the active locale: amounts with Babel in their
currency (quantized half-up to its minor unit first, as Babel would round half-even),
dates and country names in the locale's words.

    from commerce.checkout.reasons import reason_text
    if not result.allowed:
        text = reason_text(
            code=result.reason_code, params=result.reason_params, fallback=result.reason
        )
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.utils.translation import get_language, gettext, gettext_noop, to_locale

from tax.money import quantize_money
from tax.reasons import REASONS

# Labels of charges the engine names that are not listed in ``labels.LABELS`` yet (there
# for ``makemessages``; the checkout's ``charge_label`` translates them at run time).
CHARGE_LABELS = (gettext_noop("Local consumption tax (Japan)"),)

MESSAGES: dict[str, str] = {
    # --- duty refusals ---------------------------------------------------------------
    "no_rules": gettext_noop("We have no import rules for %(destination)s on %(on)s."),
    "not_import": gettext_noop(
        "This parcel ships from %(ships_from)s, inside the customs territory of "
        "%(destination)s, so it is not an import."
    ),
    "vat_rate_needed": gettext_noop(
        "Item %(line)s (%(description)s, HS %(hs_code)s) has no Chinese VAT rate on file."
    ),
    "duty_rate_needed": gettext_noop(
        "Item %(line)s (%(description)s, HS %(hs_code)s) has no duty rate on file for "
        "%(destination)s."
    ),
    "excise_not_quoted": gettext_noop(
        "Item %(line)s (%(description)s) is an excise good in %(destination)s; we cannot "
        "deliver it duty-paid."
    ),
    "ships_from_needed": gettext_noop(
        "Duties on an order of %(value)s to %(destination)s depend on where the parcel ships from."
    ),
    "hs_code_too_short": gettext_noop(
        "Item %(line)s (%(description)s) needs an HS code of %(depth)s digits; it has %(digits)s."
    ),
    "province_needed": gettext_noop("Please give the province for a Canadian address."),
    "no_tax_rates": gettext_noop("We have no tax rates for %(destination)s on %(on)s."),
    "cn_general_trade_over_order_limit": gettext_noop(
        "China cross-border retail: this order's value of %(value)s (goods, freight and "
        "insurance) is over the %(limit)s limit and would be general trade, which we cannot "
        "clear at checkout."
    ),
    "cn_single_item_only": gettext_noop(
        "China cross-border retail: an order over %(limit)s may only be a single item; this "
        "one is %(value)s for %(items)s items. Please split the order."
    ),
    "cn_single_item_not_below_annual_limit": gettext_noop(
        "China cross-border retail: a single item of %(value)s is not below the %(limit)s "
        "limit and must be imported as general trade, which we cannot clear at checkout."
    ),
    "cn_annual_limit_exceeded": gettext_noop(
        "China cross-border retail: your annual limit of %(limit)s would be exceeded "
        "(%(used)s used + %(value)s this order = %(after)s)."
    ),
    # --- withholding flags -------------------------------------------------------------
    "carried-forward": gettext_noop(
        "Less tax was due than already withheld: nothing is withheld this time."
    ),
    "aggregated": gettext_noop("Payments for one project in one month are taxed as one."),
    "months-restarted": gettext_noop("The count of consecutive months with income restarted."),
    "no-income-month": gettext_noop(
        "No income this month: it does not count toward the basic deduction."
    ),
    "first-job-of-year": gettext_noop(
        "First job of the year: basic deduction from January (STA 2020 No. 13)."
    ),
    "full-year-deduction": gettext_noop(
        "The whole year's basic deduction is applied (STA 2020 No. 19)."
    ),
    "reportable": gettext_noop("Reportable on Form 1099."),
    "backup-withholding": gettext_noop("US backup withholding of 24%%: no taxpayer ID on file."),
    "under-threshold": gettext_noop(
        "No taxpayer ID on file, but this year's payments are below the Form 1099 "
        "threshold: nothing is withheld yet."
    ),
    "prior-year-reported": gettext_noop(
        "A return was due for this payee last year: payments are reportable from the first dollar."
    ),
    "no-withholding": gettext_noop("No withholding in Hong Kong."),
    "over-ir56m-subcontractor": gettext_noop("Over the IR56M threshold for sub-contractors."),
    "over-ir56m-other": gettext_noop("Over the IR56M reporting threshold."),
    # --- bad input -------------------------------------------------------------------
    "input.invalid": gettext_noop("%(field)s: the value %(value)s is not accepted."),
    "input.unknown_regime": gettext_noop("%(field)s: unknown withholding regime %(value)s."),
    "input.unknown_destination": gettext_noop("We cannot deliver duty-paid to %(value)s yet."),
    "input.invalid_amount": gettext_noop("%(field)s: %(value)s is not a valid amount."),
    "input.invalid_period": gettext_noop(
        "%(field)s: %(value)s is not a valid period, or no rule is in force then."
    ),
    "input.invalid_country": gettext_noop("%(field)s: %(value)s is not a valid country code."),
    "input.invalid_hs_code": gettext_noop("%(field)s: %(value)s is not a valid HS code."),
    "input.mixed_currency": gettext_noop(
        "%(field)s: amounts in %(value)s cannot be combined with another currency."
    ),
    "input.unknown_election": gettext_noop("%(field)s: unknown election."),
    "input.invalid_election": gettext_noop("%(field)s: the election %(value)s does not apply."),
    "input.invalid_quantity": gettext_noop("%(field)s: %(value)s is not a valid quantity."),
    "input.invalid_rate": gettext_noop("%(field)s: %(value)s is not a valid rate."),
    "input.invalid_date": gettext_noop("%(field)s: %(value)s is not a valid date."),
    "input.empty_consignment": gettext_noop("The order has no items to quote."),
    "input.invalid_setting": gettext_noop("%(field)s: %(value)s is not a valid setting."),
}


def reason_text(*, code: str, params: dict[str, Any], fallback: str) -> str:
    """The engine's reason ``code`` with ``params``, in the active language.

    ``fallback`` (the engine's English text) is returned for an unknown or empty code, or
    params that do not fit the code's message, so the shopper always reads something.
    """
    message = MESSAGES.get(code) if code else None
    spec = REASONS.get(code) if code else None
    if message is None or spec is None:
        return fallback
    locale = _locale()
    try:
        values = {
            name: _format(kind, params[name], params, locale)
            for name, kind in spec.params.items()
            if kind != "currency"
        }
        return gettext(message) % values
    except (KeyError, TypeError, ValueError, InvalidOperation):
        return fallback


def _locale() -> str:
    return to_locale(get_language() or settings.LANGUAGE_CODE)


def _format(kind: str, value: Any, params: dict[str, Any], locale: str) -> str:
    if kind == "money":
        currency = params["currency"]
        amount = quantize_money(Decimal(str(value)), currency, ROUND_HALF_UP)
        return format_currency(amount, currency, locale=locale)
    if kind == "int":
        return format_decimal(int(value), locale=locale)
    if kind == "date":
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
        return format_date(day, format="long", locale=locale)
    if kind == "country":
        return _country(str(value), locale)
    return str(value)


def _country(code: str, locale: str) -> str:
    """ "JP" -> "Japan" / "日本"; "CA-ON" -> "Canada (ON)" / "加拿大 (ON)"; else the code."""
    country, _, region = code.partition("-")
    try:
        name = Locale.parse(locale).territories.get(country, code)
    except (UnknownLocaleError, ValueError):
        name = code
    return f"{name} ({region})" if region else name
