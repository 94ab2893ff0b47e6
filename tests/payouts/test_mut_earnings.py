"""Earnings writes (payouts.services), rule by rule: state moves and their records, the
release of commission whose return window passed, and the figures of a gift.

Figures are worked in comments. Settings from tests/payouts/conftest.py unless a test sets
its own: coin rate 0.10, platform share 0.50, commission 5 %, return window 15 days.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payouts import services
from payouts.models import Earning, EarningStateChange, Entry
from payouts.services import (
    StateMoveError,
    earning_state_set,
    earnings_release_due,
    earnings_state_move,
    rewards_intake,
)
from payouts.states import EARNINGS
from payouts.validation import RewardEvent, payload_hash
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

D = Decimal
# A fixed moment in the past: every record written "now" carries it, not the clock.
THEN = timezone.now().replace(microsecond=0) - timedelta(days=3)
# When reward events happened unless told: one moment, so an event built twice is one body.
EVENT_AT = timezone.now().replace(microsecond=0) - timedelta(minutes=1)


def earning(creator=None, *, ref="e", state="available", amount="10.00", **fields):
    values = dict(
        creator=creator or CreatorFactory(),
        kind="commission" if state == "pending" else "tip",  # only commission waits
        amount=D(amount),
        currency="CNY",
        occurred_at=THEN,
        available_at=THEN,
        source_ref=ref,
        channel="personal",
        state=state,
    )
    values.update(fields)
    return Earning.objects.create(**values)


def reward(n=1, *, creator="lily", kind="tip", amount="12.50", currency="CNY", at=None):
    """A validated reward event (what payouts.validation hands to the intake)."""
    occurred = at or EVENT_AT
    payload = {
        "event_id": f"evt-{n}",
        "creator": creator,
        "kind": kind,
        "amount": amount,
        "currency": currency,
        "occurred_at": occurred.isoformat(),
        "stream_id": "stream-1",
    }
    return RewardEvent(
        event_id=f"evt-{n}",
        creator=creator,
        kind=kind,
        amount=D(amount),
        currency=currency,
        occurred_at=occurred,
        stream_id="stream-1",
        payload=payload,
        payload_hash=payload_hash(payload),
    )


# --- The module's alias of the machine's table ---------------------------------------------


def test_state_moves_alias_is_the_earnings_machine_table_and_nothing_else_is_invented():
    assert services.STATE_MOVES == dict(EARNINGS.moves)
    assert services.STATE_MOVES["pending"] == EARNINGS.moves["pending"]
    with pytest.raises(AttributeError) as caught:
        services.NO_SUCH_NAME  # noqa: B018
    assert caught.value.args == ("NO_SUCH_NAME",)
    assert getattr(services, "state_moves", None) is None


# --- State moves ------------------------------------------------------------------------------


def test_a_move_is_recorded_at_the_given_moment_with_no_reason_by_default():
    e = earning()
    assert earnings_state_move(earning_ids=[e.pk], to_state="in_run", now=THEN) == [e.pk]
    change = EarningStateChange.objects.get()
    assert (change.from_state, change.to_state, change.reason) == ("available", "in_run", "")
    assert change.at == THEN
    assert Earning.objects.get().state == "in_run"
    assert not Entry.objects.exists()  # in_run posts nothing here (the run's line does)


def test_made_available_is_accrued_at_the_moment_of_the_move():
    e = earning(state="pending")
    earnings_state_move(earning_ids=[e.pk], to_state="available", reason="manual", now=THEN)
    entry = Entry.objects.get()
    assert (entry.reference, entry.kind) == (f"earning:{e.pk}:accrued", "earning_accrued")
    assert entry.created_at == THEN
    assert EarningStateChange.objects.get().reason == "manual"


def test_an_accrued_earning_reversed_posts_the_mirror_and_a_pending_one_posts_nothing():
    creator = CreatorFactory()
    accrued = earning(creator, ref="a", state="pending")
    earnings_state_move(earning_ids=[accrued.pk], to_state="available", now=THEN)
    pending = earning(creator, ref="p", state="pending")
    moved = earnings_state_move(
        earning_ids=[accrued.pk, pending.pk], to_state="reversed", reason="refund", now=THEN
    )
    assert sorted(moved) == sorted([accrued.pk, pending.pk])
    assert sorted(Entry.objects.values_list("reference", "kind")) == [
        (f"earning:{accrued.pk}:accrued", "earning_accrued"),
        (f"earning:{accrued.pk}:reversed", "earning_reversed"),
    ]
    assert Entry.objects.get(kind="earning_reversed").created_at == THEN


def test_nothing_moved_posts_nothing():
    e = earning(state="paid")
    assert earnings_state_move(earning_ids=[e.pk], to_state="available", now=THEN) == []
    assert earnings_state_move(earning_ids=[], to_state="reversed", now=THEN) == []
    assert not Entry.objects.exists() and not EarningStateChange.objects.exists()


def test_a_forbidden_move_is_refused_naming_both_states():
    e = earning(state="paid")
    with pytest.raises(StateMoveError) as caught:
        earning_state_set(earning=e, to_state="available")
    assert str(caught.value) == "A paid earning cannot become available."
    assert Earning.objects.get().state == "paid" and not EarningStateChange.objects.exists()


def test_a_move_raced_by_another_writer_is_refused_and_writes_nothing():
    e = earning()
    earnings_state_move(earning_ids=[e.pk], to_state="in_run", now=THEN)
    stale = e  # still says "available": another writer moved the row since it was read
    with pytest.raises(StateMoveError) as caught:
        earning_state_set(earning=stale, to_state="in_run", reason="second")
    assert str(caught.value) == f"earning {e.pk} moved concurrently"
    assert EarningStateChange.objects.count() == 1


def test_a_single_move_returns_the_fresh_row_with_its_reason_and_actor():
    from tests.factories import UserFactory

    user = UserFactory()
    e = earning()
    moved = earning_state_set(earning=e, to_state="in_run", reason="run 2026-11", actor=user)
    assert moved.pk == e.pk and moved.state == "in_run"
    change = EarningStateChange.objects.get()
    assert (change.reason, change.actor_id) == ("run 2026-11", user.pk)


# --- Release of commission after the return window ------------------------------------------


def test_release_takes_pending_earnings_due_at_or_before_now_only():
    creator = CreatorFactory()
    due = earning(creator, ref="due", state="pending", available_at=THEN)
    later = earning(creator, ref="later", state="pending", available_at=THEN + timedelta(seconds=1))
    available = earning(creator, ref="avail", state="available", available_at=THEN)
    assert earnings_release_due(now=THEN) == 1  # available_at == now is due
    states = dict(Earning.objects.values_list("source_ref", "state"))
    assert states == {"due": "available", "later": "pending", "avail": "available"}
    change = EarningStateChange.objects.get()
    assert (change.earning_id, change.reason, change.at) == (due.pk, "return window passed", THEN)
    entry = Entry.objects.get()
    assert (entry.reference, entry.created_at) == (f"earning:{due.pk}:accrued", THEN)
    assert later.pk and available.pk


def test_release_moves_at_most_limit_earnings_per_call():
    creator = CreatorFactory()
    # Earnings already available (or paid) are not due: they take none of the limit.
    earning(creator, ref="avail", state="available")
    earning(creator, ref="paid", state="paid")
    for n in range(3):
        earning(creator, ref=f"p{n}", state="pending")
    assert earnings_release_due(now=THEN, limit=2) == 2
    assert Earning.objects.filter(state="pending").count() == 1
    assert earnings_release_due(now=THEN, limit=2) == 1
    assert earnings_release_due(now=THEN) == 0


def test_release_without_a_moment_uses_the_clock():
    earning(state="pending", available_at=timezone.now() - timedelta(seconds=5))
    before = timezone.now()
    assert earnings_release_due() == 1
    assert EarningStateChange.objects.get().at >= before


def test_a_move_without_a_moment_is_recorded_at_the_clock():
    e = earning(state="pending")
    before = timezone.now()
    earnings_state_move(earning_ids=[e.pk], to_state="available")
    assert EarningStateChange.objects.get().at >= before
    assert Entry.objects.get().created_at >= before


# --- Gift figures -----------------------------------------------------------------------------


@pytest.fixture
def lily(db):
    return CreatorFactory(handle="lily", country="CN")


def _written(result):
    assert result.outcome is services.IntakeOutcome.WRITTEN, result
    return Earning.objects.get(source_ref=f"live:{result.event_id}")


def test_platform_share_is_rounded_to_four_places_half_up(lily, settings):
    # 0.33345 -> 0.3335 (half-even would keep 0.3334); 100.00 x (1 - 0.3335) = 66.65.
    settings.REWARDS_PLATFORM_SHARE = "0.33345"
    [result] = rewards_intake(events=[reward(kind="gift", amount="100.00")])
    e = _written(result)
    assert (e.amount, e.platform_share, e.gross_amount) == (D("66.65"), D("0.3335"), D("100.00"))


def test_coin_rate_is_rounded_to_six_places_half_up(lily, settings):
    # 0.1234565 -> 0.123457 (half-even: 0.123456); 10,000 coins x 0.123457 = 1,234.57;
    # creator's half: 617.285 -> 617.29.
    settings.REWARDS_COIN_RATE = "0.1234565"
    [result] = rewards_intake(events=[reward(kind="gift", amount="10000", currency="COIN")])
    e = _written(result)
    assert (e.coin_rate, e.gross_amount, e.amount) == (D("0.123457"), D("1234.57"), D("617.29"))
    assert (e.coins, e.currency) == (10000, "CNY")


def test_coin_gross_and_net_are_rounded_half_up(lily, settings):
    # 1 coin x 0.125 = 0.125 -> 0.13 (half-even: 0.12); half of 0.13 = 0.065 -> 0.07.
    settings.REWARDS_COIN_RATE = "0.125"
    [result] = rewards_intake(events=[reward(kind="gift", amount="1", currency="COIN")])
    e = _written(result)
    assert (e.gross_amount, e.amount) == (D("0.13"), D("0.07"))


def test_coins_converted_to_a_currency_without_minor_units_round_to_whole_units(lily, settings):
    # 3 coins x JPY 1.5 = 4.5 -> JPY 5; the creator's half 2.5 -> JPY 3.
    settings.REWARDS_COIN_CURRENCY = "JPY"
    settings.REWARDS_COIN_RATE = "1.5"
    [result] = rewards_intake(events=[reward(kind="gift", amount="3", currency="COIN")])
    e = _written(result)
    assert (e.currency, e.gross_amount, e.amount) == ("JPY", D("5"), D("3"))
    assert result.earning["amount"] == D("3")


def test_a_yen_gift_keeps_whole_yen_after_the_platform_share(lily):
    # JPY 1,001 gift: the creator's half 500.5 -> JPY 501 (half-up, no minor unit).
    [result] = rewards_intake(events=[reward(kind="gift", amount="1001", currency="JPY")])
    e = _written(result)
    assert (e.amount, e.currency, e.gross_amount) == (D("501"), "JPY", D("1001"))
    assert e.coins is None and e.coin_rate is None


@pytest.mark.django_db(transaction=True)
def test_rows_locked_by_another_transaction_are_skipped_not_waited_for():
    import threading

    from django.db import connection as main_connection
    from django.db import transaction

    locked, other = earning(ref="locked"), earning(ref="free")
    holding, done = threading.Event(), threading.Event()

    def hold_lock():
        from django.db import connection as thread_connection

        try:
            with transaction.atomic():
                Earning.objects.select_for_update().get(pk=locked.pk)
                holding.set()
                done.wait(timeout=3)  # released at once, or after 3 s if the move waited
        finally:
            thread_connection.close()

    thread = threading.Thread(target=hold_lock)
    thread.start()
    try:
        assert holding.wait(timeout=10)
        moved = earnings_state_move(earning_ids=[locked.pk, other.pk], to_state="in_run")
    finally:
        done.set()
        thread.join()
    assert moved == [other.pk]
    assert dict(Earning.objects.values_list("source_ref", "state")) == {
        "locked": "available",
        "free": "in_run",
    }
    assert main_connection.vendor == "postgresql"
