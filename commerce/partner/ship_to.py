"""The shopper's likely destination ("ship to"), before any address is given.

Kept in a cookie the shopper can change; the default follows the language and currency.
Estimates of duties and import taxes on the product and basket pages are for this country;
the checkout's address country defaults to it.

Canada's import taxes depend on the province (GST, HST, QST, PST), so a Canadian ship-to
carries one: the choice is "CA-QC", "CA-BC", ... (ISO 3166-2). A bare "CA" (an older cookie,
or the default) is estimated for Ontario and says so.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, to_locale
from django.views.decorators.http import require_POST
from django_countries import countries

from commerce.shipping.zones import SHIPPING_COUNTRIES
from tax.duties.countries import CA_PROVINCES

SHIP_TO_COOKIE = "ship_to"
ONE_YEAR = 365 * 24 * 3600

# Currency -> the destination it most likely means (Chinese + CNY: mainland China).
DEFAULT_BY_CURRENCY = {"CNY": "CN", "GBP": "GB", "JPY": "JP", "EUR": "DE", "HKD": "HK"}
FALLBACK = "US"
CA_DEFAULT_PROVINCE = "ON"


def ship_to_split(code: str | None) -> tuple[str, str]:
    """ "CA-QC" -> ("CA", "QC"); "CA" -> ("CA", "ON"); "GB" -> ("GB", "")."""
    country, _sep, state = (code or "").upper().partition("-")
    if country == "CA" and state not in CA_PROVINCES:
        state = CA_DEFAULT_PROVINCE
    return country, state if country == "CA" else ""


def ship_to_supported(code: str | None) -> bool:
    if not code:
        return False
    country, _sep, state = code.upper().partition("-")
    if state:
        return country == "CA" and state in CA_PROVINCES
    return country in SHIPPING_COUNTRIES


def ship_to_default(*, language: str | None, currency: str | None) -> str:
    """zh-hans or CNY -> CN, GBP -> GB, JPY -> JP, EUR -> DE, HKD -> HK, else US."""
    by_currency = DEFAULT_BY_CURRENCY.get((currency or "").upper())
    if by_currency:
        return by_currency
    if (language or "").lower().startswith("zh-hans"):
        return "CN"
    return FALLBACK


def ship_to_code_for_request(request) -> str:
    """The chosen ship-to ("GB", "CA-QC"), or the default for the language and currency."""
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


def ship_to_for_request(request) -> str:
    """The chosen ship-to country (ISO 3166-1)."""
    return ship_to_split(ship_to_code_for_request(request))[0]


def ship_to_state_for_request(request) -> str:
    """The chosen ship-to province for Canada ("ON" unless chosen), else ""."""
    return ship_to_split(ship_to_code_for_request(request))[1]


def country_name(code: str) -> str:
    """A country's name in the active language (CLDR through Babel), else in English."""
    try:
        locale = Locale.parse(to_locale(get_language() or "en"))
    except (UnknownLocaleError, ValueError):
        locale = None
    name = locale.territories.get(code) if locale is not None else None
    return name or str(countries.name(code)) or code


def ship_to_name(code: str) -> str:
    """ "GB" -> "United Kingdom"; "CA-QC" -> "Canada (Quebec)"."""
    country, state = ship_to_split(code)
    name = country_name(country)
    return f"{name} ({CA_PROVINCES[state]})" if state else name


def ship_to_choices() -> list[tuple[str, str]]:
    """(code, name in the active language), sorted by name; Canada once per province."""
    codes = [code for code in SHIPPING_COUNTRIES if code != "CA"]
    if "CA" in SHIPPING_COUNTRIES:
        codes += [f"CA-{province}" for province in CA_PROVINCES]
    return sorted(((code, ship_to_name(code)) for code in codes), key=lambda c: c[1])


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
    """Context processor: the ship-to country (and Canadian province), the choices."""
    code = ship_to_code_for_request(request)
    country, state = ship_to_split(code)
    return {
        "ship_to_country": country,
        "ship_to_state": state,
        "ship_to_code": f"{country}-{state}" if state else country,
        "ship_to_name": ship_to_name(code),
        "ship_to_choices": ship_to_choices,
    }
