"""Rail ``stripe_connect``: agencies with a Stripe connected account.

Route: the agency's ``stripe_account_id``. Submit: ``POST /v1/transfers`` (amount in
minor units, destination = the connected account, ``transfer_group`` = the run's
reference) with the idempotency key ``payout-transfer-<id>``; a retry (network error,
429, 5xx) reuses it (``TransferRetry``). A created Stripe transfer is in the connected
account's balance: the transfer goes ``submitted`` then ``paid`` at once. A 4xx refusal
fails it. Reversals arrive by webhook (``payouts.webhooks``, ``WEBHOOK`` below).
"""

from __future__ import annotations

import stripe
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from commerce.stripe_api import amount_to_minor, stripe_client

from ..errors import TransferRetry
from ..lifecycle import (
    run_complete_if_done,
    run_reference,
    transfer_fail,
    transfer_paid,
    transfer_submitted,
)
from ..models import PayoutRun, Transfer
from . import Route

CODE = "stripe_connect"
LABEL = _("Stripe Connect")
PAYS_CREATORS = False  # Stripe Connect does not serve mainland China's personal accounts
WEBHOOK = "payouts.webhooks.stripe_connect_webhook"
T = Transfer.State


def route_agency(agency) -> Route:
    if not agency.stripe_account_id:
        return Route(CODE, held=str(_("The agency has no Stripe account id.")), hold="account")
    return Route(CODE, agency.stripe_account_id)


def route_creator(personal) -> Route:
    raise NotImplementedError


def submit(*, transfer: Transfer) -> None:
    """Create the Stripe transfer (idempotent on the transfer's key)."""
    Transfer.objects.filter(pk=transfer.pk).update(attempts=F("attempts") + 1)
    run = PayoutRun.objects.select_related("agency").get(pk=transfer.run_id)
    try:
        created = stripe_client(api_base=settings.STRIPE_CONNECT_API_BASE).v1.transfers.create(
            params={
                "amount": amount_to_minor(amount=transfer.amount, currency=transfer.currency),
                "currency": transfer.currency.lower(),
                "destination": transfer.destination,
                "transfer_group": run_reference(run),
                "metadata": {"transfer": str(transfer.pk), "run": str(run.pk)},
            },
            options={"idempotency_key": transfer.idempotency_key},
        )
    except stripe.StripeError as exc:
        status = exc.http_status
        message = exc.user_message or str(exc) or exc.__class__.__name__
        if status is None or status == 429 or status >= 500:
            Transfer.objects.filter(pk=transfer.pk).update(reason=f"retrying: {message}"[:2000])
            raise TransferRetry(message) from exc
        transfer_fail(transfer=transfer, reason=f"Stripe: {message}"[:2000])
        return
    with transaction.atomic():
        locked = (
            Transfer.objects.select_for_update(of=("self",))
            .select_related("run")
            .get(pk=transfer.pk)
        )
        if locked.state != T.PENDING:
            return
        transfer_submitted(transfer=locked, external_reference=created.id)
        transfer_paid(transfer=locked)
        run_complete_if_done(run_id=locked.run_id)
