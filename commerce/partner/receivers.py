from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .fx import rates_clear_cache
from .models import Rate


@receiver([post_save, post_delete], sender=Rate)
def forget_cached_rates(sender, **kwargs):
    rates_clear_cache()
