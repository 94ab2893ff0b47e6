"""Checkout state read from the request: the captured identity, address and consignments.

Kept apart from ``session`` (which Oscar imports while loading the applicator).
"""

from __future__ import annotations

from decimal import Decimal

from oscar.core.loading import get_model

from .consignments import CheckoutQuote, basket_consignments_quote
from .landed_cost import buyer_annual_used

UserAddress = get_model("address", "UserAddress")

IDENTITY_SESSION_KEY = "checkout_import_identity"


def import_identity_get(request) -> dict | None:
    """{"real_name", "id_hash", "id_masked"} captured for this checkout, if any."""
    return request.session.get(IDENTITY_SESSION_KEY)


def import_identity_set(request, *, real_name: str, id_hash: str, id_masked: str) -> None:
    request.session[IDENTITY_SESSION_KEY] = {
        "real_name": real_name,
        "id_hash": id_hash,
        "id_masked": id_masked,
    }


def import_identity_clear(request) -> None:
    request.session.pop(IDENTITY_SESSION_KEY, None)


def session_address(request) -> tuple[str, str] | None:
    """(country, state) of the shipping address captured in this checkout session."""
    data = request.session.get("checkout_data", {}).get("shipping", {})
    fields = data.get("new_address_fields")
    if fields:
        return fields.get("country_id", ""), fields.get("state", "")
    address_id = data.get("user_address_id")
    if address_id:
        address = UserAddress._default_manager.filter(pk=address_id).first()
        if address:
            return address.country_id, address.state
    return None


def session_method(request) -> str:
    """The shipping method ("standard", "express") chosen in this checkout session."""
    code = request.session.get("checkout_data", {}).get("shipping", {}).get("method_code") or ""
    method = code.split("-", 1)[0]
    return method if method in ("standard", "express") else "standard"


def request_consignments(
    request, *, basket, country: str, state: str = "", method: str | None = None
) -> CheckoutQuote:
    """The basket's consignments to ``country`` quoted once per request (and basket state).

    A mainland-China destination counts the buyer's paid cross-border imports this year
    (by the identity captured in this checkout) toward the annual limit.
    """
    method = method or session_method(request)
    identity = import_identity_get(request) if country == "CN" else None
    lines_key = tuple((line.pk, line.quantity) for line in basket.all_lines())
    key = (basket.pk, basket.currency, lines_key, country, state, method)
    key += (identity and identity["id_hash"],)
    cache = request.__dict__.setdefault("_consignments_cache", {})
    if key not in cache:
        used = buyer_annual_used(id_hash=identity["id_hash"]) if identity else Decimal("0")
        cache[key] = basket_consignments_quote(
            basket=basket, country=country, state=state, method=method, annual_used=used
        )
    return cache[key]
