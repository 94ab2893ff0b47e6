"""Consignments at checkout: the basket split per merchant ship-from location, each quoted.

Each consignment has its own shipping (zone and weight, ``commerce.shipping.parcels``), its
own landed cost (domestic: none; an import: ``tax.duties`` with that consignment's own
thresholds and ``ships_from`` = the merchant's country) and its own delivery promise.
Domestic-ness is decided here, before the duties engine is called.

China: the CNY 5,000 order limit and the CNY 26,000 annual limit count cross-border
consignments only; each import consignment is quoted with the buyer's annual use plus the
earlier import consignments of this order, and the order's import consignments together
are held to the order limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from django.utils.translation import gettext as _

from commerce.shipping.parcels import Parcel, ParcelRefused, basket_parcels, parcels_check

from .landed_cost import CN_ORDER_LIMIT, LandedCharge, LandedCost, landed_cost_quote

ZERO = Decimal("0")


@dataclass
class ConsignmentQuote:
    parcel: Parcel
    currency: str
    method: str
    shipping: Decimal
    landed: LandedCost | None  # None: domestic, nothing to quote

    @property
    def kind(self) -> str:
        return "domestic" if self.landed is None else "import"

    @property
    def is_import(self) -> bool:
        return self.landed is not None

    @property
    def partner_id(self) -> int:
        return self.parcel.partner_id

    @property
    def partner_name(self) -> str:
        return self.parcel.partner_name

    @property
    def ship_from(self) -> str:
        return self.parcel.ship_from

    @property
    def lines(self) -> list:
        return self.parcel.lines

    @property
    def goods(self) -> Decimal:
        return self.parcel.goods

    @property
    def weight_grams(self) -> int:
        return self.parcel.weight_grams

    @property
    def charges(self) -> list[LandedCharge]:
        return self.landed.charges if self.landed else []

    @property
    def border_charges(self) -> list[LandedCharge]:
        return self.landed.border_charges if self.landed else []

    @property
    def duties(self) -> Decimal:
        return sum((c.amount for c in self.charges if c.code == "duty"), ZERO)

    @property
    def taxes(self) -> Decimal:
        return sum((c.amount for c in self.charges if c.code != "duty"), ZERO)

    @property
    def border_estimate(self) -> Decimal:
        return sum((c.amount for c in self.border_charges), ZERO)

    @property
    def collected(self) -> str:
        """ "none", "at_checkout" (delivered duty paid) or "at_border" (collected at delivery)."""
        if self.border_charges:
            return "at_border"
        if self.charges:
            return "at_checkout"
        return "none"

    @property
    def total(self) -> Decimal:
        """What the shopper pays us for this consignment (goods, shipping, duties, taxes)."""
        return self.goods + self.shipping + self.duties + self.taxes

    @property
    def delivery_days(self) -> tuple[int, int]:
        return self.parcel.delivery_days(method=self.method)

    @property
    def delivery_text(self) -> str:
        low, high = self.delivery_days
        return _("%(low)s–%(high)s business days") % {"low": low, "high": high}

    @property
    def taxable_value_cny(self) -> Decimal:
        return self.landed.taxable_value_cny if self.landed else ZERO


@dataclass
class CheckoutQuote:
    """The consignments of a basket to one destination, or why it cannot be sent there.

    ``stage`` says where a refusal sends the shopper back to: "basket" (the goods cannot go
    there: no route, no weight, a country we do not deliver to) or "address" (the duties
    engine refused: a limit, a missing province).
    """

    allowed: bool
    currency: str
    destination: str
    reason: str = ""
    stage: str = ""
    consignments: list[ConsignmentQuote] = field(default_factory=list)

    @property
    def shipping(self) -> Decimal:
        return sum((c.shipping for c in self.consignments), ZERO)

    @property
    def charges(self) -> list[LandedCharge]:
        """Charges collected at checkout, summed per code across consignments (surcharges)."""
        totals: dict[str, LandedCharge] = {}
        for consignment in self.consignments:
            for charge in consignment.charges:
                found = totals.get(charge.code)
                amount = charge.amount + (found.amount if found else ZERO)
                totals[charge.code] = LandedCharge(charge.code, charge.label, amount)
        return list(totals.values())

    @property
    def border_estimate(self) -> Decimal:
        return sum((c.border_estimate for c in self.consignments), ZERO)

    @property
    def collected_at_border(self) -> bool:
        return any(c.collected == "at_border" for c in self.consignments)

    @property
    def imports(self) -> list[ConsignmentQuote]:
        return [c for c in self.consignments if c.is_import]

    @property
    def taxable_value_cny(self) -> Decimal:
        """What this order counts toward China's annual limit (import consignments only)."""
        return sum((c.taxable_value_cny for c in self.consignments), ZERO)

    @property
    def needs_import_identity(self) -> bool:
        return self.destination == "CN" and bool(self.imports)

    @property
    def multiple(self) -> bool:
        return len(self.consignments) > 1


def consignments_quote(
    *,
    parcels: list[Parcel],
    currency: str,
    country: str,
    state: str = "",
    method: str = "standard",
    annual_used: Decimal = ZERO,
    on: date | None = None,
) -> CheckoutQuote:
    """Quote each parcel as a consignment to ``country`` (``state``) by ``method``."""
    quote = CheckoutQuote(allowed=True, currency=currency, destination=country)
    try:
        parcels_check(parcels, destination=country)
    except ParcelRefused as refusal:
        quote.allowed, quote.reason, quote.stage = False, str(refusal), "basket"
        return quote
    used = annual_used
    for parcel in parcels:
        shipping = parcel.shipping(method=method, currency=currency)
        landed = None
        if not parcel.domestic:
            landed = landed_cost_quote(
                lines=parcel.lines,
                currency=currency,
                country=country,
                state=state,
                shipping=shipping,
                on=on,
                annual_used=used,
                ships_from=parcel.ship_from,
            )
            if not landed.allowed:
                quote.allowed, quote.stage = False, "address"
                quote.reason = _("%(merchant)s's parcel: %(reason)s") % {
                    "merchant": parcel.partner_name,
                    "reason": landed.reason,
                }
                return quote
            used += landed.taxable_value_cny
        quote.consignments.append(
            ConsignmentQuote(
                parcel=parcel, currency=currency, method=method, shipping=shipping, landed=landed
            )
        )
    if country == "CN" and len(quote.imports) > 1 and quote.taxable_value_cny > CN_ORDER_LIMIT:
        quote.allowed, quote.stage = False, "address"
        quote.reason = _(
            "The cross-border parcels of this order come to CNY %(value)s, over China's "
            "CNY 5,000 limit per order. Please split them into separate orders."
        ) % {"value": quote.taxable_value_cny}
    return quote


def basket_consignments_quote(
    *,
    basket,
    country: str,
    state: str = "",
    method: str = "standard",
    annual_used: Decimal = ZERO,
    on: date | None = None,
) -> CheckoutQuote:
    return consignments_quote(
        parcels=basket_parcels(basket, destination=country),
        currency=basket.currency,
        country=country,
        state=state,
        method=method,
        annual_used=annual_used,
        on=on,
    )


def product_estimate(
    *, product, stockrecord, price, country: str, state: str = ""
) -> CheckoutQuote | None:
    """An estimate for one unit of ``product`` to ``country`` (product page), or None.

    ``price`` is the shopper's ``purchase_info.price``. Canada is estimated for ``state``
    (the ship-to's province; Ontario when none is given).
    """
    if stockrecord is None or not getattr(price, "exists", False):
        return None
    line = SimpleNamespace(
        product=product,
        stockrecord=stockrecord,
        quantity=1,
        unit_price_excl_tax=price.excl_tax,
        line_price_excl_tax_incl_discounts=price.excl_tax,
    )
    basket = SimpleNamespace(all_lines=lambda: [line])
    return consignments_quote(
        parcels=basket_parcels(basket, destination=country),
        currency=price.currency,
        country=country,
        state=(state or "ON") if country == "CA" else "",
    )
