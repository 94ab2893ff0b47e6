import uuid

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .engines.glossary import SLANG_VERSION_KEY
from .models import SlangTerm


@receiver([post_save, post_delete], sender=SlangTerm)
def slang_version_bump(sender, **kwargs):
    """Every process's glossary reloads the curated slang on its next use."""
    cache.set(SLANG_VERSION_KEY, uuid.uuid4().hex, None)


def _sync_original_columns(sender, instance, **kwargs):
    """Keep Oscar's own column (``title``, ``name``...) holding the text too: English
    first, else Chinese. Code that reads the column directly (exports, raw SQL, Oscar's
    slug) still finds a value whichever language the merchant wrote."""
    from modeltranslation.translator import translator

    for field in translator.get_options_for_model(sender).fields:
        value = getattr(instance, f"{field}_en", None) or getattr(
            instance, f"{field}_zh_hans", None
        )
        if value:
            instance.__dict__[field] = value


def product_fields_connect():
    from oscar.core.loading import get_model

    for model in (
        get_model("catalogue", "Product"),
        get_model("catalogue", "Category"),
        get_model("catalogue", "ProductAttributeValue"),
    ):
        pre_save.connect(_sync_original_columns, sender=model, dispatch_uid=f"mt-sync-{model}")
