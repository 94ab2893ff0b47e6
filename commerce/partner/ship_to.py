"""The shopper's likely destination ("ship to"), before any address is given.

Kept in a cookie the shopper can change; the default follows the language and currency.
Estimates of duties and import taxes on the product and basket pages are for this country;
the checkout's address country defaults to it.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, to_locale
from django.views.decorators.http import require_POST
from django_countries import countries

from commerce.shipping.zones import SHIPPING_COUNTRIES

SHIP_TO_COOKIE = "ship_to"
ONE_YEAR = 365 * 24 * 3600

# Currency -> the destination it most likely means (Chinese + CNY: mainland China).
DEFAULT_BY_CURRENCY = {"CNY": "CN", "GBP": "GB", "JPY": "JP", "EUR": "DE", "HKD": "HK"}
FALLBACK = "US"


def ship_to_supported(code: str | None) -> bool:
    return bool(code) and code in SHIPPING_COUNTRIES


def ship_to_default(*, language: str | None, currency: str | None) -> str:
    """zh-hans or CNY -> CN, GBP -> GB, JPY -> JP, EUR -> DE, HKD -> HK, else US."""
    by_currency = DEFAULT_BY_CURRENCY.get((currency or "").upper())
    if by_currency:
        return by_currency
    if (language or "").lower().startswith("zh-hans"):
        return "CN"
    return FALLBACK


def ship_to_for_request(request) -> str:
    """The chosen ship-to country, or the default for the language and currency."""
    found = getattr(request, "_ship_to", None)
    if found:
        return found
    chosen = request.COOKIES.get(SHIP_TO_COOKIE, "").upper()
    if not ship_to_supported(chosen):
        chosen = ship_to_default(
            language=getattr(request, "LANGUAGE_CODE", None),
            currency=getattr(request, "currency", None),
        )
    request._ship_to = chosen
    return chosen


def country_name(code: str) -> str:
    """A country's name in the active language (CLDR through Babel), else in English."""
    try:
        locale = Locale.parse(to_locale(get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        locale = None
    name = locale.territories.get(code) if locale is not None else None
    return name or str(countries.name(code)) or code


def ship_to_choices() -> list[tuple[str, str]]:
    """(code, name in the active language), sorted by name."""
    return sorted(((code, country_name(code)) for code in SHIPPING_COUNTRIES), key=lambda c: c[1])


@require_POST
def ship_to_switch(request):
    """Remember the chosen ship-to country; an unknown code is ignored (nothing changes)."""
    code = request.POST.get("country", "").upper()
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    if ship_to_supported(code):
        response.set_cookie(
            SHIP_TO_COOKIE, code, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure()
        )
    else:
        from django.contrib import messages
        from django.utils.translation import gettext as _

        messages.error(request, _("We do not deliver to this country yet."))
    return response


def ship_to(request) -> dict:
    """Context processor: the ship-to country and the countries we deliver to."""
    code = ship_to_for_request(request)
    return {
        "ship_to_country": code,
        "ship_to_name": country_name(code),
        "ship_to_choices": ship_to_choices,
    }
