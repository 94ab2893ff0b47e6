"""Order fork: order lines keep the note attribution their basket line had."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.abstract_models import AbstractLine

from commerce.webhook_store import WebhookDelivery


class Consignment(models.Model):
    """The goods of one merchant (ship-from location) in one order, going to one address.

    Written when the order is placed, from the checkout's per-consignment quote. Amounts are
    in the order currency. ``duties``/``taxes`` are what the shopper paid at checkout;
    ``border_estimate`` is what the destination will collect at delivery (not paid to us).
    A merchant sees and acts on only its own consignments (DESIGN §3).
    """

    class Kind(models.TextChoices):
        DOMESTIC = "domestic", _("Domestic")
        IMPORT = "import", _("Import")

    class Collected(models.TextChoices):
        NONE = "none", _("No import charges")
        AT_CHECKOUT = "at_checkout", _("Duties paid at checkout")
        AT_BORDER = "at_border", _("Duties collected at delivery")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting shipment")
        SHIPPED = "shipped", _("Shipped")
        CANCELLED = "cancelled", _("Cancelled")

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="consignments")
    partner = models.ForeignKey(
        "partner.Partner", on_delete=models.PROTECT, related_name="consignments"
    )
    ship_from = models.CharField(_("ships from"), max_length=2)
    destination = models.CharField(_("destination"), max_length=8)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    collected = models.CharField(
        _("import charges"), max_length=12, choices=Collected.choices, default=Collected.NONE
    )
    currency = models.CharField(_("currency"), max_length=3)
    goods = models.DecimalField(_("goods"), max_digits=12, decimal_places=2, default=0)
    shipping = models.DecimalField(_("shipping"), max_digits=12, decimal_places=2, default=0)
    duties = models.DecimalField(_("duties"), max_digits=12, decimal_places=2, default=0)
    taxes = models.DecimalField(_("import taxes"), max_digits=12, decimal_places=2, default=0)
    border_estimate = models.DecimalField(
        _("estimated charges at delivery"), max_digits=12, decimal_places=2, default=0
    )
    # The landed-cost quote as shown at checkout: [{"code", "label", "amount"}, ...] and the
    # engine's reason code, so pages and emails show what the shopper was told.
    quote = models.JSONField(_("quote"), default=dict, blank=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    delivery_days = models.CharField(_("delivery promise"), max_length=32, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    carrier = models.CharField(_("carrier"), max_length=64, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    refunded = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        app_label = "order"
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "partner"], name="consignment_per_partner")
        ]
        verbose_name = _("consignment")
        verbose_name_plural = _("consignments")

    def __str__(self) -> str:
        return f"{self.order_id}/{self.partner_id} {self.ship_from}->{self.destination}"

    @property
    def total(self):
        """What the shopper paid us for this consignment (goods, shipping, duties, taxes)."""
        return self.goods + self.shipping + self.duties + self.taxes


class ConsignmentRefund(models.Model):
    """One refund of one consignment: one Stripe refund of the order's PaymentIntent.

    The row is written (and committed) before Stripe is called; its id is the Stripe
    idempotency key, so a retry of the same refund can never refund twice. ``lines`` says
    which order lines the goods part of the refund was for ({line id: amount}), so creator
    commission is reversed on those lines only.
    """

    class State(models.TextChoices):
        CREATED = "created", _("Created")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    consignment = models.ForeignKey(
        "order.Consignment", on_delete=models.PROTECT, related_name="refunds"
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    lines = models.JSONField(_("amount per line"), default=dict, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.CREATED
    )
    stripe_refund_id = models.CharField(_("Stripe refund"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "order"
        ordering = ["pk"]
        verbose_name = _("consignment refund")
        verbose_name_plural = _("consignment refunds")

    def __str__(self) -> str:
        return f"{self.consignment_id} {self.amount} {self.currency} {self.state}"

    @property
    def idempotency_key(self) -> str:
        return f"consignment-refund-{self.pk}"


class Line(AbstractLine):
    consignment = models.ForeignKey(
        "order.Consignment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lines",
        verbose_name=_("consignment"),
    )
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


class OrderImportIdentity(models.Model):
    """The buyer's identity for a China cross-border retail import (one per order).

    The ID number itself is never stored: only a keyed hash (to count the buyer's annual
    purchases across orders) and its masked form (to show staff and the buyer).
    ``counted_value`` is what this order counts toward the CNY 26,000 annual limit
    (goods + freight + insurance, CNY).
    """

    order = models.OneToOneField(
        "order.Order", on_delete=models.CASCADE, related_name="import_identity"
    )
    real_name = models.CharField(_("real name"), max_length=100)
    id_number_hash = models.CharField(_("ID number hash"), max_length=64, db_index=True)
    id_number_masked = models.CharField(_("ID number"), max_length=32)
    counted_value = models.DecimalField(_("value counted (CNY)"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "order"
        verbose_name = _("import identity")
        verbose_name_plural = _("import identities")

    def __str__(self) -> str:
        return f"{self.real_name} {self.id_number_masked}"


class StripePayment(models.Model):
    """One PaymentIntent for one order number; the row exists before Stripe is called."""

    class State(models.TextChoices):
        CREATED = "created", _("Created")
        PROCESSING = "processing", _("Processing")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    order_number = models.CharField(_("order number"), max_length=128, unique=True)
    order = models.OneToOneField(
        "order.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stripe_payment",
    )
    intent_id = models.CharField(_("PaymentIntent"), max_length=255, unique=True, null=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default="created")
    last_error = models.TextField(_("last error"), blank=True)
    refunded = models.DecimalField(_("refunded"), max_digits=12, decimal_places=2, default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "order"
        verbose_name = _("Stripe payment")
        verbose_name_plural = _("Stripe payments")

    def __str__(self) -> str:
        return f"{self.order_number} {self.intent_id or '-'} {self.state}"


class StripeEvent(WebhookDelivery):
    """Every webhook delivery: bounded evidence before the signature is verified, the whole
    event after (``commerce.webhook_store``)."""

    reason_field = "error"

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        REJECTED = "rejected", _("Rejected (signature)")
        WAITING = "waiting", _("Waiting for the order")
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Ignored")
        FAILED = "failed", _("Failed")

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="received")
    error = models.TextField(_("error"), blank=True)
    intent_id = models.CharField(_("PaymentIntent"), max_length=255, blank=True, db_index=True)

    class Meta:
        app_label = "order"
        verbose_name = _("Stripe webhook event")
        verbose_name_plural = _("Stripe webhook events")

    def __str__(self) -> str:
        return f"{self.event_id or '-'} {self.type} {self.state}"


from oscar.apps.order.models import *  # noqa: E402,F403  (Oscar fork convention: last)
