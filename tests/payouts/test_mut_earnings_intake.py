"""Rewards intake (payouts.services.rewards_intake) answer by answer: what each event
becomes (its outcome, error or earning), what is stored (intake records, earnings, ledger
entries) and when, on PostgreSQL and on the portable path.

Events are built already validated (payouts.validation's RewardEvent); settings from
tests/payouts/conftest.py (coin rate 0.10, platform share 0.50).
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from agencies.models import Contract
from payouts.models import Earning, EarningIntake, Entry
from payouts.services import EARNING_FIELDS, IntakeOutcome, rewards_intake
from tests.factories import CreatorFactory

from .test_mut_earnings import reward

pytestmark = pytest.mark.django_db

D = Decimal
NOW = timezone.now().replace(microsecond=0)
AT = NOW - timedelta(hours=2)

UNKNOWN = {"field": "creator", "message": "Unknown creator."}
CONFLICT = {"field": "event_id", "message": "This event id was already used for a different event."}
TOO_SMALL = {"field": "amount", "message": "Worth less than the currency's smallest unit."}
UNVERIFIED = "An overseas creator must be verified to earn."


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def lily(db):
    return CreatorFactory(handle="lily", country="CN")


@pytest.fixture
def portable(monkeypatch):
    """Other databases (the SQLite demo): bulk_create and read-backs instead of RETURNING."""
    monkeypatch.setattr(connection, "vendor", "sqlite")


def outcomes(results):
    return [(r.event_id, r.outcome, r.error) for r in results]


def test_a_tip_is_written_with_every_field_and_accrued_at_the_moment_of_intake(lily):
    [result] = rewards_intake(events=[reward(7, amount="12.50", at=AT)], now=NOW)
    assert (result.event_id, result.outcome, result.error) == ("evt-7", IntakeOutcome.WRITTEN, {})
    e = Earning.objects.get()
    assert (e.creator, e.kind, e.amount, e.currency) == (lily, "tip", D("12.50"), "CNY")
    assert (e.occurred_at, e.available_at, e.created_at) == (AT, AT, NOW)
    assert (e.source_ref, e.state, e.stream_id) == ("live:evt-7", "available", "stream-1")
    assert (e.channel, e.agency_id, e.contract_kind) == ("personal", None, "")
    assert (e.coins, e.coin_rate, e.gross_amount, e.platform_share) == (None, None, None, None)
    # The answer's earning is the row written, with its id.
    assert result.earning["id"] == e.pk
    assert {k: result.earning[k] for k in ("source_ref", "amount", "currency", "state")} == {
        "source_ref": "live:evt-7",
        "amount": D("12.50"),
        "currency": "CNY",
        "state": "available",
    }
    intake = EarningIntake.objects.get()
    assert (intake.source_ref, intake.outcome, intake.reason) == ("live:evt-7", "accepted", "")
    assert intake.payload == reward(7, amount="12.50", at=AT).payload
    assert intake.payload_hash == reward(7, amount="12.50", at=AT).payload_hash
    assert intake.received_at == NOW and len(intake.delivery) == 32
    entry = Entry.objects.get()
    assert (entry.reference, entry.created_at) == (f"earning:{e.pk}:accrued", NOW)


def test_a_batch_is_answered_event_by_event_in_order(lily, mia):
    rewards_intake(events=[reward(5)], now=NOW)  # an earlier delivery
    first = Earning.objects.get()
    events = [
        reward(1, amount="1.00"),  # exactly one unit is worth writing
        reward(2, creator="nobody"),
        reward(3, creator="mia"),
        reward(5),  # a replay of the earlier delivery
        reward(1, amount="2.00"),  # event id 1 again with another body
        reward(4, kind="gift", amount="1", currency="COIN"),  # 0.10 x 0.50 = 0.05
        reward(1, amount="1.00"),  # event 1 again, same body: a replay
    ]
    results = rewards_intake(events=events, now=NOW)
    assert outcomes(results) == [
        ("evt-1", IntakeOutcome.WRITTEN, {}),
        ("evt-2", IntakeOutcome.INVALID, UNKNOWN),
        ("evt-3", IntakeOutcome.REFUSED, {"field": "creator", "message": UNVERIFIED}),
        ("evt-5", IntakeOutcome.REPLAY, {}),
        ("evt-1", IntakeOutcome.CONFLICT, CONFLICT),
        ("evt-4", IntakeOutcome.WRITTEN, {}),
        ("evt-1", IntakeOutcome.REPLAY, {}),
    ]
    assert [r.earning is None for r in results] == [False, True, True, False, True, False, False]
    assert results[0].earning == results[6].earning
    assert results[0].earning["amount"] == D("1.00")
    assert results[5].earning["amount"] == D("0.05")
    # The replay of the earlier delivery answers with the stored earning, as read back.
    assert results[3].earning == {field: getattr(first, field) for field in EARNING_FIELDS}
    assert sorted(Earning.objects.values_list("source_ref", flat=True)) == [
        "live:evt-1",
        "live:evt-4",
        "live:evt-5",
    ]
    # Accrued: the three earnings once each, the replays nothing more.
    assert Entry.objects.count() == 3
    refused = EarningIntake.objects.get(source_ref="live:evt-3")
    assert (refused.outcome, refused.reason) == ("refused", UNVERIFIED)


def test_a_refusal_is_answered_again_from_its_record_on_replay(mia):
    [first] = rewards_intake(events=[reward(3, creator="mia")], now=NOW)
    [again] = rewards_intake(events=[reward(3, creator="mia")], now=NOW)
    expected = ("evt-3", IntakeOutcome.REFUSED, {"field": "creator", "message": UNVERIFIED})
    assert outcomes([first]) == outcomes([again]) == [expected]
    assert EarningIntake.objects.count() == 1 and not Earning.objects.exists()


def test_a_gift_worth_less_than_a_fen_is_invalid_and_nothing_is_stored(lily, settings):
    # 0.01 x (1 - 0.60) = 0.004 -> 0.00: nothing to pay.
    settings.REWARDS_PLATFORM_SHARE = "0.60"
    events = [reward(1, kind="gift", amount="0.01"), reward(2, amount="3.00")]
    results = rewards_intake(events=events, now=NOW)
    assert outcomes(results) == [
        ("evt-1", IntakeOutcome.INVALID, TOO_SMALL),
        ("evt-2", IntakeOutcome.WRITTEN, {}),
    ]
    assert list(Earning.objects.values_list("source_ref", flat=True)) == ["live:evt-2"]
    assert list(EarningIntake.objects.values_list("source_ref", flat=True)) == ["live:evt-2"]


def test_an_unknown_creator_does_not_stop_the_rest_of_the_batch(lily):
    results = rewards_intake(events=[reward(1, creator="nobody"), reward(2)], now=NOW)
    assert [r.outcome for r in results] == [IntakeOutcome.INVALID, IntakeOutcome.WRITTEN]
    assert not EarningIntake.objects.filter(source_ref="live:evt-1").exists()


def test_an_empty_batch_writes_nothing():
    assert rewards_intake(events=[], now=NOW) == []
    assert not EarningIntake.objects.exists()


def test_a_gift_records_its_conversion(lily):
    # 250 coins x 0.10 = 25.00 gross; the creator's half 12.50.
    [result] = rewards_intake(
        events=[reward(1, kind="gift", amount="250", currency="COIN")], now=NOW
    )
    e = Earning.objects.get()
    assert (e.kind, e.amount, e.currency, e.gross_amount) == ("gift", D("12.50"), "CNY", D("25.00"))
    assert (e.coins, e.coin_rate, e.platform_share) == (250, D("0.10"), D("0.5"))
    assert result.earning["coins"] == 250 and result.earning["gross_amount"] == D("25.00")


def test_an_agency_creator_earns_through_the_contract_in_force_on_the_event_day(lily):
    from .factories import agency_make

    agency = agency_make()
    # The contract ended yesterday; the event happened before: the agency's earning.
    yesterday = timezone.localdate(NOW) - timedelta(days=1)
    Contract.objects.create(
        creator=lily,
        agency=agency,
        kind="service",
        valid_from=date(2020, 1, 1),
        valid_to=yesterday,
    )
    early = NOW - timedelta(days=2)
    results = rewards_intake(events=[reward(1, at=early), reward(2, at=NOW)], now=NOW)
    assert [r.outcome for r in results] == [IntakeOutcome.WRITTEN] * 2
    rows = dict(Earning.objects.values_list("source_ref", "channel"))
    assert rows == {"live:evt-1": "agency", "live:evt-2": "personal"}
    e = Earning.objects.get(source_ref="live:evt-1")
    assert (e.agency_id, e.contract_kind) == (agency.pk, "service")
    assert results[0].earning["agency_id"] == agency.pk
    assert results[0].earning["channel"] == "agency"


def test_an_overseas_creator_without_live_permission_is_refused_a_tip(emma):
    from agencies.live import State, live_permission_change

    live_permission_change(creator=emma, to_state=State.REVOKED)
    [result] = rewards_intake(events=[reward(1, creator="emma", currency="HKD")], now=NOW)
    assert result.outcome is IntakeOutcome.REFUSED
    assert result.error["message"].startswith("No live permission")
    assert not Earning.objects.exists()


# --- The portable path (no RETURNING) ----------------------------------------------------------


def test_portable_path_writes_accrues_and_answers_like_postgresql(lily, mia, portable):
    results = rewards_intake(
        events=[reward(1), reward(2, creator="mia"), reward(1), reward(3, amount="4.00")],
        now=NOW,
    )
    assert [r.outcome for r in results] == [
        IntakeOutcome.WRITTEN,
        IntakeOutcome.REFUSED,
        IntakeOutcome.REPLAY,
        IntakeOutcome.WRITTEN,
    ]
    one, three = (
        Earning.objects.get(source_ref="live:evt-1"),
        Earning.objects.get(source_ref="live:evt-3"),
    )
    assert results[0].earning["id"] == results[2].earning["id"] == one.pk
    assert results[3].earning["id"] == three.pk and results[3].earning["amount"] == D("4.00")
    assert sorted(Entry.objects.values_list("reference", flat=True)) == sorted(
        [f"earning:{one.pk}:accrued", f"earning:{three.pk}:accrued"]
    )
    # A later delivery of the same events: replays and a conflict, nothing more written.
    again = rewards_intake(events=[reward(1), reward(3, amount="5.00")], now=NOW)
    assert outcomes(again) == [
        ("evt-1", IntakeOutcome.REPLAY, {}),
        ("evt-3", IntakeOutcome.CONFLICT, CONFLICT),
    ]
    assert again[0].earning["id"] == one.pk
    assert Earning.objects.count() == 2 and Entry.objects.count() == 2


def test_portable_path_of_only_refused_events_accrues_nothing(mia, portable):
    [result] = rewards_intake(events=[reward(1, creator="mia")], now=NOW)
    assert result.outcome is IntakeOutcome.REFUSED
    assert not Entry.objects.exists()


def test_a_batch_costs_the_same_few_queries_whatever_its_size(lily, django_assert_max_num_queries):
    # On PostgreSQL the inserts say what they wrote (RETURNING): nothing is read back for a
    # fresh batch. 7 = creators, contracts, the intake insert, the earnings insert, the
    # accrual and the transaction's savepoints.
    with django_assert_max_num_queries(7):
        results = rewards_intake(events=[reward(n) for n in range(30)], now=NOW)
    assert [r.outcome for r in results] == [IntakeOutcome.WRITTEN] * 30


def test_a_replayed_batch_reads_back_and_writes_nothing_more(lily, django_assert_max_num_queries):
    # Replays: the intake insert writes nothing, the stored records and earnings are read
    # back; no earnings insert result means no accrual to post: still 7 queries.
    rewards_intake(events=[reward(n) for n in range(5)], now=NOW)
    with django_assert_max_num_queries(7):
        results = rewards_intake(events=[reward(n) for n in range(5)], now=NOW)
    assert [r.outcome for r in results] == [IntakeOutcome.REPLAY] * 5
    assert Entry.objects.count() == 5
