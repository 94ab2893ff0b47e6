"""The Connect webhook reads the transfer back from Stripe and applies a reversal only when
Stripe's transfer is ours: same amount (minor units), same currency, fully reversed.
Anything else is kept for review with a note saying what differs, and nothing moves."""

import json

import pytest
from django.utils import translation

from payouts.models import ConnectWebhookEvent, Transfer

from . import test_connect_webhook as connect
from .test_connect_webhook import SECRET, event_body, post, reverse_on_stripe

pytestmark = pytest.mark.django_db
paid = connect.paid  # the fixture: an agency transfer paid over Stripe Connect (stand-in)


@pytest.fixture(autouse=True)
def _connect(settings):
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = SECRET
    with translation.override("en"):
        yield


def test_a_reversal_of_a_transfer_whose_amount_differs_from_ours_is_not_applied(
    client, paid, stand_in
):
    reverse_on_stripe(stand_in, paid)
    stripe_minor = int(paid.amount * 100)
    # Our record says one yuan more than Stripe's transfer: not the same money.
    Transfer.objects.filter(pk=paid.pk).update(amount=paid.amount + 1)
    response = post(client, event_body(paid))
    assert (response.status_code, response.json()) == (200, {"status": "review"})
    event = ConnectWebhookEvent.objects.get()
    assert event.note == (
        f"Stripe says {stripe_minor} CNY, our transfer is {stripe_minor + 100} CNY"
    )
    assert event.transfer_id == paid.pk
    paid.refresh_from_db()
    assert paid.state == "paid"


def test_a_reversal_in_another_currency_is_not_applied(client, paid, stand_in):
    reverse_on_stripe(stand_in, paid)
    minor = int(paid.amount * 100)
    Transfer.objects.filter(pk=paid.pk).update(currency="HKD")
    response = post(client, event_body(paid))
    assert response.json() == {"status": "review"}
    event = ConnectWebhookEvent.objects.get()
    assert event.note == f"Stripe says {minor} CNY, our transfer is {minor} HKD"
    paid.refresh_from_db()
    assert paid.state == "paid"


def test_a_full_reversal_returns_the_transfer_once(client, paid, stand_in):
    reverse_on_stripe(stand_in, paid)
    first = post(client, event_body(paid, event_id="evt_first"))
    assert first.json() == {"status": "processed"}
    event = ConnectWebhookEvent.objects.get(event_id="evt_first")
    assert (event.state, event.note, event.transfer_id) == ("processed", "", paid.pk)
    assert event.processed_at is not None
    paid.refresh_from_db()
    assert paid.state == "returned"
    reason = paid.state_changes.order_by("pk").last().reason
    assert reason == f"Stripe transfer reversed ({paid.external_reference})"
    # A second event (another id) about the same reversal: recorded, nothing moves again.
    second = post(client, event_body(paid, kind="transfer.updated", event_id="evt_second"))
    assert second.json() == {"status": "processed"}
    assert ConnectWebhookEvent.objects.get(event_id="evt_second").note == "already returned"
    assert paid.state_changes.filter(to_state="returned").count() == 1


def test_an_event_without_a_transfer_id_is_ignored(client, paid):
    body = json.loads(event_body(paid, event_id="evt_blank"))
    body["data"]["object"]["id"] = ""
    response = post(client, json.dumps(body).encode())
    assert response.json() == {"status": "ignored"}
    assert ConnectWebhookEvent.objects.get().note == "event type not handled"
