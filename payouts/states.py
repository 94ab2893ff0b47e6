"""The payouts state machines: every allowed move in one table per machine.

Every write of a ``state`` column of an earning, payout run, transfer or bank batch goes
through ``agencies.states.states_move`` / ``state_move`` with one of these machines, and
each move is recorded in the machine's history (``EarningStateChange``,
``PayoutRunStateChange``, ``TransferStateChange``, ``PayoutBatchStateChange``). A move not
in a table raises (``StateMoveError``, ``PayoutRunError`` or ``TransferError``) and writes
nothing. ``tests/payouts/test_states.py`` fails on any ``update(state=`` elsewhere.

Earnings      pending   → available, reversed
              available → in_run, reversed
              in_run    → paid, available (left out of a run: their sum is not positive)
              paid      → in_run  (the transfer that paid them was returned: their income
                                   was taxed in this run's line, so they go back to the
                                   run, not to ``available``; the money is payable again
                                   and is re-sent by a new transfer)
Payout runs   draft → computed, failed;  failed → computed, failed
              computed → approved, failed;  approved → sending
              sending → completed, failed;  completed → sending (money re-sent)
Transfers     pending → held, submitted, failed;  submitted → paid, failed
              paid → returned (reversed by Stripe or returned by the bank)
Bank batches  open → written → settled
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from agencies.states import Machine, StateMoveError, state_move, state_record_created, states_move

from .errors import PayoutRunError, TransferError
from .models import (
    Earning,
    EarningStateChange,
    PayoutBatch,
    PayoutBatchStateChange,
    PayoutRun,
    PayoutRunStateChange,
    Transfer,
    TransferStateChange,
)

__all__ = [
    "BATCHES",
    "EARNINGS",
    "MACHINES",
    "RUNS",
    "TRANSFERS",
    "StateMoveError",
    "state_move",
    "state_record_created",
    "states_move",
]

E, R, T, B = Earning.State, PayoutRun.State, Transfer.State, PayoutBatch.State


def _moves(table: dict) -> dict[str, frozenset[str]]:
    return {str(k): frozenset(str(v) for v in targets) for k, targets in table.items()}


EARNINGS = Machine(
    name="earning",
    noun="earning",
    model=Earning,
    history=EarningStateChange,
    subject="earning_id",
    moves=_moves(
        {
            E.PENDING: {E.AVAILABLE, E.REVERSED},
            E.AVAILABLE: {E.IN_RUN, E.REVERSED},
            E.IN_RUN: {E.PAID, E.AVAILABLE},
            E.PAID: {E.IN_RUN},
            E.REVERSED: set(),
        }
    ),
    docs={
        ("paid", "in_run"): "the transfer that paid them was returned; re-sent by a new one",
        ("in_run", "available"): "left out of a run: the creator's sum is not positive",
    },
)


def _run_refusal(machine, from_state, to_state):
    return _("A %(state)s payout run cannot become %(to)s.") % {"state": from_state, "to": to_state}


def _run_enter(to_state, now, actor_id, reason):
    if to_state == R.FAILED:
        return {"failure_reason": reason}
    if to_state == R.COMPUTED:
        return {"failure_reason": "", "computed_at": now}
    if to_state == R.APPROVED:
        return {"approved_at": now, "approved_by_id": actor_id}
    return {}


RUNS = Machine(
    name="payout_run",
    noun="payout run",
    model=PayoutRun,
    history=PayoutRunStateChange,
    subject="run_id",
    error=PayoutRunError,
    refusal=_run_refusal,
    on_enter=_run_enter,
    moves=_moves(
        {
            R.DRAFT: {R.COMPUTED, R.FAILED},
            R.FAILED: {R.COMPUTED, R.FAILED},
            R.COMPUTED: {R.APPROVED, R.FAILED},
            R.APPROVED: {R.SENDING},
            R.SENDING: {R.COMPLETED, R.FAILED},
            R.COMPLETED: {R.SENDING},
        }
    ),
    docs={("completed", "sending"): "held, failed or returned money re-sent"},
)


def _transfer_refusal(machine, from_state, to_state):
    return _("A %(state)s transfer cannot become %(to)s.") % {"state": from_state, "to": to_state}


def _transfer_enter(to_state, now, actor_id, reason):
    columns = {"reason": reason} if reason else {}
    if to_state == T.SUBMITTED:
        columns["submitted_at"] = now
    elif to_state in (T.PAID, T.FAILED, T.RETURNED):
        columns["finished_at"] = now
    return columns


TRANSFERS = Machine(
    name="transfer",
    noun="transfer",
    model=Transfer,
    history=TransferStateChange,
    subject="transfer_id",
    error=TransferError,
    refusal=_transfer_refusal,
    on_enter=_transfer_enter,
    moves=_moves(
        {
            T.PENDING: {T.HELD, T.SUBMITTED, T.FAILED},
            T.SUBMITTED: {T.PAID, T.FAILED},
            T.PAID: {T.RETURNED},
            T.HELD: set(),
            T.FAILED: set(),
            T.RETURNED: set(),
        }
    ),
    docs={("paid", "returned"): "reversed by Stripe or returned by the bank: payable again"},
)


def _batch_refusal(machine, from_state, to_state):
    return _("A %(state)s bank batch cannot become %(to)s.") % {
        "state": from_state,
        "to": to_state,
    }


def _batch_enter(to_state, now, actor_id, reason):
    if to_state == B.WRITTEN:
        return {"written_at": now}
    if to_state == B.SETTLED:
        return {"settled_at": now, "settled_by_id": actor_id}
    return {}


BATCHES = Machine(
    name="payout_batch",
    noun="bank batch",
    model=PayoutBatch,
    history=PayoutBatchStateChange,
    subject="batch_id",
    error=TransferError,
    refusal=_batch_refusal,
    on_enter=_batch_enter,
    moves=_moves({B.OPEN: {B.WRITTEN}, B.WRITTEN: {B.SETTLED}, B.SETTLED: set()}),
)

MACHINES = {m.name: m for m in (EARNINGS, RUNS, TRANSFERS, BATCHES)}
