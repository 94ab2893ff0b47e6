from django import template

from commerce.storefront.i18n import category_label, country_label

register = template.Library()


@register.filter
def category_name(name: str) -> str:
    """A category's name in the reader's language (``{{ category.name|category_name }}``)."""
    return category_label(str(name))


@register.filter
def country_name(code) -> str:
    """An ISO country code's name in the reader's language."""
    return country_label(str(code or ""), fallback=str(code or ""))
