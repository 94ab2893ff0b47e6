"""A basket split into parcels: one per merchant ship-from location, priced by zone and weight.

A parcel is the shipping side of a consignment (``commerce.checkout.consignments`` adds its
landed cost). Merchants are partners; a partner's ``ship_from_country`` is where its goods
leave from. A partner without one (old data) ships from its product's country of origin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from commerce.partner.fx import money_convert

from .zones import (
    BASE_CURRENCY,
    DELIVERY_DAYS,
    route_zone,
    shipping_price_cny,
    ships_to_covers,
    zone_for,
)


class ParcelRefused(ValueError):
    """The basket cannot be shipped to the destination; ``str()`` says why, naming goods."""


def _code(value) -> str:
    return str(getattr(value, "code", value) or "").upper()


@dataclass
class Parcel:
    partner_id: int
    partner_name: str
    ship_from: str
    destination: str
    zone: str | None
    lines: list = field(default_factory=list)
    ships_to: str = ""  # the merchant's destinations (``Partner.ships_to``); blank: all

    @property
    def deliverable(self) -> bool:
        """A carrier serves the route and the merchant ships to the destination."""
        return self.zone is not None and ships_to_covers(
            self.ships_to, destination=self.destination
        )

    @property
    def domestic(self) -> bool:
        from .zones import DOMESTIC

        return self.zone == DOMESTIC

    @property
    def weight_grams(self) -> int:
        return sum((line.product.weight_grams or 0) * line.quantity for line in self.lines)

    @property
    def goods(self) -> Decimal:
        return sum((line.line_price_excl_tax_incl_discounts for line in self.lines), Decimal("0"))

    def shipping(self, *, method: str, currency: str) -> Decimal:
        """This parcel's shipping price by ``method`` in ``currency``."""
        price = shipping_price_cny(method=method, zone=self.zone, weight_grams=self.weight_grams)
        return money_convert(amount=price, base=BASE_CURRENCY, quote=currency)

    def delivery_days(self, *, method: str) -> tuple[int, int]:
        return DELIVERY_DAYS[(method, self.zone)]


def basket_parcels(basket, *, destination: str) -> list[Parcel]:
    """The basket's lines grouped per merchant, in basket order; no checks."""
    parcels: dict[int, Parcel] = {}
    for line in basket.all_lines():
        partner = line.stockrecord.partner
        parcel = parcels.get(partner.pk)
        if parcel is None:
            ship_from = _code(partner.ship_from_country) or _code(line.product.origin_country)
            parcel = parcels[partner.pk] = Parcel(
                partner_id=partner.pk,
                partner_name=partner.name,
                ship_from=ship_from,
                destination=destination,
                zone=route_zone(ship_from=ship_from, destination=destination),
                ships_to=getattr(partner, "ships_to", "") or "",
            )
        parcel.lines.append(line)
    return list(parcels.values())


def parcels_check(parcels: list[Parcel], *, destination: str) -> None:
    """Raise ``ParcelRefused`` for a destination we do not serve, a merchant that does not
    ship there (no carrier on its route, or outside its own ``ships_to``), or goods without
    a weight (never priced as zero)."""
    if zone_for(destination) is None:
        raise ParcelRefused(_("We do not deliver to this country yet."))
    for parcel in parcels:
        if not parcel.deliverable:
            raise ParcelRefused(
                _("%(merchant)s does not ship %(product)s to your country.")
                % {
                    "merchant": parcel.partner_name,
                    "product": ", ".join(line.product.get_title() for line in parcel.lines),
                }
            )
        for line in parcel.lines:
            if not line.product.weight_grams:
                raise ParcelRefused(
                    _(
                        "%(product)s has no shipping weight yet, so its delivery cannot be "
                        "priced. Please remove it or try again later."
                    )
                    % {"product": line.product.get_title()}
                )
