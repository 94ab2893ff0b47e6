"""Note attribution: which note (and creator) sent a shopper to a product.

Kept per shopper in a signed cookie that lives ``NOTE_ATTRIBUTION_DAYS``: product id ->
(note id, creator id, when). The newest visit from a note wins. Basket lines added
inside the window store it, and order lines inherit it from the basket.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

COOKIE = "note_attribution"
SALT = "catalog.attribution"
MAX_PRODUCTS = 50


@dataclass(frozen=True)
class Attribution:
    note_id: int
    creator_id: int
    at: int  # unix seconds


def _window_seconds() -> int:
    return settings.NOTE_ATTRIBUTION_DAYS * 24 * 3600


def attributions_load(request) -> dict[int, Attribution]:
    """The shopper's live attributions (expired ones dropped); an empty dict on any tampering."""
    cached = getattr(request, "_note_attributions", None)
    if cached is not None:
        return cached
    raw = request.COOKIES.get(COOKIE)
    found: dict[int, Attribution] = {}
    if raw:
        try:
            data = signing.loads(raw, salt=SALT, max_age=_window_seconds())
            oldest = time.time() - _window_seconds()
            for product_id, (note_id, creator_id, at) in data.items():
                if at >= oldest:
                    found[int(product_id)] = Attribution(int(note_id), int(creator_id), int(at))
        except (signing.BadSignature, ValueError, TypeError, AttributeError):
            found = {}
    request._note_attributions = found
    return found


def attribution_record(request, *, product_id: int, note_id: int, creator_id: int) -> None:
    attributions = attributions_load(request)
    attributions[product_id] = Attribution(note_id, creator_id, int(time.time()))
    request._note_attributions_changed = True


def attribution_for_product(request, product_id: int) -> Attribution | None:
    return attributions_load(request).get(product_id)


def attributions_write_cookie(request, response) -> None:
    """Persist recorded attributions on the response (called by the middleware)."""
    if not getattr(request, "_note_attributions_changed", False):
        return
    newest = sorted(attributions_load(request).items(), key=lambda item: -item[1].at)
    payload = {str(pid): [a.note_id, a.creator_id, a.at] for pid, a in newest[:MAX_PRODUCTS]}
    response.set_cookie(
        COOKIE,
        signing.dumps(payload, salt=SALT, compress=True),
        max_age=_window_seconds(),
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def parse_note_id(raw: str | None) -> int | None:
    """A ``?note=`` value as a positive id, or None when malformed (it is then ignored)."""
    if raw and raw.isdigit() and len(raw) < 12:
        return int(raw) or None
    return None
