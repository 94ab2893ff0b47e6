"""The product card of listings and note pages, rendered once per state and then cached.

A card depends only on the product, its stock record, the shopper's currency and
language and the note it is shown under; all of that goes into the cache key, so a
cached card is never stale. The add-to-basket form carries the shopper's CSRF token, so
it is added around the cached part on every request.
"""

from django import template
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

register = template.Library()

CARD_SECONDS = 600


def _card_key(product, info, note_id) -> str:
    stockrecord = info.stockrecord
    stock_state = (
        f"{stockrecord.pk}.{stockrecord.date_updated.timestamp()}.{stockrecord.net_stock_level}"
        if stockrecord
        else "-"
    )
    price = f"{info.price.currency}{info.price.excl_tax}" if info.price.exists else "-"
    return (
        f"card:{product.pk}:{product.date_updated.timestamp()}:{stock_state}:{price}:"
        f"{get_language()}:{note_id or ''}"
    )


def _csrf_token(request) -> str:
    # get_token masks the secret afresh on every call; one token serves the whole page.
    if not hasattr(request, "_product_card_csrf_token"):
        request._product_card_csrf_token = get_token(request)
    return request._product_card_csrf_token


@register.simple_tag(takes_context=True)
def product_card(context, product, note=None):
    request = context["request"]
    info = request.strategy.fetch_for_product(product)
    note_id = note.pk if note is not None else None
    key = _card_key(product, info, note_id)
    card = cache.get(key)
    if card is None:
        card = render_to_string(
            "catalog/partials/product_card.html",
            {"product": product, "info": info, "note_id": note_id},
        )
        cache.set(key, card, CARD_SECONDS)
    if product.is_parent or product.has_options:
        # Variants and options are chosen on the product page.
        form = format_html(
            '<a href="{}" class="btn btn-outline-primary btn-block">{}</a>',
            product.get_absolute_url(),
            _("Choose options"),
        )
    elif info.price.exists and info.availability.is_available_to_buy:
        form = format_html(
            '<form action="{}" method="post" class="add-to-basket">'
            '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<input type="hidden" name="quantity" value="1">'
            '<button type="submit" class="btn btn-primary btn-block">{}</button></form>',
            reverse("basket:add", kwargs={"pk": product.pk}),
            _csrf_token(request),
            _("Add to basket"),
        )
    else:
        form = format_html(
            '<span class="btn btn-secondary btn-block disabled">{}</span>', _("Add to basket")
        )
    return mark_safe(card.replace("<!--add-to-basket-->", form, 1))
