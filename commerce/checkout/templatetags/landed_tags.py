"""Template tags: an estimate of a product's shipping and import charges for the ship-to."""

from django import template

from commerce.partner.ship_to import (
    country_name,
    ship_to_for_request,
    ship_to_state_for_request,
)

from ..consignments import product_estimate
from ..display import quote_display

register = template.Library()


@register.simple_tag(takes_context=True)
def product_landed_estimate(context, product, purchase_info):
    """{"quote", "row"} for one unit of ``product`` to the shopper's ship-to country."""
    request = context.get("request")
    if request is None or purchase_info is None:
        return None
    quote = product_estimate(
        product=product,
        stockrecord=purchase_info.stockrecord,
        price=purchase_info.price,
        country=ship_to_for_request(request),
        state=ship_to_state_for_request(request),
    )
    if quote is None:
        return None
    rows = quote_display(quote) if quote.allowed else []
    return {"quote": quote, "row": rows[0] if rows else None}


@register.filter
def country_label(value) -> str:
    """A country (code or django-countries ``Country``) named in the active language."""
    code = str(getattr(value, "code", value) or "")
    return country_name(code) if code else ""
