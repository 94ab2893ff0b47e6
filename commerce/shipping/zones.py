"""Shipping zones, weight bands, routes and delivery promises: data, not code.

Each consignment (the goods of one merchant ship-from location) is priced on its own, by
the zone of its route and its weight. A route inside one customs territory is the
``domestic`` zone; an import is priced by the destination's zone. Prices are defined in
CNY (the shop's base currency) and converted into the basket currency with the stored
display rate, rounded half-up to its minor unit.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal

BASE_CURRENCY = "CNY"

EU = ("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK").split()

DOMESTIC = "domestic"

# Destination country (ISO 3166-1 alpha-2) -> zone of an import into it.
ZONE_BY_COUNTRY: dict[str, str] = {
    "CN": "cn",
    **{code: "asia" for code in ("HK", "JP", "SG", "MY")},
    "GB": "europe",
    **{code: "europe" for code in EU},
    "US": "north_america",
    "CA": "north_america",
    "AU": "oceania",
}

# Customs territories: a parcel between two countries of one territory is domestic.
# (Every EU member is one customs union; Hong Kong is a territory apart from mainland China.)
TERRITORY: dict[str, str] = {code: "EU" for code in EU}


def customs_territory(country: str) -> str:
    code = (country or "").upper()
    return TERRITORY.get(code, code)


# Ship-from country -> the destination zones its merchants deliver to (our carrier
# contracts). A ship-from country missing here has none: its goods cannot be shipped.
_EVERYWHERE = frozenset({"cn", "asia", "europe", "north_america", "oceania"})
ROUTES: dict[str, frozenset[str]] = {
    **{code: _EVERYWHERE for code in ("CN", "HK", "JP", "KR", "TW", "SG", "US", "CA")},
    **{code: _EVERYWHERE for code in ("GB", "CH", "AU", *EU)},
}

# (method, zone) -> weight bands [(up to grams, price CNY), ...] ascending, then the price
# of each further started kilogram above the last band.
BANDS: dict[tuple[str, str], tuple[tuple[tuple[int, Decimal], ...], Decimal]] = {
    ("standard", DOMESTIC): (
        ((500, Decimal("20.00")), (1000, Decimal("25.00")), (2000, Decimal("35.00"))),
        Decimal("10.00"),
    ),
    ("standard", "cn"): (
        ((500, Decimal("30.00")), (1000, Decimal("45.00")), (2000, Decimal("70.00"))),
        Decimal("25.00"),
    ),
    ("standard", "asia"): (
        ((500, Decimal("60.00")), (1000, Decimal("80.00")), (2000, Decimal("120.00"))),
        Decimal("40.00"),
    ),
    ("standard", "europe"): (
        ((500, Decimal("120.00")), (1000, Decimal("160.00")), (2000, Decimal("240.00"))),
        Decimal("80.00"),
    ),
    ("standard", "north_america"): (
        ((500, Decimal("130.00")), (1000, Decimal("175.00")), (2000, Decimal("260.00"))),
        Decimal("85.00"),
    ),
    ("standard", "oceania"): (
        ((500, Decimal("110.00")), (1000, Decimal("150.00")), (2000, Decimal("220.00"))),
        Decimal("70.00"),
    ),
    ("express", DOMESTIC): (
        ((500, Decimal("40.00")), (1000, Decimal("50.00")), (2000, Decimal("70.00"))),
        Decimal("20.00"),
    ),
    ("express", "cn"): (
        ((500, Decimal("60.00")), (1000, Decimal("90.00")), (2000, Decimal("140.00"))),
        Decimal("50.00"),
    ),
    ("express", "asia"): (
        ((500, Decimal("120.00")), (1000, Decimal("160.00")), (2000, Decimal("240.00"))),
        Decimal("80.00"),
    ),
    ("express", "europe"): (
        ((500, Decimal("240.00")), (1000, Decimal("320.00")), (2000, Decimal("480.00"))),
        Decimal("160.00"),
    ),
    ("express", "north_america"): (
        ((500, Decimal("260.00")), (1000, Decimal("350.00")), (2000, Decimal("520.00"))),
        Decimal("170.00"),
    ),
    ("express", "oceania"): (
        ((500, Decimal("220.00")), (1000, Decimal("300.00")), (2000, Decimal("440.00"))),
        Decimal("140.00"),
    ),
}

METHODS = ("standard", "express")

# (method, zone) -> business days from dispatch to delivery (min, max).
DELIVERY_DAYS: dict[tuple[str, str], tuple[int, int]] = {
    ("standard", DOMESTIC): (2, 4),
    ("standard", "cn"): (5, 10),
    ("standard", "asia"): (5, 8),
    ("standard", "europe"): (7, 12),
    ("standard", "north_america"): (7, 12),
    ("standard", "oceania"): (7, 14),
    ("express", DOMESTIC): (1, 2),
    ("express", "cn"): (3, 5),
    ("express", "asia"): (2, 4),
    ("express", "europe"): (3, 6),
    ("express", "north_america"): (3, 6),
    ("express", "oceania"): (4, 7),
}


def zone_for(country_code: str) -> str | None:
    """The import zone of a destination country (None: we do not deliver there)."""
    return ZONE_BY_COUNTRY.get((country_code or "").upper())


def route_zone(*, ship_from: str, destination: str) -> str | None:
    """The zone a parcel from ``ship_from`` to ``destination`` is priced in.

    ``domestic`` inside one customs territory; the destination's zone for an import; None
    where we do not deliver to the destination or no carrier serves the route.
    """
    zone = zone_for(destination)
    if zone is None:
        return None
    if customs_territory(ship_from) == customs_territory(destination):
        return DOMESTIC
    if zone not in ROUTES.get((ship_from or "").upper(), frozenset()):
        return None
    return zone


def shipping_price_cny(*, method: str, zone: str, weight_grams: int) -> Decimal:
    """The price in CNY of one parcel of ``weight_grams`` by ``method`` in ``zone``."""
    bands, per_kg = BANDS[(method, zone)]
    for up_to, price in bands:
        if weight_grams <= up_to:
            return price
    last_up_to, last_price = bands[-1]
    extra_kg = (Decimal(weight_grams - last_up_to) / 1000).to_integral_value(ROUND_CEILING)
    return last_price + extra_kg * per_kg


SHIPPING_COUNTRIES = tuple(sorted(ZONE_BY_COUNTRY))


# A merchant's shipping destinations (``Partner.ships_to``): ISO countries and zone names,
# e.g. "GB FR europe". "EU" means every EU member. Blank: everywhere we deliver.
ZONE_NAMES = frozenset(ZONE_BY_COUNTRY.values())


def ships_to_parse(value: str) -> list[str]:
    """Split ``value`` on commas and spaces: countries and "EU" upper-case, zones lower."""
    tokens = []
    for raw in (value or "").replace(",", " ").split():
        token = raw.lower() if raw.lower() in ZONE_NAMES - {"cn"} else raw.upper()
        if token not in tokens:
            tokens.append(token)
    return tokens


def ships_to_unknown(value: str) -> list[str]:
    """The tokens of ``value`` that are neither a country we deliver to, "EU", nor a zone."""
    known = set(ZONE_BY_COUNTRY) | {"EU"} | ZONE_NAMES
    return [t for t in ships_to_parse(value) if t not in known]


def ships_to_covers(value: str, *, destination: str) -> bool:
    """Whether a merchant whose ``ships_to`` is ``value`` delivers to ``destination``."""
    tokens = ships_to_parse(value)
    if not tokens:
        return True
    code = (destination or "").upper()
    return (
        code in tokens or (code in EU and "EU" in tokens) or ZONE_BY_COUNTRY.get(code, "") in tokens
    )
