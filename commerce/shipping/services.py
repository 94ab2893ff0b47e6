"""Shipping set-up: the countries checkout can ship to."""

from django_countries import countries
from oscar.core.loading import get_model

from .zones import SHIPPING_COUNTRIES

Country = get_model("address", "Country")


def shipping_countries_ensure() -> int:
    """Create (or mark) the countries we ship to; returns how many were created."""
    created = 0
    for code in SHIPPING_COUNTRIES:
        _country, was_created = Country.objects.update_or_create(
            iso_3166_1_a2=code,
            defaults={
                "name": str(countries.name(code)),
                "printable_name": str(countries.name(code)),
                "is_shipping_country": True,
            },
        )
        created += was_created
    return created
