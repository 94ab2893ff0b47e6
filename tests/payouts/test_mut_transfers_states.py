"""A payout run's set-wise take of earnings (``payouts.states.earnings_take``) and the
state machines' entry columns, figure by figure (issue #18: mutation testing)."""

from decimal import Decimal

import pytest
from django.db import transaction

from payouts.models import Earning, PayoutRun, Transfer
from payouts.states import RUNS, TRANSFERS, earnings_take, state_move

from .factories import agency_make, at, creator_make, earning_make

D = Decimal


def _creators():
    agency = agency_make()
    lily = creator_make(agency=agency, kind="service")
    sam = creator_make()
    zoe = creator_make()
    earning_make(lily, "10.00", when=at(2026, 1))
    earning_make(lily, "2.50", when=at(2026, 1))
    earning_make(lily, "4.00", when=at(2026, 1), currency="USD")
    earning_make(sam, "7.00", when=at(2026, 1))
    earning_make(zoe, "9.00", when=at(2026, 1))
    earning_make(sam, "100.00", when=at(2026, 1), state=Earning.State.PENDING)
    return lily, sam, zoe


@pytest.mark.django_db
def test_a_take_moves_the_available_earnings_and_sums_them_per_creator_and_currency():
    lily, sam, zoe = _creators()
    run = PayoutRun.objects.create(period="2026-01", scope="personal")
    with transaction.atomic():
        taken = earnings_take(run=run, queryset=Earning.objects.all(), exclude_creators=[zoe.pk])
    assert [tuple(row) for row in taken] == [
        (lily.pk, "CNY", "service", D("12.50"), 2),
        (lily.pk, "USD", "service", D("4.00"), 1),
        (sam.pk, "CNY", "", D("7.00"), 1),
    ]
    moved = Earning.objects.filter(payout_run=run)
    assert set(moved.values_list("state", flat=True)) == {"in_run"}
    assert moved.count() == 4
    # Left out: the excluded creator's, and the pending one.
    rest = Earning.objects.filter(payout_run__isnull=True).order_by("amount")
    assert list(rest.values_list("creator_id", "state")) == [
        (zoe.pk, "available"),
        (sam.pk, "pending"),
    ]


@pytest.mark.django_db
def test_a_take_through_a_joined_queryset_moves_only_what_it_selects():
    lily, sam, zoe = _creators()
    run = PayoutRun.objects.create(period="2026-01", scope="personal")
    with transaction.atomic():
        taken = earnings_take(
            run=run, queryset=Earning.objects.filter(creator__handle__in=[sam.handle, zoe.handle])
        )
    assert [tuple(row) for row in taken] == [
        (sam.pk, "CNY", "", D("7.00"), 1),
        (zoe.pk, "CNY", "", D("9.00"), 1),
    ]
    assert not Earning.objects.filter(creator=lily, payout_run=run).exists()


@pytest.mark.django_db
def test_a_take_of_nothing_moves_nothing():
    _creators()
    run = PayoutRun.objects.create(period="2026-01", scope="personal")
    with transaction.atomic():
        assert earnings_take(run=run, queryset=Earning.objects.filter(id__in=[])) == []
    assert not Earning.objects.filter(payout_run=run).exists()
    assert Earning.objects.filter(state="available").count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_take_outside_a_transaction_is_refused():
    run = PayoutRun.objects.create(period="2026-01", scope="personal")
    with pytest.raises(RuntimeError) as info:
        earnings_take(run=run, queryset=Earning.objects.all())
    assert str(info.value) == "earnings_take runs inside the transaction that computes the run"


@pytest.mark.django_db
def test_entering_a_run_state_sets_its_columns(admin_user):
    run = PayoutRun.objects.create(period="2026-01", scope="personal")
    state_move(machine=RUNS, obj=run, to_state="failed", reason="rates missing")
    run.refresh_from_db()
    assert (run.state, run.failure_reason, run.computed_at) == ("failed", "rates missing", None)
    state_move(machine=RUNS, obj=run, to_state="computed", actor=admin_user)
    run.refresh_from_db()
    assert (run.failure_reason, run.approved_at) == ("", None)
    assert run.computed_at is not None
    state_move(machine=RUNS, obj=run, to_state="approved", actor=admin_user)
    run.refresh_from_db()
    assert run.approved_by == admin_user and run.approved_at is not None
    state_move(machine=RUNS, obj=run, to_state="sending", reason="sent")
    run.refresh_from_db()
    assert (run.approved_by, run.failure_reason) == (admin_user, "")


@pytest.mark.django_db
def test_entering_a_transfer_state_sets_its_times_and_keeps_a_reason_unless_given_one():
    run = PayoutRun.objects.create(period="2026-01", scope="personal")
    transfer = Transfer.objects.create(
        run=run, creator=creator_make(), amount=D("5.00"), currency="CNY", rail="bank_file"
    )
    Transfer.objects.filter(pk=transfer.pk).update(reason="retrying: timeout")
    transfer.refresh_from_db()
    state_move(machine=TRANSFERS, obj=transfer, to_state="submitted")
    transfer.refresh_from_db()
    assert transfer.reason == "retrying: timeout"
    assert transfer.submitted_at is not None and transfer.finished_at is None
    state_move(machine=TRANSFERS, obj=transfer, to_state="failed", reason="Bank: closed")
    transfer.refresh_from_db()
    assert transfer.reason == "Bank: closed"
    assert transfer.finished_at is not None
    other = Transfer.objects.create(
        run=run, creator=creator_make(), amount=D("5.00"), currency="CNY", rail="bank_file"
    )
    state_move(machine=TRANSFERS, obj=other, to_state="held", reason="no account")
    other.refresh_from_db()
    assert (other.reason, other.submitted_at, other.finished_at) == ("no account", None, None)
