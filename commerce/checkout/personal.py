"""Checkout's side of dual-line storage (issue #17): where an order's contact details live.

Region of an order: a signed-in shopper's home region; a guest's is the region of the
shipping country (a guest has no user, so the order gets its own token: ``OrderResidency``
points at a regional record holding its email and full addresses). For an overseas order
``order_contact_prepare`` writes that record BEFORE the card is charged (a store that is
down stops checkout with the 503 page, nothing charged, nothing global written), then masks
the unsaved address objects the order will save; ``order_contact_attach`` links the placed
order (in the order's transaction). A placement that fails after the regional write leaves
an orphan that ``residency_sweep`` removes. Global-region orders are untouched.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from commerce.residency import selectors, services


@dataclass
class OrderContact:
    region: str
    token: uuid.UUID
    email: str
    values: dict = field(default_factory=dict)  # shipping_address / billing_address

    @property
    def placeholder_email(self) -> str:
        """What a guest order keeps in ``guest_email``: Oscar treats an order without a user
        as a guest order only when it is set; ``.invalid`` never reaches anyone, and the
        dispatcher sends to the regional address instead."""
        return f"guest@{self.region}.regional.invalid"


def order_region(*, user, shipping_address) -> str:
    if user is not None and user.is_authenticated:
        return services.user_region(user=user)
    country = getattr(shipping_address, "country_id", "") if shipping_address else ""
    return services.region_for_country(country=country)


def order_contact_prepare(
    *, user, shipping_address, billing_address, guest_email: str, token: uuid.UUID | None = None
) -> OrderContact | None:
    """Regional write of an overseas order's contact details, then the addresses masked in
    place; None for a global-region order (its details stay on the global rows). ``token``:
    the same for every attempt at one basket (a retry after a declined card rewrites the
    same record), a new one when not given."""
    region = order_region(user=user, shipping_address=shipping_address)
    if not services.is_overseas(region=region):
        return None
    signed_in = user is not None and user.is_authenticated
    email = selectors.user_email_get(user=user) if signed_in else guest_email
    contact = OrderContact(
        region=region,
        token=token or uuid.uuid4(),
        email=email or "",
        values={
            "shipping_address": selectors.address_values(shipping_address),
            "billing_address": selectors.address_values(billing_address),
        },
    )
    services.order_personal_data_put(
        region=region, token=contact.token, data={"email": contact.email, **contact.values}
    )
    if signed_in and shipping_address is not None:
        # The shopper's saved addresses live in their region too (no global UserAddress).
        services.personal_address_save(user=user, address=contact.values["shipping_address"])
    services.address_mask(shipping_address)
    services.address_mask(billing_address)
    return contact


def order_contact_attach(*, order, contact: OrderContact) -> None:
    """Link the placed order to its regional record; the in-memory order shows the full
    values (confirmation page and email) without reading them back."""
    services.order_residency_record(order=order, region=contact.region, token=contact.token)
    selectors.order_values_apply(
        order=order, values={"email": contact.email, "region": contact.region, **contact.values}
    )


SESSION_KEY = "residency_order_contact"


def order_contact_token(*, request, basket) -> uuid.UUID:
    """The basket's order-contact token, kept in the session across checkout attempts."""
    saved = request.session.get(SESSION_KEY) or {}
    if saved.get("basket") != basket.pk:
        saved = {"basket": basket.pk, "token": str(uuid.uuid4())}
        request.session[SESSION_KEY] = saved
    return uuid.UUID(saved["token"])
