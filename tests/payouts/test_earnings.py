import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from payouts.models import Earning, EarningIntake, EarningStateChange, ImmutableEarningError
from payouts.services import StateMoveError, earning_state_set, earnings_state_move
from tests.factories import CreatorFactory

from .conftest import event, post_signed


def make_earning(**fields):
    values = dict(
        creator=fields.pop("creator", None) or CreatorFactory(),
        kind="tip",
        amount=Decimal("10.00"),
        currency="CNY",
        occurred_at=timezone.now(),
        source_ref="test:1",
        channel="personal",
        state="available",
    )
    values.update(fields)
    if values["state"] == "pending" and "kind" not in fields:
        values["kind"] = "commission"  # only commission waits (a constraint)
    return Earning.objects.create(**values)


@pytest.mark.django_db
def test_an_earning_cannot_be_edited_or_deleted():
    earning = make_earning()
    earning.amount = Decimal("99.00")
    with pytest.raises(ImmutableEarningError):
        earning.save()
    with pytest.raises(ImmutableEarningError):
        earning.delete()
    assert Earning.objects.get().amount == Decimal("10.00")


@pytest.mark.django_db
def test_source_ref_is_unique():
    make_earning()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_earning()


@pytest.mark.django_db
def test_a_positive_amount_is_required_unless_it_reverses_another():
    original = make_earning()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_earning(source_ref="test:2", amount=Decimal("-1.00"))
    assert make_earning(source_ref="test:3", amount=Decimal("-1.00"), reverses=original).pk


@pytest.mark.django_db
def test_agency_channel_needs_the_agency():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_earning(channel="agency")


@pytest.mark.django_db
def test_state_moves_follow_the_machine_and_are_recorded():
    earning = make_earning()
    earning = earning_state_set(earning=earning, to_state="in_run", reason="run 2026-11")
    earning = earning_state_set(earning=earning, to_state="paid")
    with pytest.raises(StateMoveError):
        earning_state_set(earning=earning, to_state="available")
    assert list(EarningStateChange.objects.values_list("from_state", "to_state", "reason")) == [
        ("available", "in_run", "run 2026-11"),
        ("in_run", "paid", ""),
    ]


@pytest.mark.django_db
def test_bulk_state_move_skips_earnings_in_other_states():
    a = make_earning(source_ref="a")
    b = make_earning(source_ref="b", state="pending")
    assert earnings_state_move(earning_ids=[a.pk, b.pk], to_state="in_run") == [a.pk]


@pytest.mark.django_db(transaction=True)
def test_concurrent_deliveries_of_one_event_write_one_earning(settings):
    assert connection.vendor == "postgresql"
    CreatorFactory(handle="lily", country="CN")
    payload = event(42)
    threads, answers, errors = 6, [], []
    barrier = threading.Barrier(threads)

    def deliver():
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            response = post_signed(Client(), payload)
            answers.append((response.status_code, response.json()["earning"]["id"]))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            thread_connection.close()

    workers = [threading.Thread(target=deliver) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert sorted(status for status, _ in answers) == [200] * (threads - 1) + [201]
    assert len({pk for _, pk in answers}) == 1
    assert Earning.objects.count() == 1
    assert EarningIntake.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_with_overlapping_events_write_each_once():
    CreatorFactory(handle="lily", country="CN")
    batches = [{"events": [event(n) for n in range(start, start + 50)]} for start in (0, 25, 10)]
    errors = []
    barrier = threading.Barrier(len(batches))

    def deliver(payload):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            response = post_signed(Client(), payload)
            assert response.status_code == 200
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            thread_connection.close()

    workers = [threading.Thread(target=deliver, args=(b,)) for b in batches]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    assert Earning.objects.count() == 75


@pytest.mark.django_db
def test_a_bulk_release_accrues_every_earning_it_moves_and_nothing_else():
    from payouts.models import Entry

    creator = CreatorFactory()
    pending = [make_earning(creator=creator, source_ref=f"p{n}", state="pending") for n in range(3)]
    other = make_earning(creator=creator, source_ref="paid", state="paid")
    moved = earnings_state_move(
        earning_ids=[e.pk for e in pending] + [other.pk], to_state="available"
    )
    assert sorted(moved) == sorted(e.pk for e in pending)
    assert sorted(Entry.objects.values_list("reference", flat=True)) == sorted(
        f"earning:{e.pk}:accrued" for e in pending
    )
