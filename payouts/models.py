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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from agencies.models import RecordedChange
from commerce.webhook_store import WebhookDelivery

from .periods import MONTH_PATTERN


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
    # Not indexed, nor is ``state`` (see Meta): the run's take rewrites both on every
    # earning it moves, and an update that changes no indexed column is a HOT update,
    # written beside the old row without touching the table's other indexes.
    # No per-row foreign-key check either (a million of them at the take's commit): the
    # take (``payouts.states.earnings_take``) is the only writer and links each earning to
    # the run row it holds locked; PostgreSQL refuses to delete a run an earning names
    # (migration 0011), so the link cannot dangle.
    payout_run = models.ForeignKey(
        "payouts.PayoutRun",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earnings",
        verbose_name=_("payout run"),
        db_index=False,
        db_constraint=False,
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
        # No index names ``state`` or ``payout_run`` (a payout run moves every earning it
        # takes; with neither indexed the move is HOT, migration 0011 leaves each page
        # half free for it). Readers reach earnings by creator, agency or id; the release
        # of commission (the only kind that waits, ``pending``) by its due time.
        indexes = [
            models.Index(
                fields=["available_at"],
                name="earning_commission_due",
                condition=Q(kind="commission"),
            ),
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
            # Only commission waits for its return window (a reversal keeps its kind): the
            # release reads commission only (``earning_commission_due``).
            models.CheckConstraint(
                condition=~Q(state="pending") | Q(kind="commission"),
                name="earning_pending_is_commission",
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


# The shared abstract recorded change (agencies, the lowest Django package, owns it).
StateChange = RecordedChange


class EarningStateChange(StateChange):
    earning = models.ForeignKey(Earning, on_delete=models.PROTECT, related_name="state_changes")
    from_state = models.CharField(_("previous state"), max_length=16, choices=Earning.State.choices)
    to_state = models.CharField(_("new state"), max_length=16, choices=Earning.State.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    subject_field = "earning"

    class Meta(StateChange.Meta):
        verbose_name = _("earning state change")
        verbose_name_plural = _("earning state changes")


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


# --- Payout runs -------------------------------------------------------------------------


class PayoutRun(models.Model):
    """One month's payout for one scope: an agency's creators, or personal accounts.

    ``draft → computed → approved → sending → completed``; ``failed`` (with a reason)
    from draft or computed, and a failed run may be computed again (resumed). Every move
    is recorded as a ``PayoutRunStateChange``.
    """

    class Scope(models.TextChoices):
        AGENCY = "agency", _("agency")
        PERSONAL = "personal", _("personal accounts")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        COMPUTED = "computed", _("computed")
        APPROVED = "approved", _("approved")
        SENDING = "sending", _("sending")
        COMPLETED = "completed", _("completed")
        FAILED = "failed", _("failed")

    period = models.CharField(_("period"), max_length=7, help_text=_("YYYY-MM"))
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payout_runs",
        verbose_name=_("agency"),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="draft")
    currency = models.CharField(_("payout currency"), max_length=3, default="CNY")
    failure_reason = models.TextField(_("failure reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )

    class Meta:
        ordering = ["-period", "scope", "agency_id"]
        verbose_name = _("payout run")
        verbose_name_plural = _("payout runs")
        constraints = [
            # NULL agencies never collide in a plain unique constraint: one partial
            # constraint per scope makes "one run per scope and period" hold for both.
            models.UniqueConstraint(
                fields=["period", "agency"],
                condition=Q(agency__isnull=False),
                name="payout_run_once_per_agency_period",
            ),
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(agency__isnull=True),
                name="payout_run_once_per_personal_period",
            ),
            models.CheckConstraint(
                condition=Q(scope="personal", agency__isnull=True)
                | Q(scope="agency", agency__isnull=False),
                name="payout_run_scope_agency",
            ),
            models.CheckConstraint(
                condition=Q(period__regex=MONTH_PATTERN),
                name="payout_run_period_format",
            ),
        ]

    def __str__(self) -> str:
        who = self.agency.code if self.agency_id else "personal"
        return f"{self.period} {who} ({self.state})"


class PayoutRunStateChange(StateChange):
    run = models.ForeignKey(PayoutRun, on_delete=models.CASCADE, related_name="state_changes")
    from_state = models.CharField(_("previous state"), max_length=16, blank=True)
    to_state = models.CharField(_("new state"), max_length=16, choices=PayoutRun.State.choices)
    reason = models.TextField(_("reason"), blank=True)

    subject_field = "run"

    class Meta(StateChange.Meta):
        verbose_name = _("payout run state change")
        verbose_name_plural = _("payout run state changes")


class PayoutLine(models.Model):
    """What one creator is paid in one run, in the run's currency (CNY).

    ``gross`` (the creator's earnings, converted) = ``agency_share`` + ``tax`` + ``net``.
    ``income`` = gross - agency share: the creator's income, given to the withholding
    engine as ``Payment.gross``; ``taxable_income`` and ``working`` are the engine's.
    """

    run = models.ForeignKey(PayoutRun, on_delete=models.PROTECT, related_name="lines")
    creator = models.ForeignKey(
        "agencies.Creator", on_delete=models.PROTECT, related_name="payout_lines"
    )
    period = models.CharField(_("period"), max_length=7)
    regime = models.CharField(_("withholding regime"), max_length=32)
    currency = models.CharField(_("currency"), max_length=3)
    fx_rates = models.JSONField(
        _("FX rates used"), default=dict, blank=True, help_text=_("1 unit of each = rate CNY")
    )
    earnings_count = models.PositiveIntegerField(_("earnings"))
    gross = models.DecimalField(_("gross"), max_digits=16, decimal_places=2)
    agency_share = models.DecimalField(_("agency share"), max_digits=16, decimal_places=2)
    income = models.DecimalField(_("income"), max_digits=16, decimal_places=2)
    taxable_income = models.DecimalField(_("taxable income"), max_digits=18, decimal_places=4)
    tax = models.DecimalField(_("tax withheld"), max_digits=16, decimal_places=2)
    net = models.DecimalField(_("net"), max_digits=16, decimal_places=2)
    working = models.JSONField(_("withholding working"))

    class Meta:
        ordering = ["run_id", "creator_id"]
        verbose_name = _("payout line")
        verbose_name_plural = _("payout lines")
        constraints = [
            models.UniqueConstraint(fields=["run", "creator"], name="payout_line_once_per_run"),
        ]
        indexes = [models.Index(fields=["creator", "period"], name="payout_line_creator_period")]

    def __str__(self) -> str:
        return f"{self.period} {self.creator_id}: {self.net} {self.currency}"


# --- Ledger --------------------------------------------------------------------------------


class Entry(models.Model):
    """One money movement; its postings sum to zero per currency (see payouts.ledger)."""

    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    description = models.CharField(_("description"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=32)
    reference = models.CharField(_("reference"), max_length=160, unique=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")

    def __str__(self) -> str:
        return f"{self.reference} ({self.kind})"


class Posting(models.Model):
    """One leg of an entry: positive debits, negative credits the account."""

    class Account(models.TextChoices):
        PLATFORM_REVENUE = "platform_revenue", _("platform revenue")
        CREATOR_EARNED = "creator_earned", _("creator earnings accrued")
        FX_CONVERSION = "fx_conversion", _("currency conversion")
        CREATOR_PAYABLE = "creator_payable", _("creator payable")
        AGENCY_PAYABLE = "agency_payable", _("agency payable")
        TAX_PAYABLE = "tax_payable", _("tax payable")
        CASH_IN_TRANSIT = "cash_in_transit", _("cash in transit")
        BANK = "bank", _("bank")

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="postings")
    account = models.CharField(_("account"), max_length=32, choices=Account.choices)
    creator = models.ForeignKey(
        "agencies.Creator", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        ordering = ["entry_id", "id"]
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        indexes = [models.Index(fields=["account", "currency"], name="posting_account")]

    def __str__(self) -> str:
        return f"{self.account} {self.amount} {self.currency}"


# --- Transfers (payouts.transfers) ----------------------------------------------------------


class PayoutBatch(models.Model):
    """The bank-file transfers of one run: one pain.001 XML and one CSV, settled by finance."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        WRITTEN = "written", _("file written")
        SETTLED = "settled", _("settled")

    # A run's bank transfers go in one batch; money re-sent later goes in a new one.
    run = models.ForeignKey(
        PayoutRun, on_delete=models.PROTECT, related_name="batches", verbose_name=_("payout run")
    )
    reference = models.CharField(_("reference"), max_length=35, unique=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="open")
    xml_path = models.CharField(_("pain.001 file"), max_length=500, blank=True)
    csv_path = models.CharField(_("CSV file"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    written_at = models.DateTimeField(_("written at"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("settled by"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("bank payment batch")
        verbose_name_plural = _("bank payment batches")

    def __str__(self) -> str:
        return f"{self.reference} ({self.state})"


class PayoutBatchStateChange(StateChange):
    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="state_changes")
    from_state = models.CharField(_("previous state"), max_length=16, blank=True)
    to_state = models.CharField(_("new state"), max_length=16, choices=PayoutBatch.State.choices)
    reason = models.TextField(_("reason"), blank=True)

    subject_field = "batch"

    class Meta(StateChange.Meta):
        verbose_name = _("bank batch state change")
        verbose_name_plural = _("bank batch state changes")


LIVE_TRANSFER_STATES = ("pending", "submitted", "paid")


class Transfer(models.Model):
    """Money sent to one payee of a run: the agency (agency runs) or a creator (personal).

    ``pending → submitted → paid``, or ``failed`` / ``returned`` (money back as payable);
    ``held`` (with a reason) when the payee has no rail or no account details. The row
    exists before any call to a rail; its idempotency key is derived from its id.
    """

    class Hold(models.TextChoices):
        IDENTITY = "identity", _("identity document missing")
        ACCOUNT = "account", _("payout account missing")

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        HELD = "held", _("held")
        SUBMITTED = "submitted", _("submitted")
        PAID = "paid", _("paid")
        FAILED = "failed", _("failed")
        RETURNED = "returned", _("returned")

    run = models.ForeignKey(
        PayoutRun, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("payout run")
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name=_("payee agency"),
    )
    creator = models.ForeignKey(
        "agencies.Creator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name=_("payee creator"),
    )
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    rail = models.CharField(_("rail"), max_length=16, blank=True)
    destination = models.CharField(_("destination account"), max_length=64, blank=True)
    batch = models.ForeignKey(
        PayoutBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers",
        verbose_name=_("bank payment batch"),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default="pending")
    external_reference = models.CharField(_("external reference"), max_length=100, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    # Why a held transfer is held, as a code: "identity" (the tax filing needs the
    # creator's legal name and identity document) or "account" (no rail or account).
    hold = models.CharField(_("held for"), max_length=16, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # A re-send of held, failed or returned money is a new transfer (a new idempotency key).
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        verbose_name=_("re-send of"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("paid, failed or returned at"), null=True, blank=True)

    class Meta:
        ordering = ["run_id", "id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=Q(agency__isnull=True, creator__isnull=False)
                | Q(agency__isnull=False, creator__isnull=True),
                name="transfer_one_payee",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_positive"),
            # Never two live transfers of one run to one payee: held, failed and returned
            # ones are finished, and their money may be re-sent by a new transfer.
            models.UniqueConstraint(
                fields=["run", "agency"],
                condition=Q(agency__isnull=False, state__in=LIVE_TRANSFER_STATES),
                name="transfer_live_once_per_run_agency",
            ),
            models.UniqueConstraint(
                fields=["run", "creator"],
                condition=Q(creator__isnull=False, state__in=LIVE_TRANSFER_STATES),
                name="transfer_live_once_per_run_creator",
            ),
        ]

    def __str__(self) -> str:
        return f"transfer {self.pk}: {self.amount} {self.currency} ({self.state})"

    @property
    def idempotency_key(self) -> str:
        return f"payout-transfer-{self.pk}"


class TransferStateChange(StateChange):
    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="state_changes")
    from_state = models.CharField(_("previous state"), max_length=16, blank=True)
    to_state = models.CharField(_("new state"), max_length=16, choices=Transfer.State.choices)
    reason = models.TextField(_("reason"), blank=True)

    subject_field = "transfer"

    class Meta(StateChange.Meta):
        verbose_name = _("transfer state change")
        verbose_name_plural = _("transfer state changes")


# --- Bank return files and Stripe Connect events (payouts.bank_returns, payouts.webhooks) ---


class BankReturnImport(models.Model):
    """One imported bank status report (pain.002), kept with its outcome; a file imports once."""

    filename = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    message = models.CharField(_("message"), max_length=32)
    message_id = models.CharField(_("report message id"), max_length=35, blank=True)
    batch = models.ForeignKey(
        PayoutBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="return_imports",
        verbose_name=_("bank payment batch"),
    )
    content = models.TextField(_("file content"))
    summary = models.JSONField(_("summary"), default=dict)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("bank return import")
        verbose_name_plural = _("bank return imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.message}, {self.imported_at:%Y-%m-%d %H:%M})"


class ConnectWebhookEvent(WebhookDelivery):
    """Every Stripe Connect webhook delivery (DESIGN.md §7): bounded evidence before the
    signature is verified, the whole event after (``commerce.webhook_store``)."""

    reason_field = "note"

    class State(models.TextChoices):
        RECEIVED = "received", _("received")
        REJECTED = "rejected", _("rejected (signature)")
        PROCESSED = "processed", _("processed")
        IGNORED = "ignored", _("ignored")
        REVIEW = "review", _("needs review")

    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.RECEIVED
    )
    stripe_transfer_id = models.CharField(
        _("Stripe transfer"), max_length=255, blank=True, db_index=True
    )
    transfer = models.ForeignKey(
        Transfer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="connect_events",
        verbose_name=_("transfer"),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("Stripe Connect webhook event")
        verbose_name_plural = _("Stripe Connect webhook events")

    def __str__(self) -> str:
        return f"{self.event_id or '-'} {self.type} {self.state}"
