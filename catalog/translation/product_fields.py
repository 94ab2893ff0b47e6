"""Per-language product content with django-modeltranslation.

Chosen over django-parler because it adds columns (``title_en``, ``title_zh_hans``...) to
Oscar's own tables: Oscar's abstract models, querysets, forms and templates keep reading
``product.title``, which answers in the active language with a fallback to the other one,
and the storefront pages need no extra query or join.
"""

from modeltranslation.translator import TranslationOptions, register
from oscar.core.loading import get_model

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")


@register(Product)
class ProductTranslationOptions(TranslationOptions):
    fields = ("title", "description")


@register(Category)
class CategoryTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(ProductAttributeValue)
class ProductAttributeValueTranslationOptions(TranslationOptions):
    fields = ("value_text", "value_richtext")
