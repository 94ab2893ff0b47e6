"""Consignments as pages and emails show them: the checkout quote (preview) and the
order's stored consignments (thank-you page, confirmation email) in one shape."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from commerce.partner.ship_to import country_name

from .labels import charge_label


def _delivery_text(low, high) -> str:
    return _("%(low)s–%(high)s business days") % {"low": low, "high": high}


def _charges(items) -> list[dict]:
    return [{"label": charge_label(c["label"]), "amount": Decimal(c["amount"])} for c in items]


def quote_display(quote) -> list[dict]:
    """The consignments of a ``CheckoutQuote`` (preview, shipping-method page, basket)."""
    if quote is None:
        return []
    rows = []
    for c in quote.consignments:
        rows.append(
            {
                "merchant": c.partner_name,
                "ship_from": c.ship_from,
                "ship_from_name": country_name(c.ship_from),
                "kind": c.kind,
                "collected": c.collected,
                "currency": c.currency,
                "lines": [
                    {
                        "title": line.product.get_title(),
                        "quantity": line.quantity,
                        "price": line.line_price_excl_tax_incl_discounts,
                    }
                    for line in c.lines
                ],
                "goods": c.goods,
                "shipping": c.shipping,
                "weight_grams": c.weight_grams,
                "charges": [
                    {"label": charge_label(x.label), "amount": x.amount} for x in c.charges
                ],
                "border_charges": [
                    {"label": charge_label(x.label), "amount": x.amount} for x in c.border_charges
                ],
                "border_estimate": c.border_estimate,
                "total": c.total,
                "delivery": _delivery_text(*c.delivery_days),
            }
        )
    return rows


def order_consignments_display(order) -> list[dict]:
    """The consignments stored on ``order`` with their lines (two queries)."""
    rows = []
    for c in order.consignments.prefetch_related("lines").order_by("pk"):
        lines = list(c.lines.all())
        low, _sep, high = (c.delivery_days or "").partition("-")
        rows.append(
            {
                "merchant": lines[0].partner_name if lines else "",
                "ship_from": c.ship_from,
                "ship_from_name": country_name(c.ship_from),
                "kind": c.kind,
                "collected": c.collected,
                "currency": c.currency,
                "lines": [
                    {
                        "title": line.title,
                        "quantity": line.quantity,
                        "price": line.line_price_excl_tax,
                    }
                    for line in lines
                ],
                "goods": c.goods,
                "shipping": c.shipping,
                "weight_grams": c.weight_grams,
                "charges": _charges((c.quote or {}).get("charges", [])),
                "border_charges": _charges((c.quote or {}).get("border_charges", [])),
                "border_estimate": c.border_estimate,
                "total": c.total,
                "delivery": _delivery_text(low, high) if high else "",
            }
        )
    return rows
