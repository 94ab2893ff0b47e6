"""Figures on payout pages, formatted with Babel for the active language.

Money is quantized half-up to the currency's minor unit first (Babel would otherwise round
half-even); working figures such as taxable income keep up to four decimals.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal, format_percent
from django import template
from django.conf import settings
from django.utils.translation import get_language, to_locale

from tax.money import quantize_money

register = template.Library()


def _locale() -> str:
    return to_locale(get_language() or settings.LANGUAGE_CODE)


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@register.filter
def money(value, currency: str = "CNY") -> str:
    """``11014.00|money:"CNY"`` -> "CN¥11,014.00" (en) / "¥11,014.00" (zh-hans)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return format_currency(
        quantize_money(amount, currency, ROUND_HALF_UP), currency, locale=_locale()
    )


@register.filter
def figure(value) -> str:
    """A working figure: grouped, two to four decimals ("11,700.00", "69.4788")."""
    amount = _decimal(value)
    return "" if amount is None else format_decimal(amount, format="#,##0.00##", locale=_locale())


@register.filter
def rate(value) -> str:
    """A tax rate as a percentage: "0.03" -> "3%", "0.2" -> "20%"."""
    amount = _decimal(value)
    return "" if amount is None else format_percent(amount, format="#,##0.##%", locale=_locale())


@register.filter
def figure_short(value) -> str:
    """A compact amount for chart labels: "12K", "1.5M" (en) / "1.2万" (zh), by Babel."""
    from babel.numbers import format_compact_decimal

    amount = _decimal(value)
    if amount is None:
        return ""
    return format_compact_decimal(amount, locale=_locale(), fraction_digits=1)
