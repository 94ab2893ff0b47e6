"""The run's take of earnings (#14 item 6): one statement, recorded set-wise, checked.

The run totals the scope's available earnings, then takes them (lock, move, link) while
Python works out the lines; what was taken must be what was totalled.
"""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection

import payouts.runs
from payouts.errors import PayoutRunFailed
from payouts.models import Earning, EarningStateChange, PayoutLine
from payouts.runs import payout_run_compute
from payouts.states import earning_moves

from .factories import at, creator_make, earning_make

pytestmark = pytest.mark.django_db


def test_an_earning_that_arrives_between_the_totals_and_the_take_refuses_the_run(monkeypatch):
    ada = creator_make()
    earning_make(ada, "100.00", when=at(2026, 1))
    history_load = payouts.runs._history_load

    def arriving(**kwargs):  # runs after the totals, before the take
        earning_make(ada, "5.00", when=at(2026, 1, 20))
        return history_load(**kwargs)

    monkeypatch.setattr(payouts.runs, "_history_load", arriving)
    with pytest.raises(PayoutRunFailed, match=f"earnings of creator {ada.pk} changed"):
        payout_run_compute(period="2026-01", personal=True)
    assert set(Earning.objects.values_list("state", flat=True)) == {"available"}
    assert not PayoutLine.objects.exists()

    # (Written inside the run's transaction here, the arrival was rolled back with it.)
    monkeypatch.undo()  # computed again: one line
    run = payout_run_compute(period="2026-01", personal=True)
    assert (run.state, run.lines.get().gross) == ("computed", D("100.00"))


def test_the_take_writes_no_history_row_per_earning_and_reads_back_as_one_move_each():
    ada, bea = creator_make(), creator_make()
    earnings = [earning_make(c, "10.00", when=at(2026, 1)) for c in (ada, ada, bea)]
    run = payout_run_compute(period="2026-01", personal=True)
    assert not EarningStateChange.objects.exists()
    record = run.state_changes.get(to_state="computed")
    assert record.reason.startswith("Earnings taken (available → in_run): 3.")
    moves = earning_moves(earning_ids=[e.pk for e in earnings])
    assert {
        pk: [(m.from_state, m.to_state, m.at) for m in found] for pk, found in moves.items()
    } == {e.pk: [("available", "in_run", record.at)] for e in earnings}


def test_a_take_recorded_row_by_row_before_is_read_once():
    ada = creator_make()
    earning = earning_make(ada, "10.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", personal=True)
    # How runs computed before the set-wise record wrote their take: one row per earning.
    EarningStateChange.objects.create(
        earning=earning, from_state="available", to_state="in_run", at=run.computed_at
    )
    moves = earning_moves(earning_ids=[earning.pk])[earning.pk]
    assert [(m.from_state, m.to_state) for m in moves] == [("available", "in_run")]


def _earning_updates() -> tuple[int, int]:
    """Rows of payouts_earning updated in this transaction so far: (all, heap-only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_stat_get_xact_tuples_updated(%s::regclass),"
            " pg_stat_get_xact_tuples_hot_updated(%s::regclass)",
            [Earning._meta.db_table] * 2,
        )
        return cursor.fetchone()


def test_the_take_and_the_release_update_earnings_beside_themselves_touching_no_index():
    # #14 item 6: with neither ``state`` nor ``payout_run`` indexed and half of each page
    # free (migration 0011), every move is a HOT update: no index entry is written for
    # it, which is what brings a million-earning run near the database's floor.
    ada, bea = creator_make(), creator_make()
    for n in range(40):
        earning_make(ada if n % 2 else bea, "10.00", when=at(2026, 1, 1 + n % 28))
    before = _earning_updates()
    run = payout_run_compute(period="2026-01", personal=True)
    updated, hot = (a - b for a, b in zip(_earning_updates(), before, strict=True))
    assert run.earnings.count() == 40
    assert (updated, hot) == (40, 40)


def test_only_commission_waits_for_a_return_window():
    # The release reads commission only (its partial index): a pending tip is refused.
    from django.db import IntegrityError, transaction

    ada = creator_make()
    with pytest.raises(IntegrityError, match="earning_pending_is_commission"):
        with transaction.atomic():
            earning_make(ada, "1.00", when=at(2026, 1), state="pending", kind="tip")
    assert earning_make(ada, "1.00", when=at(2026, 1), state="pending").kind == "commission"


def test_the_collector_is_paused_while_the_run_computes_and_back_on_after(monkeypatch):
    """The run pauses Python's cyclic collector (payouts.runs._collector_paused, 1.2 s of
    9 s at 100,000 creators) and turns it back on, after a failure too."""
    import gc

    ada = creator_make()
    earning_make(ada, "10.00", when=at(2026, 1))
    seen = []
    history_load = payouts.runs._history_load

    def watching(**kwargs):
        seen.append(gc.isenabled())
        return history_load(**kwargs)

    def failing(**kwargs):
        seen.append(gc.isenabled())
        raise RuntimeError("disk full")

    assert gc.isenabled()
    monkeypatch.setattr(payouts.runs, "_history_load", failing)
    with pytest.raises(PayoutRunFailed, match="disk full"):
        payout_run_compute(period="2026-01", personal=True)
    assert (seen, gc.isenabled()) == ([False], True)

    monkeypatch.setattr(payouts.runs, "_history_load", watching)
    run = payout_run_compute(period="2026-01", personal=True)
    assert (run.state, seen, gc.isenabled()) == ("computed", [False, False], True)

    earning_make(ada, "20.00", when=at(2026, 2))
    gc.disable()  # a caller that had it off keeps it off
    try:
        february = payout_run_compute(period="2026-02", personal=True)
        assert (february.state, seen[-1], gc.isenabled()) == ("computed", False, False)
    finally:
        gc.enable()
