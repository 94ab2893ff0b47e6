"""Product cards for listings and note pages, rendered once per state and then cached.

A card depends only on the product, its stock record, the shopper's currency and
language and the note it is shown under; all of that is in its cache key, so a cached
card is never stale. A page looks all its cards up at once; only the cards that miss
need the products' images, which are then fetched in one query. The add-to-basket form
carries the shopper's CSRF token, so it is added to the cached part on every request.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

CARD_SECONDS = 600
FORM_SLOT = "<!--add-to-basket-->"


def product_state_key(product, info, note_id: int | None = None) -> str:
    """What a rendering of the product shows depends on, as a cache key."""
    stockrecord = info.stockrecord
    stock_state = (
        f"{stockrecord.pk}.{stockrecord.date_updated.timestamp()}.{stockrecord.net_stock_level}"
        if stockrecord
        else "-"
    )
    price = f"{info.price.currency}{info.price.excl_tax}" if info.price.exists else "-"
    return (
        f"{product.pk}:{product.date_updated.timestamp()}:{stock_state}:{price}:"
        f"{get_language()}:{note_id or ''}"
    )


def product_cards_prepare(*, products, request, note=None) -> None:
    """Give each product its ``card_html`` (cached part) and ``card_info`` (purchase info)."""
    note_id = note.pk if note is not None else None
    keys = {}
    for product in products:
        product.card_info = request.strategy.fetch_for_product(product)
        keys[product.pk] = product_state_key(product, product.card_info, note_id)
    cached = cache.get_many([f"card:{key}" for key in keys.values()])
    cached = {key[len("card:") :]: html for key, html in cached.items()}
    missing = [product for product in products if keys[product.pk] not in cached]
    if missing:
        prefetch_related_objects(missing, "images")
    fresh = {}
    for product in products:
        key = keys[product.pk]
        if key in cached:
            product.card_html = cached[key]
        else:
            product.card_html = fresh[key] = render_to_string(
                "catalog/partials/product_card.html",
                {"product": product, "info": product.card_info, "note_id": note_id},
            )
    if fresh:
        cache.set_many({f"card:{key}": html for key, html in fresh.items()}, CARD_SECONDS)


def _csrf_token(request) -> str:
    # get_token masks the secret afresh on every call; one token serves the whole page.
    if not hasattr(request, "_product_card_csrf_token"):
        request._product_card_csrf_token = get_token(request)
    return request._product_card_csrf_token


def _add_to_basket(product, info, request) -> SafeString:
    if product.is_parent or product.has_options:
        # Variants and options are chosen on the product page.
        return format_html(
            '<a href="{}" class="btn btn-outline-primary btn-block">{}</a>',
            product.get_absolute_url(),
            _("Choose options"),
        )
    if info.price.exists and info.availability.is_available_to_buy:
        return format_html(
            '<form action="{}" method="post" class="add-to-basket">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="quantity" value="1">'
            '<button type="submit" class="btn btn-primary btn-block">{}</button></form>',
            reverse("basket:add", kwargs={"pk": product.pk}),
            _csrf_token(request),
            _("Add to basket"),
        )
    return format_html(
        '<span class="btn btn-secondary btn-block disabled">{}</span>', _("Add to basket")
    )


def product_card_html(product, request) -> SafeString:
    """The whole card of a prepared product (see ``product_cards_prepare``)."""
    form = _add_to_basket(product, product.card_info, request)
    return mark_safe(product.card_html.replace(FORM_SLOT, form, 1))
