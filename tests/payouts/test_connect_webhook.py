"""Stripe Connect webhook: a reversed transfer is returned, once, and only when signed."""

import hashlib
import hmac
import json
import time
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation

from agencies.models import Agency
from commerce.stripe_api import stripe_client
from payouts.models import ConnectWebhookEvent, Entry, Transfer, TransferStateChange
from payouts.runs import payout_run_approve, payout_run_compute
from payouts.tasks import payout_transfer_submit
from payouts.transfers import payout_run_send

from .factories import at, balance, creator_make, earning_make

D = Decimal
SECRET = "whsec_test_connect"
URL = "/api/stripe/connect-webhook/"


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared in English, whatever language an earlier test left active.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = SECRET


@pytest.fixture
def paid(stand_in):
    """An agency's transfer sent over Stripe Connect (the stand-in) and paid."""
    agency = Agency.objects.create(
        code="harbour",
        legal_name="Harbour Talent Ltd",
        country="HK",
        registration_number="12345678",
        share=D("0.2"),
        payout_rail=Agency.Rail.STRIPE_CONNECT,
        stripe_account_id="acct_harbour",
    )
    lily = creator_make(agency=agency, kind="service")
    earning_make(lily, "1000.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", agency=agency)
    run = payout_run_send(run=payout_run_approve(run=run, user=None))
    transfer = Transfer.objects.get(run=run)
    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "paid"
    transfer.refresh_from_db()
    assert transfer.external_reference.startswith("tr_")
    return transfer


def stripe_signature(body: bytes, *, secret: str = SECRET, at: int | None = None) -> str:
    """Stripe's scheme: ``t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">``."""
    timestamp = int(time.time()) if at is None else at
    signed = f"{timestamp}.".encode() + body
    return f"t={timestamp},v1={hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()}"


def event_body(transfer, *, kind="transfer.reversed", event_id="evt_1", reversed_minor=None):
    amount = int(transfer.amount * 100)
    stripe_id = transfer.external_reference if transfer else "tr_unknown"
    data = {
        "id": event_id,
        "object": "event",
        "api_version": "2026-10-28.endive",
        "created": int(time.time()),
        "livemode": False,
        "type": kind,
        "data": {
            "object": {
                "id": stripe_id,
                "object": "transfer",
                "amount": amount,
                "amount_reversed": amount if reversed_minor is None else reversed_minor,
                "currency": "cny",
                "destination": "acct_harbour",
                "reversed": reversed_minor is None,
            }
        },
    }
    return json.dumps(data).encode()


def reverse_on_stripe(stand_in, transfer, minor: int | None = None) -> None:
    """Reverse the Stripe transfer (all of it, or ``minor`` units) with the official library."""
    params = {} if minor is None else {"amount": minor}
    reversals = stripe_client(api_base=stand_in.url).v1.transfers.reversals
    reversals.create(transfer.external_reference, params=params)


def post(client, body: bytes, signature: str | None = "sign"):
    headers = {}
    if signature == "sign":
        signature = stripe_signature(body)
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = signature
    return client.post(URL, data=body, content_type="application/json", **headers)


def test_the_route_is_the_payouts_connect_webhook():
    assert reverse("payouts:stripe-connect-webhook") == URL


@pytest.mark.django_db
def test_a_reversed_transfer_is_returned_and_payable_again(client, paid, stand_in):
    assert balance("bank") == -paid.amount
    reverse_on_stripe(stand_in, paid)

    response = post(client, event_body(paid))

    assert (response.status_code, response.json()) == (200, {"status": "processed"})
    paid.refresh_from_db()
    assert paid.state == "returned"
    assert paid.reason == f"Stripe transfer reversed ({paid.external_reference})"
    assert paid.state_changes.last().to_state == "returned"
    lines = paid.run.lines.aggregate(share=Sum("agency_share"), net=Sum("net"))
    assert balance("agency_payable", agency=paid.agency) == -lines["share"]
    assert balance("creator_payable") == -lines["net"]
    assert balance("bank") == balance("cash_in_transit") == 0
    assert Entry.objects.filter(reference=f"transfer:{paid.pk}:returned").exists()
    event = ConnectWebhookEvent.objects.get()
    assert (event.event_id, event.type, event.state, event.verified) == (
        "evt_1",
        "transfer.reversed",
        "processed",
        True,
    )
    assert (event.transfer, event.stripe_transfer_id) == (paid, paid.external_reference)
    assert event.processed_at is not None
    call_command("ledger_check")


@pytest.mark.django_db
def test_a_replayed_event_answers_200_and_changes_nothing(client, paid, stand_in):
    reverse_on_stripe(stand_in, paid)
    body = event_body(paid)
    assert post(client, body).status_code == 200
    entries, changes = Entry.objects.count(), TransferStateChange.objects.count()

    again = post(client, body)

    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    assert ConnectWebhookEvent.objects.count() == 1
    assert (Entry.objects.count(), TransferStateChange.objects.count()) == (entries, changes)
    # A different event about the same reversal (Stripe also sends transfer.updated).
    updated = event_body(paid, kind="transfer.updated", event_id="evt_2")
    response = post(client, updated)
    assert (response.status_code, response.json()) == (200, {"status": "processed"})
    assert ConnectWebhookEvent.objects.get(event_id="evt_2").note == "already returned"
    assert Entry.objects.count() == entries
    call_command("ledger_check")


@pytest.mark.django_db
def test_bad_missing_or_stale_signatures_are_refused_with_400(client, paid, settings):
    body = event_body(paid)
    cases = [
        stripe_signature(body, secret="whsec_wrong"),
        None,
        "t=1,v1=deadbeef",
        stripe_signature(body, at=int(time.time()) - 3600),  # replayed an hour later
    ]
    for signature in cases:
        response = post(client, body, signature=signature)
        assert response.status_code == 400, signature
        assert response.json() == {"error": "Invalid or missing Stripe signature."}
    # A body altered after signing.
    signature = stripe_signature(body)
    response = post(client, body.replace(b'"evt_1"', b'"evt_9"'), signature=signature)
    assert response.status_code == 400
    # No secret configured: nothing is trusted.
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = ""
    assert post(client, body).status_code == 400

    paid.refresh_from_db()
    assert paid.state == "paid"
    rejected = ConnectWebhookEvent.objects.all()
    assert rejected.count() == 6
    assert {(e.state, e.verified, e.event_id) for e in rejected} == {("rejected", False, None)}


@pytest.mark.django_db
def test_a_partial_reversal_is_recorded_for_review_and_not_applied(client, paid, stand_in, caplog):
    reverse_on_stripe(stand_in, paid, minor=5000)
    body = event_body(paid, kind="transfer.updated", reversed_minor=5000)

    response = post(client, body)

    assert (response.status_code, response.json()) == (200, {"status": "review"})
    paid.refresh_from_db()
    assert paid.state == "paid"
    event = ConnectWebhookEvent.objects.get()
    assert event.transfer == paid
    amount = int(paid.amount * 100)
    assert event.note == f"partial reversal of 5000 of {amount} (minor units): not applied"
    assert "partial reversal" in caplog.text


@pytest.mark.django_db
def test_unknown_transfers_and_other_events_are_kept_with_a_note(client, paid):
    unknown = json.loads(event_body(paid, event_id="evt_u"))
    unknown["data"]["object"]["id"] = "tr_nope"
    response = post(client, json.dumps(unknown).encode())
    assert (response.status_code, response.json()) == (200, {"status": "ignored"})
    assert ConnectWebhookEvent.objects.get(event_id="evt_u").note == "unknown transfer tr_nope"

    created = event_body(paid, kind="transfer.created", event_id="evt_c", reversed_minor=0)
    assert post(client, created).json() == {"status": "ignored"}
    assert ConnectWebhookEvent.objects.get(event_id="evt_c").note == "event type not handled"

    # The event claims a reversal Stripe does not have: Stripe's own transfer decides.
    claimed = event_body(paid, event_id="evt_m")
    assert post(client, claimed).json() == {"status": "ignored"}
    assert ConnectWebhookEvent.objects.get(event_id="evt_m").note == "no reversal"
    paid.refresh_from_db()
    assert paid.state == "paid"


@pytest.mark.django_db
def test_stripe_unreachable_answers_503_and_the_retry_applies_it(client, paid, stand_in, settings):
    reverse_on_stripe(stand_in, paid)
    body = event_body(paid)
    settings.STRIPE_CONNECT_API_BASE = "http://127.0.0.1:9"  # nothing listens there

    response = post(client, body)

    assert response.status_code == 503
    event = ConnectWebhookEvent.objects.get()
    assert (event.state, event.verified) == ("received", True)
    paid.refresh_from_db()
    assert paid.state == "paid"

    settings.STRIPE_CONNECT_API_BASE = stand_in.url
    again = post(client, body)  # Stripe delivers the same event again
    assert (again.status_code, again.json()) == (200, {"status": "processed"})
    paid.refresh_from_db()
    assert paid.state == "returned"
    call_command("ledger_check")
