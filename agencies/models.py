"""Creators (and, later, agencies and their contracts)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Creator(models.Model):
    """A person who posts notes and earns rewards; one per user account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="creator"
    )
    handle = models.SlugField(_("handle"), max_length=64, unique=True)
    display_name = models.CharField(_("display name"), max_length=100)
    country = CountryField(_("country of residence"))

    class Meta:
        verbose_name = _("creator")
        verbose_name_plural = _("creators")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def flag(self) -> str:
        return self.country.unicode_flag
