"""Basket lines added within the attribution window remember the note that sold them."""

from django.dispatch import receiver
from oscar.apps.basket.signals import basket_addition
from oscar.core.loading import get_model

from .attribution import attribution_for_product


@receiver(basket_addition)
def attribute_basket_line(sender, product, user, request, **kwargs):
    if request is None:
        return
    attribution = attribution_for_product(request, product.pk)
    if attribution is None:
        return
    Line = get_model("basket", "Line")
    Line.objects.filter(
        basket=request.basket, product=product, attributed_note__isnull=True
    ).update(attributed_note_id=attribution.note_id, attributed_creator_id=attribution.creator_id)
