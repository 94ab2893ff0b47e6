"""Stripe Connect webhook: transfer reversals make the money payable again (DESIGN.md §7).

Decisions:

- Every delivery is stored (``ConnectWebhookEvent``, through ``commerce.webhook_store``,
  shared with the checkout webhook) before it is acted on; a bad, missing or stale
  ``Stripe-Signature`` (Stripe's scheme, checked by the official library with its 5-minute
  tolerance) is stored as rejected, as bounded evidence only, and answered 400.
- One row per event id (unique): a replay answers 200 and changes nothing. An event whose
  processing crashed stays ``received`` and is processed again when Stripe retries.
- ``transfer.reversed`` and ``transfer.updated`` say a transfer changed; what changed is
  read from Stripe (``GET /v1/transfers/{id}``, DESIGN.md: the event is a notification,
  Stripe's object the truth). Fully reversed (``amount_reversed`` = ``amount``): our
  transfer (``external_reference`` = the Stripe transfer id) is returned
  (``transfer_return``: payable again, ledger entry, earnings back in the run). Stripe
  unreachable: 503, the event stays ``received`` and Stripe's retry processes it.
- A partial reversal is recorded on the event (``review``) and logged, not applied: our
  transfer, its ledger entries and the run's lines are per payee and all-or-nothing, so
  splitting one needs a person's decision.
- Unknown Stripe transfer ids, amounts or currencies that do not match ours, and transfers
  not ``paid`` are kept with a note (200: Stripe must not retry what we chose to ignore).
"""

from __future__ import annotations

import logging

import stripe
from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from commerce.stripe_api import amount_to_minor, stripe_client
from commerce.webhook_store import (
    object_id,
    webhook_body_limit,
    webhook_body_read,
    webhook_delivery_store,
)

from .models import ConnectWebhookEvent, Transfer
from .transfers import TransferError, transfer_return

logger = logging.getLogger(__name__)

E = ConnectWebhookEvent.State
REVERSAL_TYPES = ("transfer.reversed", "transfer.updated")
HEADERS_KEPT = ("Stripe-Signature", "Content-Type", "User-Agent")


class StripeUnavailable(Exception):
    """Stripe could not be asked about the transfer: answer 503 so that it retries."""


def _stripe_transfer(stripe_id: str) -> dict | None:
    """Stripe's transfer as it is now (amount, amount reversed, currency); None if unknown."""
    client = stripe_client(api_base=settings.STRIPE_CONNECT_API_BASE)
    try:
        transfer = client.v1.transfers.retrieve(stripe_id)
    except stripe.InvalidRequestError as error:
        if error.http_status == 404:
            return None
        raise StripeUnavailable(str(error)) from error
    except stripe.StripeError as error:
        raise StripeUnavailable(str(error)) from error
    return {
        "amount": int(transfer.amount),
        "amount_reversed": int(transfer.amount_reversed or 0),
        "currency": str(transfer.currency).upper(),
    }


def connect_event_receive(*, body: bytes, headers) -> tuple[int, dict]:
    """Store and verify one delivery (``commerce.webhook_store``: bounded evidence before
    the signature is checked, the event once), then process it. Returns (status, JSON)."""
    delivery = webhook_delivery_store(
        model=ConnectWebhookEvent,
        body=body,
        headers=headers,
        secret=settings.STRIPE_CONNECT_WEBHOOK_SECRET,
        headers_of_interest=HEADERS_KEPT,
        rejected_response={"error": _("Invalid or missing Stripe signature.")},
        refs=lambda payload: {"stripe_transfer_id": object_id(payload, "transfer")},
    )
    if delivery.record is None:
        return delivery.status, delivery.response
    record = delivery.record
    try:
        return 200, {"status": connect_event_process(event_pk=record.pk)}
    except StripeUnavailable as error:
        logger.warning(
            "Connect event %s: Stripe unreachable, retried later: %s", record.event_id, error
        )
        return 503, {"error": _("Stripe could not be reached; the event will be retried.")}


# Every caller passes its note: the default is never used (its value is unobservable).
def _finish(
    record: ConnectWebhookEvent,
    state: str,
    note: str = "",  # pragma: no mutate
    transfer=None,
) -> str:
    record.state, record.note, record.processed_at = state, note, timezone.now()
    record.transfer = transfer
    # Saving every column instead writes the same values (the row is ours, locked): only
    # fewer bytes to the database, nothing a test can observe.
    record.save(update_fields=["state", "note", "processed_at", "transfer"])  # pragma: no mutate
    return state


def connect_event_process(*, event_pk: int) -> str:
    """Act on one stored, verified event exactly once. Returns the outcome.

    ``StripeUnavailable`` (nothing changed, the event stays received) when the transfer
    cannot be read from Stripe.
    """
    record = ConnectWebhookEvent.objects.get(pk=event_pk)
    if record.state != E.RECEIVED:
        return "duplicate"
    ours = Transfer.objects.filter(
        external_reference=record.stripe_transfer_id, rail="stripe_connect"
    ).first()
    handled = record.type in REVERSAL_TYPES and record.stripe_transfer_id
    # Read Stripe's transfer before taking any lock: no row stays locked over the network.
    stripe_side = _stripe_transfer(record.stripe_transfer_id) if handled and ours else None
    with transaction.atomic():
        record = ConnectWebhookEvent.objects.select_for_update().get(pk=event_pk)
        if record.state != E.RECEIVED:
            return "duplicate"
        if not handled:
            return _finish(record, E.IGNORED, "event type not handled")
        if ours is None or stripe_side is None:
            return _finish(record, E.IGNORED, f"unknown transfer {record.stripe_transfer_id}")
        transfer = Transfer.objects.select_for_update(of=("self",)).get(pk=ours.pk)
        amount, reversed_amount = stripe_side["amount"], stripe_side["amount_reversed"]
        if reversed_amount <= 0:
            return _finish(record, E.IGNORED, "no reversal", transfer)
        minor = amount_to_minor(amount=transfer.amount, currency=transfer.currency)
        currency = stripe_side["currency"]
        if amount != minor or currency != transfer.currency:
            note = f"Stripe says {amount} {currency}, our transfer is {minor} {transfer.currency}"
            logger.warning("Connect event %s: %s", record.event_id, note)
            return _finish(record, E.REVIEW, note, transfer)
        if reversed_amount < amount:
            note = f"partial reversal of {reversed_amount} of {amount} (minor units): not applied"
            logger.warning("Connect event %s: transfer %s: %s", record.event_id, transfer.pk, note)
            return _finish(record, E.REVIEW, note, transfer)
        if transfer.state == Transfer.State.RETURNED:
            return _finish(record, E.PROCESSED, "already returned", transfer)
        reason = _("Stripe transfer reversed (%(id)s)") % {"id": record.stripe_transfer_id}
        try:
            transfer_return(transfer=transfer, reason=reason)
        except TransferError as error:
            logger.warning("Connect event %s: %s", record.event_id, error)
            return _finish(record, E.REVIEW, str(error), transfer)
        return _finish(record, E.PROCESSED, "", transfer)


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def stripe_connect_webhook(request):
    """POST from Stripe: thin; the work is in ``connect_event_receive``."""
    body = webhook_body_read(request)
    if body is None:
        limit = webhook_body_limit()
        return JsonResponse(
            {"error": _("The body is larger than %(max)d bytes.") % {"max": limit}}, status=413
        )
    status, body = connect_event_receive(body=body, headers=request.headers)
    return JsonResponse(body, status=status)
