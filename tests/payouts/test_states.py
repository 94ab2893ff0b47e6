"""The payouts state machines: one table each, one move function, every move recorded."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from agencies.states import StateMoveError, states_move, verification_machine
from payouts.errors import PayoutRunError, TransferError
from payouts.models import Earning, EarningStateChange, PayoutRun, PayoutRunStateChange
from payouts.states import BATCHES, EARNINGS, MACHINES, RUNS, TRANSFERS, state_move

from .factories import at, creator_make, earning_make

ROOT = Path(__file__).resolve().parents[2]
STATE_MODULES = {ROOT / "agencies" / "states.py", ROOT / "payouts" / "states.py"}
STATE_COLUMNS = {"state", "verification_state"}
# Webhook storage rows (received/processed) are delivery records, not a payouts machine.
NOT_MACHINES = {ROOT / "payouts" / "webhooks.py"}


def _our_sources():
    # The machines of agencies and payouts (checkout keeps its own payment states).
    for package in ("agencies", "payouts", "bench"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and path not in STATE_MODULES:
                yield path


def test_nothing_but_the_state_modules_writes_a_state_column():
    offenders = []
    for path in _our_sources():
        text = path.read_text()
        if "update(state=" in text or "update(verification_state=" in text:
            offenders.append(f"{path.relative_to(ROOT)}: update(state=...)")
        if path.parent.name not in ("agencies", "payouts") or path in NOT_MACHINES:
            continue
        for node in ast.walk(ast.parse(text)):
            # obj.save(update_fields=[..., "state", ...]) after assigning the column
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "save":
                for kw in node.keywords:
                    if kw.arg == "update_fields" and isinstance(kw.value, ast.List | ast.Tuple):
                        names = {getattr(e, "value", None) for e in kw.value.elts}
                        if names & STATE_COLUMNS:
                            offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: save")
    assert offenders == []


@pytest.mark.parametrize(
    "machine", [*MACHINES.values(), verification_machine()], ids=lambda m: m.name
)
def test_every_state_of_the_model_is_in_its_table(machine):
    choices = {value for value, _label in machine.model._meta.get_field(machine.field).choices}
    assert machine.states == choices
    for from_state, targets in machine.moves.items():
        assert targets <= machine.states, from_state


def test_the_return_of_a_paid_transfer_is_a_documented_move():
    assert TRANSFERS.allows("paid", "returned")
    assert EARNINGS.allows("paid", "in_run")
    assert ("paid", "in_run") in EARNINGS.docs
    assert not EARNINGS.allows("paid", "available")
    assert not BATCHES.allows("settled", "written")


@pytest.mark.django_db
def test_a_move_not_in_the_table_raises_and_writes_nothing():
    ada = creator_make()
    earning = earning_make(ada, "10.00", when=at(2026, 1), state="reversed")
    with pytest.raises(StateMoveError):
        states_move(machine=EARNINGS, ids=[earning.pk], from_states=["reversed"], to_state="paid")
    with pytest.raises(StateMoveError):
        states_move(machine=EARNINGS, ids=[earning.pk], to_state="in_run", strict=True)
    assert Earning.objects.get(pk=earning.pk).state == "reversed"
    assert not EarningStateChange.objects.exists()

    run = PayoutRun.objects.create(period="2026-01", scope="personal")
    with pytest.raises(PayoutRunError, match="A draft payout run cannot become approved."):
        state_move(machine=RUNS, obj=run, to_state="approved")
    assert PayoutRun.objects.get().state == "draft" and not PayoutRunStateChange.objects.exists()
    assert TRANSFERS.error is TransferError


@pytest.mark.django_db
def test_a_set_wise_move_records_every_row_with_its_previous_state():
    ada = creator_make()
    ready = [earning_make(ada, "10.00", when=at(2026, 1)) for _ in range(3)]
    waiting = earning_make(ada, "10.00", when=at(2026, 1), state="pending")
    moved = states_move(
        machine=EARNINGS,
        queryset=Earning.objects.filter(creator=ada),
        from_states=["available"],
        to_state="in_run",
        reason="test",
    )
    assert sorted(moved) == sorted(e.pk for e in ready)
    assert Earning.objects.get(pk=waiting.pk).state == "pending"
    changes = EarningStateChange.objects.order_by("earning_id")
    assert [(c.earning_id, c.from_state, c.to_state, c.reason) for c in changes] == [
        (e.pk, "available", "in_run", "test") for e in ready
    ]
