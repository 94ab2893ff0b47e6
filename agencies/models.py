"""Creators, agencies and their contracts.

A creator with an active contract is paid through the agency (wages for an employment
contract, labour remuneration for a service contract); without one, to a personal account
with the platform withholding as platform labour remuneration. Overseas creators
(country of residence other than China) earn rewards only once verified and under an
active employment contract.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeBoundary, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

# A leaf module (Django and cryptography only), so agencies may use it below commerce.
from agencies.encryption.fields import EncryptedCharField

from .validators import (
    ID_DOCUMENT_TYPES,
    id_number_mask,
    id_number_normalize,
    registration_number_normalize,
)

HOME_COUNTRY = "CN"


class Creator(models.Model):
    """A person who posts notes and earns rewards; one per user account."""

    class Residency(models.TextChoices):
        RESIDENT = "resident", _("resident of China")
        NON_RESIDENT = "non_resident", _("non-resident of China")

    class ResidencyBasis(models.TextChoices):
        DOMICILE = "domicile", _("domicile in China")
        DAYS_183 = "days_183", _("183 days or more in China in the year")
        DAYS_UNDER_183 = "days_under_183", _("fewer than 183 days in China in the year")

    class Verification(models.TextChoices):
        UNVERIFIED = "unverified", _("unverified")
        PENDING = "pending", _("pending")
        VERIFIED = "verified", _("verified")
        REJECTED = "rejected", _("rejected")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="creator"
    )
    handle = models.SlugField(_("handle"), max_length=64, unique=True)
    display_name = models.CharField(_("display name"), max_length=100)
    # The name on the identity document: tax returns and platform reports need it.
    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        blank=True,
        help_text=_("As on the identity document (foreign names in English, '·' between parts)."),
    )
    country = CountryField(_("country of residence"))
    tax_residency = models.CharField(
        _("Chinese tax residency"),
        max_length=16,
        choices=Residency.choices,
        default=Residency.RESIDENT,
    )
    residency_basis = models.CharField(
        _("residency basis"),
        max_length=16,
        choices=ResidencyBasis.choices,
        default=ResidencyBasis.DOMICILE,
    )
    residency_days = models.PositiveSmallIntegerField(
        _("days in China (24 full hours)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(366)],
    )
    residency_year = models.PositiveSmallIntegerField(
        _("tax year of the day count"), null=True, blank=True
    )
    id_document_type = models.CharField(
        _("identity document type"), max_length=32, choices=ID_DOCUMENT_TYPES, blank=True
    )
    # Never logged nor shown in full: repr, admin and messages use ``id_number_masked``.
    # Encrypted at rest (issue #17): the column holds a Fernet token.
    id_number = EncryptedCharField(_("identity document number"), max_length=32, blank=True)
    verification_state = models.CharField(
        _("verification"),
        max_length=16,
        choices=Verification.choices,
        default=Verification.UNVERIFIED,
    )
    verification_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    verification_decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The personal account rewards are paid to when the creator has no agency contract.
    payout_bank_name = models.CharField(_("payout bank name"), max_length=200, blank=True)
    payout_account_name = models.CharField(_("payout account holder"), max_length=200, blank=True)
    payout_account_number = EncryptedCharField(
        _("payout account number or IBAN"), max_length=64, blank=True
    )
    payout_bank_code = models.CharField(
        _("payout bank code (BIC or CNAPS)"), max_length=32, blank=True
    )
    # Issue #17: for a creator whose user is homed outside the global region, the legal
    # name, ID number and payout account live in that region's store (``agencies.personal``)
    # and this row keeps masks only: the legal name masked, the ID number blank, the last
    # four characters of the ID and account numbers (also the "on file" flags).
    # Database defaults too: rows written around the ORM (the benches' raw SQL) get them.
    personal_data_regional = models.BooleanField(
        _("personal data in the regional store"), default=False, db_default=False, editable=False
    )
    id_number_last4 = models.CharField(
        _("last four of the ID number"),
        max_length=4,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )
    payout_account_last4 = models.CharField(
        _("last four of the payout account"),
        max_length=4,
        blank=True,
        default="",
        db_default="",
        editable=False,
    )

    class Meta:
        verbose_name = _("creator")
        verbose_name_plural = _("creators")
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name

    def __repr__(self) -> str:
        return f"<Creator {self.pk} {self.handle}>"

    @property
    def flag(self) -> str:
        return self.country.unicode_flag

    @property
    def id_number_masked(self) -> str:
        if self.personal_data_regional:
            return f"****{self.id_number_last4}" if self.id_number_last4 else ""
        return id_number_mask(self.id_number)

    @property
    def has_id_number(self) -> bool:
        """An ID number is on file (here, or in the regional store)."""
        return bool(self.id_number_last4 if self.personal_data_regional else self.id_number)

    @property
    def is_overseas(self) -> bool:
        return str(self.country) != HOME_COUNTRY

    @property
    def is_verified(self) -> bool:
        return self.verification_state == self.Verification.VERIFIED

    @property
    def may_go_live(self) -> bool:
        """An overseas creator goes live only once verified."""
        return not self.is_overseas or self.is_verified

    def clean(self):
        super().clean()
        errors = {}
        if self.id_number:
            if not self.id_document_type:
                errors["id_document_type"] = _("Give the type of the identity document.")
            else:
                try:
                    self.id_number = id_number_normalize(
                        document_type=self.id_document_type, number=self.id_number
                    )
                except ValidationError as exc:
                    errors["id_number"] = exc.messages
        if self.residency_basis != self.ResidencyBasis.DOMICILE and self.residency_days is None:
            errors["residency_days"] = _("Record the day count the residency is based on.")
        if errors:
            raise ValidationError(errors)


class RecordedChange(models.Model):
    """Abstract: one recorded move of an object's state (when, by whom; subclasses add the
    subject, ``from_state``, ``to_state`` and ``reason``). Moves are written only by the
    state modules (``agencies.states``, ``payouts.states``)."""

    at = models.DateTimeField(_("moved at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_field = ""  # the foreign key to the object that moved

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        subject = getattr(self, f"{self.subject_field}_id")
        return f"{subject}: {self.from_state} → {self.to_state}"


class CreatorVerificationChange(models.Model):
    """Every change of a creator's verification state: who, when, why.

    Written only by ``agencies.states`` (its columns predate ``RecordedChange``: the
    machine names them, ``decided_at`` and ``decided_by``)."""

    creator = models.ForeignKey(
        Creator, on_delete=models.CASCADE, related_name="verification_changes"
    )
    from_state = models.CharField(
        _("previous state"), max_length=16, choices=Creator.Verification.choices
    )
    to_state = models.CharField(_("new state"), max_length=16, choices=Creator.Verification.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("verification change")
        verbose_name_plural = _("verification changes")

    def __str__(self) -> str:
        return f"{self.creator_id}: {self.from_state} → {self.to_state}"


class Agency(models.Model):
    """A content agency (MCN) that contracts creators and is paid their rewards."""

    class Rail(models.TextChoices):
        STRIPE_CONNECT = "stripe_connect", _("Stripe Connect")
        BANK_FILE = "bank_file", _("bank transfer file")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=200)
    country = CountryField(_("country"))
    registration_number = models.CharField(
        _("registration number"),
        max_length=32,
        help_text=_("Unified social credit code for a Chinese agency."),
    )
    share = models.DecimalField(
        _("agency share"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("The agency's cut of its creators' rewards, as a fraction (0.3 = 30%)."),
    )
    payout_rail = models.CharField(_("payout rail"), max_length=16, choices=Rail.choices)
    stripe_account_id = models.CharField(_("Stripe account id"), max_length=64, blank=True)
    bank_name = models.CharField(_("bank name"), max_length=200, blank=True)
    bank_account_name = models.CharField(_("account holder"), max_length=200, blank=True)
    bank_account_number = EncryptedCharField(_("account number or IBAN"), max_length=64, blank=True)
    bank_code = models.CharField(_("bank code (BIC or CNAPS)"), max_length=32, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="agencies",
        verbose_name=_("staff users"),
    )

    class Meta:
        ordering = ["legal_name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1), name="agency_share_fraction"
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

    def clean(self):
        super().clean()
        errors = {}
        if self.registration_number and self.country:
            try:
                self.registration_number = registration_number_normalize(
                    country=self.country, number=self.registration_number
                )
            except ValidationError as exc:
                errors["registration_number"] = exc.messages
        if self.payout_rail == self.Rail.STRIPE_CONNECT and not self.stripe_account_id:
            errors["stripe_account_id"] = _("A Stripe Connect payee needs its account id.")
        if self.payout_rail == self.Rail.BANK_FILE and not self.bank_account_number:
            errors["bank_account_number"] = _("A bank-file payee needs its account number.")
        if errors:
            raise ValidationError(errors)


class DateRange(models.Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class Contract(models.Model):
    """Creator × agency, valid from one date to another (both inclusive; open-ended if
    ``valid_to`` is empty). At most one contract per creator covers any day."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("employment (wages)")
        SERVICE = "service", _("service (labour remuneration)")

    creator = models.ForeignKey(
        Creator, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("creator")
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("agency")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["creator", "valid_from"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="contract_dates_ordered",
            ),
            # PostgreSQL only (the migration skips it elsewhere): no two contracts of one
            # creator overlap. clean() and the service check the same on every database.
            ExclusionConstraint(
                name="contract_one_active_per_creator",
                expressions=[
                    (
                        DateRange(
                            "valid_from",
                            "valid_to",
                            RangeBoundary(inclusive_lower=True, inclusive_upper=True),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                    ("creator", RangeOperators.EQUAL),
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.creator} @ {self.agency} ({self.get_kind_display()})"

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def overlapping(self) -> models.QuerySet[Contract]:
        others = Contract.objects.filter(creator_id=self.creator_id).exclude(pk=self.pk)
        if self.valid_to is not None:
            others = others.filter(valid_from__lte=self.valid_to)
        return others.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))

    def clean(self):
        super().clean()
        if self.valid_to is not None and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The contract cannot end before it starts.")})
        if self.creator_id and self.valid_from and self.overlapping().exists():
            raise ValidationError(
                _("The creator already has a contract covering some of these dates.")
            )

    def validate_constraints(self, exclude=None):
        # The exclusion constraint exists (and can be checked) only on PostgreSQL; clean()
        # performs the same check everywhere.
        if connection.vendor == "postgresql":
            return super().validate_constraints(exclude=exclude)
        return None


class LivePermission(models.Model):
    """Whether a creator may broadcast live: ``none → requested → granted / refused``;
    ``granted → revoked`` (by staff or by moderation strikes). Each change is recorded
    in ``LivePermissionChange``. Overseas creators are granted only once verified."""

    class State(models.TextChoices):
        NONE = "none", _("none")
        REQUESTED = "requested", _("requested")
        GRANTED = "granted", _("granted")
        REFUSED = "refused", _("refused")
        REVOKED = "revoked", _("revoked")

    creator = models.OneToOneField(
        Creator, on_delete=models.CASCADE, related_name="live_permission", verbose_name=_("creator")
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.NONE)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("live permission")
        verbose_name_plural = _("live permissions")

    def __str__(self) -> str:
        return f"{self.creator}: {self.get_state_display()}"


class LivePermissionChange(RecordedChange):
    """Every move of a creator's live permission: who (``actor``), when (``at``), why."""

    subject_field = "permission"
    permission = models.ForeignKey(LivePermission, on_delete=models.CASCADE, related_name="changes")
    from_state = models.CharField(
        _("previous state"), max_length=16, choices=LivePermission.State.choices
    )
    to_state = models.CharField(_("new state"), max_length=16, choices=LivePermission.State.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta(RecordedChange.Meta):
        verbose_name = _("live permission change")
        verbose_name_plural = _("live permission changes")
