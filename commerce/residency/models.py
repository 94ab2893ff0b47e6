"""Home regions, the regional personal-data store and privacy requests (issue #17).

Global database (``default``): :class:`HomeRegion` (token, region, keyed email hash),
:class:`RegionMove` and :class:`PrivacyRequest`. Regional databases: :class:`PersonalRecord`
(no foreign keys: the token is the only link).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from agencies.encryption.fields import EncryptedJSONField


class HomeRegion(models.Model):
    """Where a user's personal data lives; the global row holds no personal value."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="home_region"
    )
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    region = models.CharField(_("region"), max_length=8, db_index=True)
    # HMAC of the lower-cased email (PERSONAL_DATA_HASH_KEY): sign-in look-ups without it.
    email_hash = models.CharField(_("email hash"), max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("home region")
        verbose_name_plural = _("home regions")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.region}"


class RegionMove(models.Model):
    """A staff decision moving a user's personal data to another region."""

    home = models.ForeignKey(HomeRegion, on_delete=models.CASCADE, related_name="moves")
    from_region = models.CharField(_("from region"), max_length=8)
    to_region = models.CharField(_("to region"), max_length=8)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("moved by"),
    )
    moved_at = models.DateTimeField(_("moved at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["moved_at", "id"]
        verbose_name = _("region move")
        verbose_name_plural = _("region moves")

    def __str__(self) -> str:
        return f"{self.home_id}: {self.from_region} → {self.to_region}"


class PersonalRecord(models.Model):
    """One user's personal values in their region's database, encrypted with that
    region's keys: ``{"first_name", "last_name", "email", "phone", "addresses": [...],
    "legal_name", ...}``. Erasure empties ``payload`` and stamps ``erased_at``."""

    token = models.UUIDField(_("token"), unique=True)
    payload = EncryptedJSONField(_("personal data"), default=dict)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("personal record")
        verbose_name_plural = _("personal records")

    def __str__(self) -> str:
        return str(self.token)


class PrivacyRequest(models.Model):
    """Every export or erasure request and its outcome."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("data export")
        ERASURE = "erasure", _("erasure")

    class Outcome(models.TextChoices):
        DONE = "done", _("done")
        REFUSED = "refused", _("refused")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="privacy_requests",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    # What was done or why it was refused; never a personal value.
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")

    def __str__(self) -> str:
        return f"{self.kind} {self.user_id}: {self.outcome}"


class OrderResidency(models.Model):
    """Where an order's contact details live when they are not in the global database.

    An order of an overseas shopper -- signed in (their home region) or a guest (the region
    of the shipping country) -- keeps its email and the full shipping and billing addresses
    in a :class:`PersonalRecord` of that region under ``token`` (its own token, so a guest
    order needs no user); the global order keeps masked names and lines, no email.
    """

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="residency", verbose_name=_("order")
    )
    token = models.UUIDField(_("token"), unique=True, editable=False)
    region = models.CharField(_("region"), max_length=8, db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order residency")
        verbose_name_plural = _("order residencies")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.region}"
