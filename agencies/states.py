"""State machines: one table of allowed moves per machine, one set-wise move function.

A machine (``Machine``) names a model, its state column, its history model (a subclass
of ``agencies.models.RecordedChange`` or one with the same columns) and its table of
allowed moves. Every writer of a state column calls ``states_move`` (many rows, one
statement on PostgreSQL: lock, update, record) or ``state_move`` (one object, strict).
Nothing else writes a state column (``tests/payouts/test_states.py`` scans the code).

Rules:

- A move not in the table raises ``machine.error`` (by default ``StateMoveError``) and
  writes nothing.
- ``states_move`` moves the selected rows that are in a state the move is allowed from;
  rows in another state are left alone (set-wise work such as "release what is due"),
  unless ``strict=True``: then one row that may not move refuses the whole call.
- Every move writes one history row (from, to, when, who, why) in the same statement or
  transaction as the state column.
- A machine's ``on_enter`` names the columns that go with entering a state (e.g. a run's
  ``computed_at``); callers may add their own ``values``.

The machines of payouts are in ``payouts.states``; creator verification is here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

BATCH = 5000


class StateMoveError(ValueError):
    """A move the machine's table does not allow (nothing was written)."""


def _refusal_default(machine: Machine, from_state: str, to_state: str) -> str:
    return _("A %(state)s %(what)s cannot become %(to)s.") % {
        "state": from_state,
        "what": machine.noun,
        "to": to_state,
    }


@dataclass(frozen=True)
class Machine:
    """One state machine: the model, its state column, its history and its moves."""

    name: str
    model: type[models.Model]
    history: type[models.Model]
    subject: str  # the history's foreign key to the model (attname, e.g. "earning_id")
    moves: Mapping[str, frozenset[str]]
    noun: str = ""
    field: str = "state"
    at_field: str = "at"
    actor_field: str = "actor_id"
    error: type[Exception] = StateMoveError
    refusal: Callable[[Machine, str, str], str] = _refusal_default
    # Columns set on entering a state: (to_state, now, actor_id, reason) -> {attname: value}
    on_enter: Callable[[str, datetime, Any, str], dict] | None = None
    docs: Mapping[tuple[str, str], str] = dataclasses.field(default_factory=dict)

    @property
    def states(self) -> frozenset[str]:
        found = set(self.moves)
        for targets in self.moves.values():
            found |= targets
        return frozenset(found)

    def allows(self, from_state: str, to_state: str) -> bool:
        return to_state in self.moves.get(from_state, frozenset())

    def sources(self, to_state: str) -> list[str]:
        return sorted(s for s, targets in self.moves.items() if to_state in targets)

    def refuse(self, from_state: str, to_state: str) -> Exception:
        return self.error(self.refusal(self, from_state, to_state))


def _reason_cut(machine: Machine, reason: str) -> str:
    length = machine.history._meta.get_field("reason").max_length
    return (reason or "")[:length] if length else (reason or "")


def _history_row(machine: Machine, *, pk, from_state, to_state, now, actor_id, reason):
    return machine.history(
        **{
            machine.subject: pk,
            "from_state": from_state,
            "to_state": to_state,
            machine.at_field: now,
            machine.actor_field: actor_id,
            "reason": reason,
        }
    )


def states_move(
    *,
    machine: Machine,
    to_state: str,
    ids: Iterable[int] | None = None,
    queryset: models.QuerySet | None = None,
    from_states: Iterable[str] | None = None,
    reason: str = "",
    actor=None,
    now: datetime | None = None,
    values: dict | None = None,
    skip_locked: bool = False,
    strict: bool = False,
    returning: bool = True,
) -> list[int] | int:
    """Move the selected rows (``ids`` or ``queryset``) to ``to_state``; record each move.

    ``from_states`` narrows the states moved from (each must be allowed by the table).
    Returns the ids moved (or, with ``returning=False``, how many). ``machine.error``
    when the table allows no such move, or (``strict``) when a selected row may not move;
    nothing is written then. Rows locked elsewhere are skipped with ``skip_locked``.
    """
    now = now or timezone.now()
    if to_state not in machine.states:
        raise machine.refuse("?", to_state)
    if from_states is None:
        sources = machine.sources(to_state)
    else:
        sources = sorted(set(from_states))
        for source in sources:
            if not machine.allows(source, to_state):
                raise machine.refuse(source, to_state)
    if not sources:
        raise machine.refuse("?", to_state)
    model = machine.model
    if queryset is None:
        if ids is None:
            raise TypeError("states_move needs ids or a queryset")
        ids = list(ids)
        if not ids:
            return [] if returning else 0
        queryset = model._default_manager.filter(pk__in=ids)
    actor_id = getattr(actor, "pk", actor)
    reason = _reason_cut(machine, reason)
    columns = {machine.field: to_state}
    if machine.on_enter is not None:
        columns.update(machine.on_enter(to_state, now, actor_id, reason))
    columns.update(values or {})

    with transaction.atomic():
        if strict:
            rows = list(
                queryset.select_for_update(of=("self",))
                .order_by("pk")
                .values_list("pk", machine.field)
            )
            for _pk, state in rows:
                if state not in sources:
                    raise machine.refuse(state, to_state)
            if not rows:
                return [] if returning else 0
            queryset = model._default_manager.filter(pk__in=[pk for pk, _s in rows])
        move = {
            "machine": machine,
            "queryset": queryset,
            "sources": sources,
            "columns": columns,
            "to_state": to_state,
            "now": now,
            "actor_id": actor_id,
            "reason": reason,
            "skip_locked": skip_locked,
        }
        if connection.vendor == "postgresql":
            moved = _move_sql(**move, returning=returning)
        else:
            moved = _move_orm(**move)
            if not returning:
                moved = len(moved)
    return moved


def _move_sql(
    *, machine, queryset, sources, columns, to_state, now, actor_id, reason, skip_locked, returning
):
    """Lock, update and record in one statement (data-modifying CTEs)."""
    model, history = machine.model, machine.history
    qn = connection.ops.quote_name
    meta = model._meta
    table, pk = qn(meta.db_table), qn(meta.pk.column)
    state_col = qn(meta.get_field(machine.field).column)
    select_sql, select_params = queryset.order_by().values("pk").query.sql_with_params()
    sets, set_params = [], []
    for name, value in columns.items():
        f = meta.get_field(name) if name in {x.name for x in meta.fields} else None
        if f is None:
            f = next(x for x in meta.fields if x.attname == name)
        sets.append(f"{qn(f.column)} = %s")
        set_params.append(f.get_db_prep_save(value, connection))
    hmeta = history._meta

    def hcol(attname: str) -> str:
        return qn(next(x for x in hmeta.fields if x.attname == attname or x.name == attname).column)

    hist_cols = ", ".join(
        [
            hcol(machine.subject),
            hcol("from_state"),
            hcol("to_state"),
            hcol(machine.at_field),
            hcol("reason"),
            hcol(machine.actor_field),
        ]
    )
    at_value = hmeta.get_field(machine.at_field).get_db_prep_save(now, connection)
    placeholders = ", ".join(["%s"] * len(sources))
    lock = "FOR UPDATE SKIP LOCKED" if skip_locked else "FOR UPDATE"
    tail = "SELECT id FROM moved" if returning else "SELECT count(*) FROM moved"
    sql = (
        f"WITH old AS (SELECT {pk} AS id, {state_col} AS from_state FROM {table} "
        f"WHERE {pk} IN ({select_sql}) AND {state_col} IN ({placeholders}) "
        f"ORDER BY {pk} {lock}), "
        f"moved AS (UPDATE {table} SET {', '.join(sets)} FROM old "
        f"WHERE {table}.{pk} = old.id RETURNING old.id, old.from_state), "
        f"recorded AS (INSERT INTO {qn(hmeta.db_table)} ({hist_cols}) "
        f"SELECT id, from_state, %s, %s, %s, %s FROM moved) "
        f"{tail}"
    )
    params = [*select_params, *sources, *set_params, to_state, at_value, reason, actor_id]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            return [row[0] for row in cursor.fetchall()]
        return cursor.fetchone()[0]


def _move_orm(*, machine, queryset, sources, columns, to_state, now, actor_id, reason, skip_locked):
    model = machine.model
    rows = list(
        model._default_manager.select_for_update(skip_locked=skip_locked)
        .filter(pk__in=queryset.order_by().values("pk"), **{f"{machine.field}__in": sources})
        .order_by("pk")
        .values_list("pk", machine.field)
    )
    ids = [pk for pk, _s in rows]
    for start in range(0, len(ids), BATCH):
        model._default_manager.filter(pk__in=ids[start : start + BATCH]).update(**columns)
    machine.history._default_manager.bulk_create(
        (
            _history_row(
                machine,
                pk=pk,
                from_state=state,
                to_state=to_state,
                now=now,
                actor_id=actor_id,
                reason=reason,
            )
            for pk, state in rows
        ),
        batch_size=BATCH,
    )
    return ids


def state_move(
    *,
    machine: Machine,
    obj: models.Model,
    to_state: str,
    reason: str = "",
    actor=None,
    now: datetime | None = None,
    values: dict | None = None,
):
    """Move one object (strict: ``machine.error`` unless its state allows the move);
    ``obj`` is refreshed with the columns written. Returns ``obj``."""
    if not machine.allows(getattr(obj, machine.field), to_state):
        raise machine.refuse(getattr(obj, machine.field), to_state)
    states_move(
        machine=machine,
        to_state=to_state,
        ids=[obj.pk],
        reason=reason,
        actor=actor,
        now=now,
        values=values,
        strict=True,
    )
    names = {machine.field}
    if machine.on_enter is not None:
        names |= set(machine.on_enter(to_state, now or timezone.now(), None, reason))
    names |= set(values or {})
    fields = {f.attname: f.name for f in obj._meta.fields}
    obj.refresh_from_db(fields=[fields.get(n, n) for n in names])
    return obj


def state_record_created(
    *, machine: Machine, objs: Iterable[models.Model], reason: str = "", actor=None, now=None
) -> None:
    """Record the birth of new objects ("" → their state) in their history."""
    now = now or timezone.now()
    actor_id = getattr(actor, "pk", actor)
    reason = _reason_cut(machine, reason)
    machine.history._default_manager.bulk_create(
        (
            _history_row(
                machine,
                pk=obj.pk,
                from_state="",
                to_state=getattr(obj, machine.field),
                now=now,
                actor_id=actor_id,
                reason=reason,
            )
            for obj in objs
        ),
        batch_size=BATCH,
    )


# --- Creator verification --------------------------------------------------------------------


def _verification_machine() -> Machine:
    from django.core.exceptions import ValidationError

    from .models import Creator, CreatorVerificationChange

    V = Creator.Verification

    def refusal(machine, from_state, to_state):
        labels = dict(V.choices)
        return _("A creator cannot move from %(from)s to %(to)s.") % {
            "from": labels.get(from_state, from_state),
            "to": labels.get(to_state, to_state),
        }

    def on_enter(to_state, now, actor_id, reason):
        return {"verification_decided_at": now, "verification_decided_by_id": actor_id}

    return Machine(
        name="creator_verification",
        model=Creator,
        history=CreatorVerificationChange,
        subject="creator_id",
        field="verification_state",
        at_field="decided_at",
        actor_field="decided_by_id",
        noun="creator",
        error=ValidationError,
        refusal=refusal,
        on_enter=on_enter,
        moves={
            V.UNVERIFIED: frozenset({V.PENDING, V.VERIFIED, V.REJECTED}),
            V.PENDING: frozenset({V.VERIFIED, V.REJECTED, V.UNVERIFIED}),
            V.REJECTED: frozenset({V.PENDING}),
            V.VERIFIED: frozenset({V.PENDING, V.REJECTED, V.UNVERIFIED}),
        },
    )


_machines: dict[str, Machine] = {}


def verification_machine() -> Machine:
    """The creator verification machine (built once the apps are loaded)."""
    if "verification" not in _machines:
        _machines["verification"] = _verification_machine()
    return _machines["verification"]
