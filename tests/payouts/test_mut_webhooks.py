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


def test_our_transfer_unknown_to_stripe_is_ignored_with_a_note(client, paid, stand_in):
    # Our transfer says tr_gone; Stripe (the stand-in) answers 404 for it.
    Transfer.objects.filter(pk=paid.pk).update(external_reference="tr_gone")
    body = json.loads(event_body(paid))
    body["data"]["object"]["id"] = "tr_gone"
    response = post(client, json.dumps(body).encode())
    assert (response.status_code, response.json()) == (200, {"status": "ignored"})
    assert ConnectWebhookEvent.objects.get().note == "unknown transfer tr_gone"
    paid.refresh_from_db()
    assert paid.state == "paid"


def test_events_we_do_not_act_on_never_ask_stripe(client, paid, stand_in, settings):
    settings.STRIPE_CONNECT_API_BASE = "http://127.0.0.1:9"  # Stripe unreachable
    other_type = event_body(paid, kind="transfer.created", event_id="evt_t", reversed_minor=0)
    assert post(client, other_type).json() == {"status": "ignored"}
    unknown = json.loads(event_body(paid, event_id="evt_u"))
    unknown["data"]["object"]["id"] = "tr_not_ours"
    response = post(client, json.dumps(unknown).encode())
    assert (response.status_code, response.json()) == (200, {"status": "ignored"})
    notes = dict(ConnectWebhookEvent.objects.values_list("event_id", "note"))
    assert notes == {"evt_t": "event type not handled", "evt_u": "unknown transfer tr_not_ours"}


def test_stripe_unreachable_is_logged_with_its_error(client, paid, stand_in, settings, caplog):
    reverse_on_stripe(stand_in, paid)
    settings.STRIPE_CONNECT_API_BASE = "http://127.0.0.1:9"
    assert post(client, event_body(paid)).status_code == 503
    (record,) = [r for r in caplog.records if r.name == "payouts.webhooks"]
    message = record.getMessage()
    assert message.startswith("Connect event evt_1: Stripe unreachable, retried later: ")
    assert "127.0.0.1" in message or "connect" in message.lower()


def test_a_reversal_of_another_agencys_transfer_returns_that_one_only(client, paid, stand_in):
    from agencies.models import Agency
    from payouts.runs import payout_run_approve, payout_run_compute
    from payouts.tasks import payout_transfer_submit
    from payouts.transfers import payout_run_send

    from .factories import at, creator_make, earning_make

    river = Agency.objects.create(
        code="river",
        legal_name="River Talent Ltd",
        country="HK",
        registration_number="87654321",
        share=paid.agency.share,
        payout_rail=Agency.Rail.STRIPE_CONNECT,
        stripe_account_id="acct_river",
    )
    earning_make(creator_make(agency=river, kind="service"), "2500.00", when=at(2026, 1))
    run = payout_run_send(
        run=payout_run_approve(run=payout_run_compute(period="2026-01", agency=river), user=None)
    )
    other = Transfer.objects.get(run=run)
    payout_transfer_submit.apply(args=[other.pk], throw=False)
    other.refresh_from_db()
    assert other.state == "paid" and other.amount != paid.amount
    reverse_on_stripe(stand_in, other)
    assert post(client, event_body(other)).json() == {"status": "processed"}
    other.refresh_from_db()
    paid.refresh_from_db()
    assert (other.state, paid.state) == ("returned", "paid")
    assert ConnectWebhookEvent.objects.get().transfer_id == other.pk


def test_a_reversal_of_one_fen_is_partial_and_kept_for_review(client, paid, stand_in, caplog):
    reverse_on_stripe(stand_in, paid, minor=1)
    response = post(client, event_body(paid, kind="transfer.updated", reversed_minor=1))
    assert response.json() == {"status": "review"}
    amount = int(paid.amount * 100)
    event = ConnectWebhookEvent.objects.get()
    assert event.note == f"partial reversal of 1 of {amount} (minor units): not applied"
    assert event.transfer_id == paid.pk
    (record,) = [r for r in caplog.records if r.name == "payouts.webhooks"]
    assert record.getMessage() == f"Connect event evt_1: transfer {paid.pk}: {event.note}"


def test_no_reversal_on_stripe_is_ignored_and_tied_to_our_transfer(client, paid, stand_in):
    claimed = event_body(paid, event_id="evt_claim")  # the event claims a full reversal
    assert post(client, claimed).json() == {"status": "ignored"}
    event = ConnectWebhookEvent.objects.get()
    assert (event.note, event.transfer_id) == ("no reversal", paid.pk)


def test_a_mismatch_note_reads_each_side_in_its_own_minor_units(client, paid, stand_in):
    # Our record in yen (no minor unit): Stripe's CNY fen against our whole yen.
    reverse_on_stripe(stand_in, paid)
    Transfer.objects.filter(pk=paid.pk).update(currency="JPY")
    assert post(client, event_body(paid)).json() == {"status": "review"}
    fen, yen = int(paid.amount * 100), int(paid.amount.to_integral_value())
    assert ConnectWebhookEvent.objects.get().note == (
        f"Stripe says {fen} CNY, our transfer is {yen} JPY"
    )


def test_a_mismatch_is_logged_with_the_event_and_its_note(client, paid, stand_in, caplog):
    reverse_on_stripe(stand_in, paid)
    Transfer.objects.filter(pk=paid.pk).update(currency="HKD")
    post(client, event_body(paid))
    note = ConnectWebhookEvent.objects.get().note
    (record,) = [r for r in caplog.records if r.name == "payouts.webhooks"]
    assert record.getMessage() == f"Connect event evt_1: {note}"


def test_a_reversal_our_transfer_cannot_take_is_kept_for_review(client, paid, stand_in, caplog):
    # Our transfer is not paid (here: failed meanwhile): it cannot be returned.
    Transfer.objects.filter(pk=paid.pk).update(state="failed")
    reverse_on_stripe(stand_in, paid)
    response = post(client, event_body(paid))
    assert (response.status_code, response.json()) == (200, {"status": "review"})
    event = ConnectWebhookEvent.objects.get()
    assert event.transfer_id == paid.pk
    assert event.note and "failed" in event.note
    (record,) = [r for r in caplog.records if r.name == "payouts.webhooks"]
    assert record.getMessage() == f"Connect event evt_1: {event.note}"
    paid.refresh_from_db()
    assert paid.state == "failed"
