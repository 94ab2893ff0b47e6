import uuid

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .engines.glossary import SLANG_VERSION_KEY
from .models import SlangTerm


@receiver([post_save, post_delete], sender=SlangTerm)
def slang_version_bump(sender, **kwargs):
    """Every process's glossary reloads the curated slang on its next use."""
    cache.set(SLANG_VERSION_KEY, uuid.uuid4().hex, None)
