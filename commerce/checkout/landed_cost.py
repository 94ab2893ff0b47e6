"""Landed cost of a basket: duties and import taxes from ``tax.duties``.

Line values and shipping are converted from the basket currency into the destination's
customs currency with the stored *customs* rate, quoted, and the charges converted back
into the basket currency (rounded half-up to its minor unit by ``money_convert``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from commerce.partner.fx import RateMissing, money_convert
from tax.duties import DESTINATIONS, Consignment, Line, quote
from tax.errors import TaxInputError

from .reasons import reason_text
from .tariff import tariff_rate

logger = logging.getLogger(__name__)

CN_ANNUAL_LIMIT = Decimal("26000")
CN_ORDER_LIMIT = Decimal("5000")
# Order statuses that count as paid (the annual limit counts paid orders only).
PAID_STATUSES = ("Paid", "Being processed", "Shipped", "Complete")


@dataclass(frozen=True)
class LandedCharge:
    code: str
    label: str
    amount: Decimal  # basket currency


@dataclass
class LandedCost:
    allowed: bool
    reason: str = ""
    collected: str = "at_checkout"
    charges: list[LandedCharge] = field(default_factory=list)
    border_charges: list[LandedCharge] = field(default_factory=list)
    taxable_value_cny: Decimal = Decimal("0")  # China: what counts toward the limits

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.charges), Decimal("0"))


def destination_code(*, country: str, state: str = "") -> str:
    """The engine's destination: the ISO country, or "CA-XX" with Canada's province."""
    if country == "CA":
        return f"CA-{(state or '').strip().upper()}"
    return country


def _country_code(value) -> str:
    """A product's origin (django-countries ``Country`` or text) as an ISO code."""
    # A Country's str() is its code too: reading another attribute name (falling back to
    # the value) gives the same text.
    return str(getattr(value, "code", value) or "")  # pragma: no mutate


def needs_import_identity(*, country: str, basket) -> bool:
    """A mainland-China address receiving a consignment from abroad (a cross-border import)
    needs the buyer's identity; goods shipped from inside mainland China do not."""
    from commerce.shipping.parcels import basket_parcels

    return country == "CN" and any(
        not parcel.domestic for parcel in basket_parcels(basket, destination="CN")
    )


def buyer_annual_used(*, id_hash: str, on: date | None = None) -> Decimal:
    """CNY counted this calendar year for the buyer, across their paid orders."""
    # The app registry's lookup ignores case: a change of the name's case changes nothing.
    OrderImportIdentity = get_model("order", "OrderImportIdentity")  # pragma: no mutate
    year = (on or timezone.localdate()).year
    total = OrderImportIdentity.objects.filter(
        id_number_hash=id_hash,
        order__date_placed__year=year,
        order__status__in=PAID_STATUSES,
    ).aggregate(total=Sum("counted_value"))["total"]
    return total or Decimal("0")


def landed_cost_quote(
    *,
    basket=None,
    lines=None,
    currency: str = "",
    country: str,
    state: str = "",
    shipping: Decimal,
    on: date | None = None,
    annual_used: Decimal = Decimal("0"),
    ships_from: str = "",
) -> LandedCost:
    """Quote duties and import taxes on goods shipped to ``country`` (``state``).

    The goods are ``lines`` (basket lines of one consignment, in ``currency``) or, for
    callers quoting a whole basket, ``basket``. ``ships_from`` is the consignment's
    ship-from country (the merchant's); without it the first line's origin stands in.
    The caller decides that a consignment is an import: a domestic one is never quoted.
    """
    on = on or timezone.localdate()
    basket_currency = currency or basket.currency
    basket_lines = list(lines if lines is not None else basket.all_lines())
    destination = destination_code(country=country, state=state)
    if destination == "CA-":
        return LandedCost(
            allowed=False, reason=_("Please give the province for a Canadian address.")
        )
    dest = DESTINATIONS.get(destination)
    if dest is None:
        return LandedCost(
            allowed=False,
            reason=_("We cannot deliver duty-paid to this destination yet."),
        )
    customs = dest.currency
    lines = []
    try:
        for basket_line in basket_lines:
            product = basket_line.product
            if country == "CN" and not product.cbec_eligible:
                return LandedCost(
                    allowed=False,
                    reason=_("%(title)s is not on China's cross-border retail import list.")
                    % {"title": product.get_title()},
                )
            # No code and a made-up one are both refused by the engine (TaxInputError).
            hs_code = product.hs_code or ""  # pragma: no mutate
            origin = _country_code(product.origin_country)
            ships_from = ships_from or origin
            unit_price = money_convert(
                amount=basket_line.unit_price_excl_tax,
                base=basket_currency,
                quote=customs,
                kind="customs",
                on=on,
            )
            # Only China's rules read a consumption tax rate: passing it elsewhere changes
            # no figure (tested: the UK quote of a product with one is the same).
            ct = product.consumption_tax_rate if country == "CN" else None  # pragma: no mutate
            lines.append(
                Line(
                    # Only a label: no figure or decision of the quote depends on it.
                    description=product.get_title()[:100]  # pragma: no mutate
                    or product.upc  # pragma: no mutate
                    or "item",  # pragma: no mutate
                    hs_code=hs_code,
                    origin=origin,
                    quantity=basket_line.quantity,
                    unit_price=unit_price,
                    consumption_tax_rate=Decimal(ct) if ct is not None else None,
                    vat_rate=tariff_rate(destination=destination, kind="vat_rate", hs_code=hs_code),
                    duty_rate=tariff_rate(
                        destination=destination, kind="duty_rate", hs_code=hs_code
                    ),
                )
            )
        consignment = Consignment(
            destination=destination,
            currency=customs,
            lines=lines,
            shipping=money_convert(
                amount=shipping, base=basket_currency, quote=customs, kind="customs", on=on
            ),
            on=on,
            ships_from=ships_from,
            # Only China's limit uses it, and China's customs currency is CNY (no rate is
            # read); elsewhere it is zero, which converts to zero at any date's rate.
            buyer_annual_used=money_convert(
                amount=annual_used,
                base="CNY",
                quote=customs,
                kind="customs",
                on=on,  # pragma: no mutate
            ),
        )
        result = quote(consignment)
    except RateMissing:
        return LandedCost(
            allowed=False,
            reason=_("Duties cannot be computed right now (no customs exchange rate)."),
        )
    except TaxInputError as error:
        logger.info("landed cost for %s refused: %s", destination, error)
        return LandedCost(
            allowed=False,
            reason=_("We cannot deliver duty-paid to this destination yet."),
        )
    if not result.allowed:
        # The engine's stable reason code, in the shopper's language (English text as the
        # fallback for a code the checkout does not know yet).
        return LandedCost(
            allowed=False,
            reason=reason_text(
                code=result.reason_code, params=result.reason_params, fallback=result.reason
            ),
        )

    def back(charges) -> list[LandedCharge]:
        return [
            LandedCharge(
                code=c.code,
                label=c.label,
                amount=money_convert(
                    amount=c.amount, base=customs, quote=basket_currency, kind="customs", on=on
                ),
            )
            for c in charges
        ]

    taxable = Decimal("0")
    if country == "CN":
        # China's customs currency is CNY: no rate is read (any kind, any date), and the
        # checkout charges no insurance (always zero: + or - it, the same).
        taxable = money_convert(
            amount=result.goods + result.shipping + result.insurance,  # pragma: no mutate
            base=customs,
            quote="CNY",
            kind="customs",  # pragma: no mutate
            on=on,  # pragma: no mutate
        )
    return LandedCost(
        allowed=True,
        collected=result.collected,
        charges=back(result.charges),
        border_charges=back(result.border_charges),
        taxable_value_cny=taxable,
    )
