"""``manage.py payout_run --send`` and ``--resume``: sending and resuming from the shell."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from payouts.models import PayoutRun, Transfer
from payouts.runs import payout_run_approve, payout_run_compute
from payouts.tasks import payout_transfer_submit
from payouts.transfers import payout_run_send

from . import test_transfers as base
from .factories import at, creator_make, earning_make


@pytest.fixture(autouse=True)
def _english():
    # Reasons and refusals are stored and shown in the active language; another test may
    # have left a different one active in this thread.
    with translation.override("en"):
        yield


pytestmark = pytest.mark.django_db


def computed_run(*, code: str):
    agency = base.agency_with(rail="stripe_connect", account=f"acct_{code}", code=code)
    lily = creator_make(agency=agency, kind="service")
    earning_make(lily, "100.00", when=at(2026, 1))
    return payout_run_compute(period="2026-01", agency=agency)


@pytest.fixture
def queued(monkeypatch):
    """The transfer ids queued for the worker (no broker in these tests)."""
    ids = []
    monkeypatch.setattr(payout_transfer_submit, "delay", ids.append)
    return ids


def test_send_refuses_a_run_that_is_not_approved_in_one_line(stand_in):
    run = computed_run(code="harbour")
    with pytest.raises(CommandError) as refused:
        call_command("payout_run", "--period", "2026-01", "--agency", "harbour", "--send")
    message = str(refused.value)
    assert message == "Only an approved payout run can be sent; this one is computed."
    assert "\n" not in message
    assert PayoutRun.objects.get(pk=run.pk).state == "computed"
    assert not Transfer.objects.exists()

    with pytest.raises(CommandError, match="no payout run of 2026-02"):
        call_command("payout_run", "--period", "2026-02", "--agency", "harbour", "--send")
    with pytest.raises(CommandError, match="no payout run of 2026-01"):
        call_command("payout_run", "--period", "2026-01", "--personal", "--send")
    with pytest.raises(CommandError):
        call_command("payout_run", "--period", "2026-01", "--personal", "--send", "--resume")


def test_send_sends_an_approved_run_without_computing_it_again(stand_in, admin_user):
    run = payout_run_approve(run=computed_run(code="harbour"), user=admin_user)
    out = StringIO()
    call_command("payout_run", "--period", "2026-01", "--agency", "harbour", "--send", stdout=out)
    assert PayoutRun.objects.get(pk=run.pk).state == "sending"
    assert Transfer.objects.filter(run=run, state="pending").count() == 1
    assert f"payout run {run.pk} 2026-01 harbour (sending): sending, 1 transfers" in out.getvalue()
    with pytest.raises(CommandError, match="this one is sending"):
        call_command("payout_run", "--period", "2026-01", "--agency", "harbour", "--send")
    assert Transfer.objects.count() == 1


def test_resume_queues_again_the_pending_transfers_of_that_run_only(stand_in, queued):
    runs = [
        payout_run_send(run=payout_run_approve(run=computed_run(code=code), user=None))
        for code in ("harbour", "bund")
    ]
    harbour, bund = (Transfer.objects.get(run=run) for run in runs)
    assert queued == []  # the tests' transaction never commits: nothing was queued at send

    out = StringIO()
    call_command("payout_run", "--period", "2026-01", "--agency", "harbour", "--resume", stdout=out)
    assert queued == [harbour.pk]
    assert "1 pending transfers queued" in out.getvalue()

    # A resumed task pays; resuming again queues nothing.
    assert payout_transfer_submit.apply(args=[harbour.pk], throw=False).result == "paid"
    queued.clear()
    call_command("payout_run", "--period", "2026-01", "--agency", "harbour", "--resume")
    assert queued == []
    assert Transfer.objects.get(pk=bund.pk).state == "pending"
    assert stand_in.created == 1

    # Plain computing is unchanged: a computed (or later) run is returned as it is.
    out = StringIO()
    call_command("payout_run", "--period", "2026-01", "--agency", "bund", stdout=out)
    assert "1 lines" in out.getvalue()
