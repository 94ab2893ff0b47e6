"""Which display currency a shopper sees."""

from __future__ import annotations

from django.conf import settings

CURRENCY_COOKIE = "currency"


def currency_supported(code: str | None) -> bool:
    return bool(code) and code in settings.SHOP_CURRENCIES


def currency_default(*, language: str | None) -> str:
    """The currency that goes with the active language (CNY for Chinese, USD otherwise)."""
    by_language = settings.SHOP_DEFAULT_CURRENCY_BY_LANGUAGE
    return by_language.get((language or "").lower(), by_language.get("en", "USD"))


def currency_for_request(request) -> str:
    """The shopper's chosen currency, or the default for their language; never an error."""
    chosen = request.COOKIES.get(CURRENCY_COOKIE, "").upper()
    if currency_supported(chosen):
        return chosen
    return currency_default(language=getattr(request, "LANGUAGE_CODE", None))
