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

A payout run's taking of earnings (available → in_run, up to 1,000,000 in one run) is
recorded set-wise, not one history row per earning: ``earnings_take`` moves the earnings
and links each to the run (``Earning.payout_run``); the run's move to ``computed``, in the
same transaction, records when, by whom and how many (its reason). The link is the record
of which earnings moved; a run is computed once, so each earning has one take.
``earning_moves`` reads an earning's whole history (its rows and its run's take).
Every other earning move (release, reversal, payment, return) has its own row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction
from django.db.models import Count, QuerySet, Sum
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
    "EarningMove",
    "EARNINGS",
    "MACHINES",
    "RUNS",
    "TRANSFERS",
    "StateMoveError",
    "earning_moves",
    "earnings_take",
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


# --- A payout run's taking of earnings (recorded set-wise) ------------------------------------

TAKE_SUMMARY = ("creator_id", "currency", "contract_kind")


def earnings_take(
    *, run: PayoutRun, queryset: QuerySet[Earning], exclude_creators: Iterable[int] = ()
) -> list[tuple]:
    """Move the ``available`` earnings of ``queryset`` to ``in_run`` in ``run``, except
    those of ``exclude_creators`` (left out or held: they stay available); lock, move and
    link in one statement on PostgreSQL. Returns what moved, summed per creator, currency
    and contract kind: ``(creator_id, currency, contract_kind, total, count)``, ordered.

    Recorded set-wise (module docstring): the caller moves the run to ``computed`` in the
    same transaction (``payouts.runs``), so a take is never committed without its record.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("earnings_take runs inside the transaction that computes the run")
    if not EARNINGS.allows(E.AVAILABLE, E.IN_RUN):
        raise EARNINGS.refuse(E.AVAILABLE, E.IN_RUN)
    excluded = sorted(set(exclude_creators))
    selected = queryset.filter(state=E.AVAILABLE).exclude(creator_id__in=excluded)
    if connection.vendor != "postgresql":
        return _earnings_take_orm(run=run, selected=selected)
    qn = connection.ops.quote_name
    table = qn(Earning._meta.db_table)
    where_sql, where_params = _where_on_table(selected)
    summary = ", ".join(f"moved.{qn(c)}" for c in TAKE_SUMMARY)
    # One UPDATE: it locks each row as it moves it (a concurrent writer, e.g. a reversal,
    # waits for our commit; a row it changed first is re-read and moved only if still
    # available). No SELECT .. FOR UPDATE before it: that would lock (and log) every row
    # twice, a tenth of the take's time.
    sql = (
        f"WITH moved AS (UPDATE {table} SET {qn('state')} = %s, {qn('payout_run_id')} = %s "
        f"WHERE {where_sql} "
        f"RETURNING {', '.join(f'{table}.{qn(c)}' for c in (*TAKE_SUMMARY, 'amount'))}) "
        f"SELECT {summary}, sum(moved.{qn('amount')}), count(*) FROM moved "
        f"GROUP BY {summary} ORDER BY {summary}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [E.IN_RUN, run.pk, *where_params])
        return cursor.fetchall()


def _where_on_table(queryset: QuerySet) -> tuple[str, list]:
    """The queryset's WHERE clause on its own table (for an UPDATE of that table); a
    queryset that joins other tables is selected by id instead."""
    query = queryset.query
    compiler = query.get_compiler(connection=connection)
    if len([a for a in query.alias_map if query.alias_refcount.get(a)]) <= 1:
        try:
            where_sql, where_params = compiler.compile(query.where)
        except EmptyResultSet:  # e.g. ``id__in=[]``: nothing to take
            return "FALSE", []
        return where_sql or "TRUE", list(where_params)
    qn = connection.ops.quote_name
    ids_sql, ids_params = queryset.order_by().values("id").query.sql_with_params()
    return f"{qn('id')} IN ({ids_sql})", list(ids_params)


def _earnings_take_orm(*, run: PayoutRun, selected: QuerySet[Earning]) -> list[tuple]:
    """The SQLite demo's take: the same move, in a few statements."""
    ids = list(selected.select_for_update().order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        chunk = Earning.objects.filter(pk__in=ids[start : start + 5000])
        chunk.update(state=E.IN_RUN, payout_run_id=run.pk)
    rows = (
        Earning.objects.filter(payout_run=run, state=E.IN_RUN)
        .order_by(*TAKE_SUMMARY)
        .values(*TAKE_SUMMARY)
        .annotate(total=Sum("amount"), n=Count("id"))
        .values_list(*TAKE_SUMMARY, "total", "n")
    )
    return list(rows)


@dataclass(frozen=True, slots=True)
class EarningMove:
    at: datetime
    from_state: str
    to_state: str
    reason: str
    actor_id: int | None


def earning_moves(*, earning_ids: Sequence[int]) -> dict[int, list[EarningMove]]:
    """Each earning's recorded moves in order: its history rows and its run's take (the
    run's move to ``computed``, module docstring)."""
    moves: dict[int, list[EarningMove]] = {pk: [] for pk in earning_ids}
    rows = EarningStateChange.objects.filter(earning_id__in=earning_ids).order_by("at", "id")
    for change in rows:
        moves[change.earning_id].append(
            EarningMove(
                change.at, change.from_state, change.to_state, change.reason, change.actor_id
            )
        )
    taken = dict(
        Earning.objects.filter(pk__in=earning_ids, payout_run__isnull=False).values_list(
            "pk", "payout_run_id"
        )
    )
    computed: dict[int, PayoutRunStateChange] = {}
    records = PayoutRunStateChange.objects.filter(
        run_id__in=set(taken.values()), to_state=R.COMPUTED
    ).order_by("at", "id")
    for change in records:
        computed.setdefault(change.run_id, change)  # a run is computed once
    for pk, run_id in taken.items():
        change = computed.get(run_id)
        # Runs computed before the take was recorded set-wise wrote a row per earning.
        has_row = any(m.from_state == E.AVAILABLE and m.to_state == E.IN_RUN for m in moves[pk])
        if change is not None and not has_row:
            moves[pk].append(
                EarningMove(change.at, E.AVAILABLE, E.IN_RUN, change.reason, change.actor_id)
            )
    for history in moves.values():
        history.sort(key=lambda m: m.at)
    return moves
