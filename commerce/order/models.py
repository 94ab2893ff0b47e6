"""Order fork: order lines keep the note attribution their basket line had."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine


class Line(AbstractLine):
    attributed_note = models.ForeignKey(
        "catalogue.Note",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="order_lines",
        verbose_name=_("attributed note"),
    )
    attributed_creator = models.ForeignKey(
        "agencies.Creator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attributed_order_lines",
        verbose_name=_("attributed creator"),
    )


from oscar.apps.order.models import *  # noqa: E402,F403  (Oscar fork convention: last)
