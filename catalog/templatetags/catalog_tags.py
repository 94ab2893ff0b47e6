from django import template

from catalog.cards import product_card_html

register = template.Library()


@register.simple_tag(takes_context=True)
def product_card(context, product):
    """A product card; the view prepares the page's cards (``product_cards_prepare``)."""
    return product_card_html(product, context["request"])
