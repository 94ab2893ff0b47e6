"""Shipping zones and prices: data, not code.

Prices are defined in CNY (the shop's base currency) per zone and converted into the
basket currency with the stored display rate, rounded half-up to its minor unit.
"""

from decimal import Decimal

BASE_CURRENCY = "CNY"

EU = ("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK").split()

# Country (ISO 3166-1 alpha-2) -> zone.
ZONE_BY_COUNTRY: dict[str, str] = {
    "CN": "cn",
    **{code: "asia" for code in ("HK", "JP", "SG", "MY")},
    "GB": "europe",
    **{code: "europe" for code in EU},
    "US": "north_america",
    "CA": "north_america",
    "AU": "oceania",
}

# (method code, zone) -> price in CNY.
PRICES: dict[tuple[str, str], Decimal] = {
    ("standard", "cn"): Decimal("30.00"),
    ("standard", "asia"): Decimal("60.00"),
    ("standard", "europe"): Decimal("120.00"),
    ("standard", "north_america"): Decimal("130.00"),
    ("standard", "oceania"): Decimal("110.00"),
    ("express", "cn"): Decimal("60.00"),
    ("express", "asia"): Decimal("120.00"),
    ("express", "europe"): Decimal("240.00"),
    ("express", "north_america"): Decimal("260.00"),
    ("express", "oceania"): Decimal("220.00"),
}


def zone_for(country_code: str) -> str | None:
    return ZONE_BY_COUNTRY.get((country_code or "").upper())


SHIPPING_COUNTRIES = tuple(sorted(ZONE_BY_COUNTRY))
