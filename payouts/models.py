"""Earnings: one immutable row per gift, tip or commission, owed through a channel.

An earning is never edited: its state moves only through ``payouts.services`` (which
records every move as an ``EarningStateChange``) and corrections are new reversing rows.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImmutableEarningError(RuntimeError):
    """An attempt to edit or delete a written earning."""


class Earning(models.Model):
    class Kind(models.TextChoices):
        GIFT = "gift", _("gift")
        TIP = "tip", _("tip")
        COMMISSION = "commission", _("commission")

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        AVAILABLE = "available", _("available")
        IN_RUN = "in_run", _("in a payout run")
        PAID = "paid", _("paid")
        REVERSED = "reversed", _("reversed")

    class Channel(models.TextChoices):
        AGENCY = "agency", _("agency")
        PERSONAL = "personal", _("personal account")

    creator = models.ForeignKey(
        "agencies.Creator",
        on_delete=models.PROTECT,
        related_name="earnings",
        verbose_name=_("creator"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    occurred_at = models.DateTimeField(_("occurred at"))
    source_ref = models.CharField(_("source reference"), max_length=160, unique=True)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    available_at = models.DateTimeField(
        _("available from"),
        null=True,
        blank=True,
        help_text=_("Commission stays pending until the return window has passed."),
    )
    # The channel when the earning occurred.
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earnings",
        verbose_name=_("agency"),
    )
    contract_kind = models.CharField(_("contract kind"), max_length=16, blank=True)
    # Gifts: how the creator's amount was reached.
    coins = models.PositiveBigIntegerField(_("coins"), null=True, blank=True)
    coin_rate = models.DecimalField(
        _("coin rate"), max_digits=12, decimal_places=6, null=True, blank=True
    )
    gross_amount = models.DecimalField(
        _("gross amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    platform_share = models.DecimalField(
        _("platform share"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    stream_id = models.CharField(_("stream"), max_length=100, blank=True)
    order_line = models.ForeignKey(
        "order.Line",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earnings",
        verbose_name=_("order line"),
    )
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name=_("reverses"),
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("earning")
        verbose_name_plural = _("earnings")
        indexes = [
            models.Index(fields=["state", "available_at"], name="earning_due"),
            models.Index(fields=["creator", "occurred_at"], name="earning_creator_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(reverses__isnull=False), name="earning_positive"
            ),
            models.CheckConstraint(
                condition=Q(channel="personal", agency__isnull=True)
                | Q(channel="agency", agency__isnull=False),
                name="earning_channel_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_ref}: {self.amount} {self.currency} ({self.state})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableEarningError(
                "Earnings are immutable: write a reversing earning, move state via services."
            )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableEarningError("Earnings are never deleted.")


class EarningStateChange(models.Model):
    earning = models.ForeignKey(Earning, on_delete=models.PROTECT, related_name="state_changes")
    from_state = models.CharField(_("previous state"), max_length=16, choices=Earning.State.choices)
    to_state = models.CharField(_("new state"), max_length=16, choices=Earning.State.choices)
    at = models.DateTimeField(_("moved at"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("earning state change")
        verbose_name_plural = _("earning state changes")

    def __str__(self) -> str:
        return f"{self.earning_id}: {self.from_state} → {self.to_state}"


class EarningIntake(models.Model):
    """Every well-formed, signed reward event (and refused commission), stored before acting.

    ``source_ref`` is the earning's ``source_ref``; ``payload_hash`` tells a replay
    (same event, same content) from a conflicting reuse of the event id.
    """

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")

    source_ref = models.CharField(_("source reference"), max_length=160, unique=True)
    payload_hash = models.CharField(_("payload hash"), max_length=64)
    payload = models.JSONField(_("payload"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    delivery = models.CharField(_("delivery"), max_length=32)
    received_at = models.DateTimeField(_("received at"))

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("earning intake")
        verbose_name_plural = _("earning intakes")

    def __str__(self) -> str:
        return f"{self.source_ref} ({self.outcome})"


class CategoryCommissionRate(models.Model):
    """The merchant's commission rate for a product category (products may override)."""

    category = models.OneToOneField(
        "catalogue.Category",
        on_delete=models.CASCADE,
        related_name="commission",
        verbose_name=_("category"),
    )
    rate = models.DecimalField(
        _("commission rate"),
        max_digits=5,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )

    class Meta:
        verbose_name = _("category commission rate")
        verbose_name_plural = _("category commission rates")

    def __str__(self) -> str:
        return f"{self.category}: {self.rate}"


class MerchantCommission(Earning):
    """Commission owed on a merchant's orders (admin listing for the merchant)."""

    class Meta:
        proxy = True
        verbose_name = _("commission on my orders")
        verbose_name_plural = _("commission on my orders")
