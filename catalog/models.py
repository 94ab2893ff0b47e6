"""Catalogue fork: Oscar's product with cross-border data, plus creators' notes."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from oscar.apps.catalogue.abstract_models import AbstractProduct

from .validators import validate_currency_code, validate_hs_code


class Product(AbstractProduct):
    origin_country = CountryField(_("country of origin"), blank=True)
    hs_code = models.CharField(
        _("HS code"),
        max_length=10,
        blank=True,
        validators=[validate_hs_code],
        help_text=_("Harmonized System tariff code, 6 to 10 digits."),
    )
    customs_value = models.DecimalField(
        _("customs value"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    customs_currency = models.CharField(
        _("customs value currency"), max_length=3, blank=True, validators=[validate_currency_code]
    )
    weight_grams = models.PositiveIntegerField(_("weight (grams)"), null=True, blank=True)
    consumption_tax_rate = models.DecimalField(
        _("consumption tax rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("As a fraction, e.g. 0.15 for 15% (China consumption tax on cosmetics)."),
    )
    cbec_eligible = models.BooleanField(
        _("on China's cross-border e-commerce positive list"), default=False
    )
    commission_rate = models.DecimalField(
        _("creator commission rate"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_(
            "Affiliate commission paid to the creator whose note sold it, as a fraction "
            "(0.08 for 8%). Empty: the category's rate, else the shop default."
        ),
    )

    # Per-language fields (title_en, title_zh_hans...) machine-filled from the other language
    # and not yet confirmed by the merchant (catalog.translation.product_fields).
    machine_translated = models.JSONField(
        _("machine-translated fields awaiting confirmation"), default=list, blank=True
    )

    @property
    def sorted_recommended_products(self):
        # The product page sets them from its cached bundle; elsewhere ask Oscar.
        prepared = getattr(self, "sorted_recommendations", None)
        return prepared if prepared is not None else super().sorted_recommended_products

    def clean(self):
        super().clean()
        # A customs value means nothing without its currency, and the other way round.
        from django.core.exceptions import ValidationError

        if self.customs_value is not None and not self.customs_currency:
            raise ValidationError(
                {"customs_currency": _("Give the currency of the customs value.")}
            )
        if self.customs_currency and self.customs_value is None:
            raise ValidationError({"customs_value": _("Give the customs value.")})


class Note(models.Model):
    """A creator's social post linking products, in order."""

    creator = models.ForeignKey(
        "agencies.Creator",
        on_delete=models.PROTECT,
        related_name="notes",
        verbose_name=_("creator"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    region = CountryField(_("region"), help_text=_("Country the note was posted from."))
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    products = models.ManyToManyField(
        "catalogue.Product", through="NoteProduct", related_name="notes", verbose_name=_("products")
    )

    # --- Community (see catalog/community): state, moderation and counters ---------------
    class State(models.TextChoices):
        PUBLISHED = "published", _("published")
        REMOVED = "removed", _("removed by moderators")
        DELETED = "deleted", _("deleted by its author")

    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PUBLISHED
    )
    # Regions where the note is not shown (withheld there, or held for review there), as
    # ",CN,RU," ("*" for everywhere): derived from its community.Restriction rows, kept
    # here so a listing filters without a join.
    hidden_in = models.CharField(_("hidden in regions"), max_length=500, blank=True, default="")
    cover_url = models.CharField(_("cover thumbnail"), max_length=300, blank=True, default="")
    cover_ratio = models.PositiveSmallIntegerField(_("cover height per 100 of width"), default=133)
    like_count = models.PositiveIntegerField(_("likes"), default=0)
    collect_count = models.PositiveIntegerField(_("collects"), default=0)
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    view_count = models.PositiveIntegerField(_("views"), default=0)
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True)

    class Meta:
        app_label = "catalogue"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="note_newest"),
            models.Index(fields=["language", "-published_at"], name="note_language_newest"),
            models.Index(fields=["creator", "-published_at"], name="note_creator_newest"),
        ]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("notes:detail", kwargs={"pk": self.pk})

    def hidden_for(self, region: str) -> bool:
        """Is the note hidden from a viewer in ``region`` (withheld, in review, removed)?"""
        if self.state != self.State.PUBLISHED:
            return True
        return ",*," in self.hidden_in or f",{region}," in self.hidden_in


class NoteProduct(models.Model):
    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="note_products")
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.CASCADE, related_name="note_links"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        app_label = "catalogue"
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["note", "product"], name="note_product_once")
        ]
        indexes = [models.Index(fields=["product", "note"], name="note_product_by_product")]

    def __str__(self) -> str:
        return f"{self.note_id} #{self.position}: {self.product_id}"


from oscar.apps.catalogue.models import *  # noqa: E402,F403  (Oscar fork convention: last)
