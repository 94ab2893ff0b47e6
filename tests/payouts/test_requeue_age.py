"""The re-queue of stuck transfers (``payout_transfers_requeue``, every 5 minutes on beat)
only takes transfers old enough to be stuck: a transfer written a moment ago is still in
its first worker's hands and is left alone; one pending for longer than the age is queued
again. Only pending transfers of a run that is sending count; ``run`` limits it to one run.
"""

from datetime import timedelta
from decimal import Decimal

import pytest

from agencies.models import Agency
from payouts.models import Transfer
from payouts.runs import payout_run_approve, payout_run_compute
from payouts.tasks import payout_transfer_submit
from payouts.transfers import payout_run_send
from payouts.transfers import payout_transfers_requeue as requeue

from .factories import at, creator_make, earning_make


@pytest.fixture
def queued(monkeypatch):
    """The transfer ids handed to the worker queue (Celery's ``delay``), in order."""
    ids = []
    monkeypatch.setattr(payout_transfer_submit, "delay", ids.append)
    return ids


def sent_run(*, code: str, period: str, user):
    """An agency run sent (its transfer written ``pending``; no worker runs in the test)."""
    agency = Agency.objects.create(
        code=code,
        legal_name=f"{code.title()} Talent Ltd",
        country="CN",
        registration_number="91350211M000100Y43",
        share=Decimal("0.2"),
        payout_rail=Agency.Rail.STRIPE_CONNECT,
        stripe_account_id=f"acct_{code}",
    )
    creator = creator_make(agency=agency, kind="service")
    year, month = (int(p) for p in period.split("-"))
    earning_make(creator, "1000.00", when=at(year, month))
    run = payout_run_approve(run=payout_run_compute(period=period, agency=agency), user=user)
    run = payout_run_send(run=run, user=user)
    assert run.state == "sending"
    return run, Transfer.objects.get(run=run)


def test_a_fresh_transfer_is_left_alone_and_a_stuck_one_is_queued_again(db, queued, admin_user):
    run, transfer = sent_run(code="harbour", period="2026-01", user=admin_user)
    assert transfer.state == "pending"
    written = transfer.created_at
    # Written 4 minutes 59 seconds ago: not stuck yet (the default age is 5 minutes).
    assert requeue(now=written + timedelta(minutes=4, seconds=59)) == 0
    assert queued == []
    # Exactly 5 minutes: queued again.
    assert requeue(now=written + timedelta(minutes=5)) == 1
    assert queued == [transfer.pk]
    # An hour later (still pending): queued again, once per sweep.
    assert requeue(now=written + timedelta(hours=1)) == 1
    assert queued == [transfer.pk, transfer.pk]
    # Another age: 30 minutes.
    assert requeue(older_than=timedelta(minutes=30), now=written + timedelta(minutes=29)) == 0
    assert requeue(older_than=timedelta(minutes=30), now=written + timedelta(minutes=31)) == 1
    transfer.refresh_from_db()
    assert transfer.state == "pending"  # queueing changes nothing by itself


def test_only_pending_transfers_of_sending_runs_and_of_the_given_run(db, queued, admin_user):
    run_a, a = sent_run(code="harbour", period="2026-01", user=admin_user)
    run_b, b = sent_run(code="river", period="2026-01", user=admin_user)
    later = max(a.created_at, b.created_at) + timedelta(minutes=10)
    assert requeue(now=later, run=run_b) == 1
    assert queued == [b.pk]
    queued.clear()
    assert requeue(now=later) == 2
    assert sorted(queued) == sorted([a.pk, b.pk])
    queued.clear()
    # A transfer that has moved on (held: no account) is not queued.
    Transfer.objects.filter(pk=a.pk).update(state="held")
    assert requeue(now=later) == 1
    assert queued == [b.pk]
    queued.clear()
    # A pending transfer of a run no longer sending (completed) is not queued either.
    type(run_b).objects.filter(pk=run_b.pk).update(state="completed")
    assert requeue(now=later) == 0
    assert queued == []
