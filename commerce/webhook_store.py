"""Stripe-signed webhook deliveries: store bounded evidence, verify, keep the event once.

One mechanism for both Stripe webhooks (checkout payments, ``order.StripeEvent``; Connect
transfers, ``payouts.ConnectWebhookEvent``): each model extends ``WebhookDelivery`` and each
receive function calls ``webhook_delivery_store`` and then acts on the stored event. It
lives in ``commerce`` so that ``payouts`` can use it; ``commerce`` never imports ``payouts``
(the retention job finds the models by label, ``WEBHOOK_DELIVERY_MODELS``).

Decisions (issue #12):

- Bodies over ``WEBHOOK_BODY_MAX_BYTES`` are refused with 413 before they are read
  (``webhook_body_read``) and nothing is stored.
- Before the signature is verified only bounded evidence is stored: the size and SHA-256
  of the whole body, the headers of interest (each value cut to 500 characters) and the
  first ``WEBHOOK_UNVERIFIED_HEAD_BYTES`` bytes of the body. Every text is made NUL-safe
  (PostgreSQL refuses NUL and lone surrogates in text and jsonb): a hostile delivery is a
  400, never a 500, and never more than a few KB in the database.
- Unverified deliveries are deleted after ``WEBHOOK_UNVERIFIED_RETENTION_HOURS`` by the
  Celery beat job ``webhook_deliveries_prune`` (settings ``CELERY_BEAT_SCHEDULE``).
- The full body is stored only once the signature (Stripe's scheme, checked by the
  official library with its 5-minute tolerance) is verified.
- A signed delivery that is not a JSON object with a string ``id`` and ``type`` is kept as
  rejected (verified) and answered 400 with the reason: Stripe shows it in its dashboard.
- One row per event id (unique): the caller learns whether the event is new or a replay.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import ClassVar

import stripe
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .strict_input import StrictJsonError, json_strict_loads, text_is_safe, text_nul_safe

logger = logging.getLogger(__name__)

HEADER_VALUE_MAX = 500
EVENT_ID_MAX = 255
EVENT_TYPE_MAX = 100
REJECTED = "rejected"


class WebhookDelivery(models.Model):
    """One webhook delivery: bounded evidence always, the full body once verified.

    Concrete models add their ``state`` (with a ``rejected`` value), the field named by
    ``reason_field`` for why a delivery was rejected, and their own references.
    """

    reason_field: ClassVar[str] = "error"

    # NULL for deliveries whose signature failed: they have no trusted id.
    event_id = models.CharField(_("event id"), max_length=EVENT_ID_MAX, unique=True, null=True)
    type = models.CharField(_("type"), max_length=EVENT_TYPE_MAX, blank=True)
    body = models.TextField(
        _("raw body"),
        blank=True,
        default="",
        help_text=_("The whole body once verified; else only its first few KB."),
    )
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    size = models.PositiveIntegerField(_("body size (bytes)"), default=0)
    sha256 = models.CharField(_("body SHA-256"), max_length=64, blank=True)
    verified = models.BooleanField(_("signature verified"), default=False)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        abstract = True


@dataclass
class Delivery:
    """What ``webhook_delivery_store`` made of a delivery.

    ``record`` is the stored, verified event to act on (``created`` False for a replay of an
    event already stored); otherwise ``status`` and ``response`` are the answer to give.
    """

    record: WebhookDelivery | None = None
    created: bool = False
    payload: dict = field(default_factory=dict)
    status: int = 200
    response: dict = field(default_factory=dict)


def headers_kept(headers: Mapping[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """The headers of interest, each value bounded and NUL-safe."""
    kept = {}
    for name in names:
        value = headers.get(name)
        if value:
            kept[name] = text_nul_safe(str(value), limit=HEADER_VALUE_MAX)
    return kept


def webhook_body_limit() -> int:
    return int(settings.WEBHOOK_BODY_MAX_BYTES)


def webhook_body_read(request) -> bytes | None:
    """The request body, or None (answer 413) when it is larger than the limit. A declared
    ``Content-Length`` over the limit is refused before anything is read."""
    limit = webhook_body_limit()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.body
    return None if len(body) > limit else body


def _ref(value, limit: int) -> str:
    return value if isinstance(value, str) and len(value) <= limit and text_is_safe(value) else ""


def object_id(payload: dict, kind: str) -> str:
    """``data.object.id`` of a verified event when the object is a ``kind``, else ""."""
    data = payload.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict) or obj.get("object") != kind:
        return ""
    return _ref(obj.get("id"), EVENT_ID_MAX)


def webhook_delivery_store(
    *,
    model: type[WebhookDelivery],
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    headers_of_interest: tuple[str, ...],
    rejected_response: dict,
    refs: Callable[[dict], dict] = lambda payload: {},
) -> Delivery:
    """Store one delivery (bounded evidence first), verify it, keep the event once.

    ``refs`` gives the model's own reference fields from the verified event.
    """
    digest = {
        "size": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
        "headers": headers_kept(headers, headers_of_interest),
    }
    head_bytes = int(settings.WEBHOOK_UNVERIFIED_HEAD_BYTES)
    reason_field = model.reason_field

    def rejected(reason: str, *, verified: bool = False, text: str = "") -> WebhookDelivery:
        evidence = text if verified else body[:head_bytes].decode("utf-8", errors="replace")
        return model.objects.create(
            body=text_nul_safe(evidence),
            verified=verified,
            state=REJECTED,
            **{reason_field: text_nul_safe(reason, limit=500)},
            **digest,
        )

    signature = headers.get("Stripe-Signature")
    try:
        if not secret:
            logger.error("%s: no webhook signing secret is set: deliveries refused", model.__name__)
            raise stripe.SignatureVerificationError("no webhook secret configured", signature)
        if not signature:
            raise stripe.SignatureVerificationError("missing Stripe-Signature header", None)
        text = body.decode("utf-8")  # Stripe signs the UTF-8 text of the body
        stripe.WebhookSignature.verify_header(
            text, signature, secret, stripe.Webhook.DEFAULT_TOLERANCE
        )
    except UnicodeDecodeError:
        rejected("body is not UTF-8 text")
        return Delivery(status=400, response=rejected_response)
    except (ValueError, IndexError, TypeError, stripe.SignatureVerificationError) as error:
        rejected(str(error))
        return Delivery(status=400, response=rejected_response)

    # Signed by Stripe from here on: the full body may be kept.
    try:
        payload = json_strict_loads(text)
    except StrictJsonError as error:
        reason = f"signed body refused: {error.field}: {error.message}"
        rejected(reason, verified=True, text=text)
        return Delivery(status=400, response={"error": reason})
    if not isinstance(payload, dict):
        reason = "signed body is not a JSON object"
        rejected(reason, verified=True, text=text)
        return Delivery(status=400, response={"error": reason})
    event_id = _ref(payload.get("id"), EVENT_ID_MAX)
    event_type = _ref(payload.get("type"), EVENT_TYPE_MAX)
    missing = [name for name, value in (("id", event_id), ("type", event_type)) if not value]
    if missing:
        reason = f"signed event without a valid {' or '.join(missing)}"
        rejected(reason, verified=True, text=text)
        return Delivery(status=400, response={"error": reason})
    try:
        with transaction.atomic():
            record = model.objects.create(
                event_id=event_id,
                type=event_type,
                body=text,
                verified=True,
                **digest,
                **refs(payload),
            )
            created = True
    except IntegrityError:
        record, created = model.objects.get(event_id=event_id), False
    return Delivery(record=record, created=created, payload=payload)


def webhook_deliveries_prune(*, now: datetime | None = None, batch: int = 10_000) -> dict[str, int]:
    """Delete unverified deliveries older than the retention time, in batches; returns the
    count deleted per model (``WEBHOOK_DELIVERY_MODELS``, by label)."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=float(settings.WEBHOOK_UNVERIFIED_RETENTION_HOURS))
    counts: dict[str, int] = {}
    for label in settings.WEBHOOK_DELIVERY_MODELS:
        model = apps.get_model(label)
        total = 0
        while True:
            ids = list(
                model.objects.filter(verified=False, received_at__lt=cutoff).values_list(
                    "pk", flat=True
                )[:batch]
            )
            if not ids:
                break
            total += model.objects.filter(pk__in=ids).delete()[0]
        counts[label] = total
    return counts
