"""Partner fork: Oscar's partners and stock records, plus stored FX rates."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from oscar.apps.partner.abstract_models import AbstractPartner

from catalog.validators import validate_currency_code
from commerce.shipping.zones import ships_to_unknown


def validate_ships_to(value: str) -> None:
    unknown = ships_to_unknown(value)
    if unknown:
        raise ValidationError(
            _("Not a country we deliver to, EU or a shipping zone: %(codes)s"),
            params={"codes": ", ".join(unknown)},
            code="ships_to",
        )


class Partner(AbstractPartner):
    """A merchant. ``ship_from_country`` is where its goods leave from (its warehouse): it
    decides whether a consignment is domestic or an import for a destination. A product's
    ``origin_country`` (where it was made) is a different fact, the one customs asks for."""

    ship_from_country = CountryField(_("ships from"), blank=True)
    # Where this merchant delivers: ISO countries, "EU" or zones (asia, europe,
    # north_america, oceania), space- or comma-separated; blank: everywhere we deliver.
    # Authoritative: the merchant's own country is not implied.
    ships_to = models.CharField(
        _("ships to"),
        max_length=255,
        blank=True,
        validators=[validate_ships_to],
        help_text=_(
            "Countries (ISO codes such as GB, FR), EU, or zones (asia, europe, "
            "north_america, oceania), separated by spaces or commas. Blank: everywhere "
            "we deliver."
        ),
    )


class Rate(models.Model):
    """One FX rate: 1 ``base`` = ``rate`` ``quote``, as published by ``source`` on ``as_of``.

    Display conversion (what a shopper sees) and customs conversion (what duties are
    computed on) use different published rates, so each rate says which it is.
    """

    class Kind(models.TextChoices):
        DISPLAY = "display", _("Display")
        CUSTOMS = "customs", _("Customs")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.DISPLAY)
    base = models.CharField(_("base currency"), max_length=3, validators=[validate_currency_code])
    quote = models.CharField(_("quote currency"), max_length=3, validators=[validate_currency_code])
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    source = models.CharField(_("source"), max_length=100)
    as_of = models.DateField(_("as of"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "partner"
        ordering = ["kind", "base", "quote", "-as_of"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "base", "quote", "as_of"], name="rate_once_per_day"
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="rate_positive"),
        ]
        verbose_name = _("FX rate")
        verbose_name_plural = _("FX rates")

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.kind}, {self.as_of})"


from oscar.apps.partner.models import *  # noqa: E402,F403  (Oscar fork convention: last)
