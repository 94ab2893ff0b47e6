"""Sending, failing, returning and re-sending transfers, figure by figure (issue #18).

Fast tests (no worker thread, no committed transaction): tasks are run inline with
``apply``; ``payout_run_send`` queues nothing here because its ``on_commit`` never fires
inside the test's transaction. Each test asserts a stored state, a ledger figure or the
exact sentence a refusal gives.
"""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import translation

from agencies.models import Creator
from payouts.errors import PayoutRunError, TransferError, TransferRetry
from payouts.models import Earning, Entry, PayoutBatch, PayoutLine, PayoutRun, Transfer
from payouts.rails.bank_file import payout_batch_settle
from payouts.runs import payout_run_approve, payout_run_compute
from payouts.states import BATCHES, RUNS, TRANSFERS, _moves
from payouts.tasks import payout_transfer_submit
from payouts.transfers import (
    payout_run_send,
    transfer_fail,
    transfer_resend,
    transfer_retries_exhausted,
    transfer_return,
    transfer_settle,
    transfer_submit,
)

from .factories import at, balance, creator_make, earning_make
from .test_transfers import agency_with, approved_run

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def postings(reference: str) -> list[tuple]:
    entry = Entry.objects.get(reference=reference)
    return sorted(entry.postings.values_list("account", "amount", "currency", "agency_id"))


def completion_reason(run: PayoutRun) -> str:
    return run.state_changes.filter(to_state="completed").latest("id").reason


# --- The state tables ------------------------------------------------------------------------


def test_a_move_table_is_built_of_plain_state_names():
    table = _moves({Earning.State.PENDING: {Earning.State.AVAILABLE, Earning.State.REVERSED}})
    assert table == {"pending": frozenset({"available", "reversed"})}
    assert [type(k) for k in table] == [str]
    assert {type(v) for v in table["pending"]} == {str}


def test_each_machine_refuses_in_its_own_words():
    assert str(RUNS.refuse("draft", "sending")) == "A draft payout run cannot become sending."
    assert isinstance(RUNS.refuse("draft", "sending"), PayoutRunError)
    assert str(TRANSFERS.refuse("held", "paid")) == "A held transfer cannot become paid."
    assert isinstance(TRANSFERS.refuse("held", "paid"), TransferError)
    assert str(BATCHES.refuse("open", "settled")) == "A open bank batch cannot become settled."
    assert isinstance(BATCHES.refuse("open", "settled"), TransferError)


# --- Retries run out -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_transfer_whose_retries_ran_out_fails_with_the_attempts_and_the_error(stand_in):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)
    Transfer.objects.filter(pk=transfer.pk).update(attempts=4)

    assert transfer_retries_exhausted(transfer_id=transfer.pk + 1000, error="x") == "missing"
    assert transfer_submit(transfer_id=transfer.pk + 1000) == "missing"
    assert transfer_retries_exhausted(transfer_id=transfer.pk, error="e" * 3000) == "failed"
    transfer.refresh_from_db()
    assert transfer.state == "failed"
    assert transfer.reason == ("Stripe unreachable after 4 attempts: " + "e" * 3000)[:2000]
    assert len(transfer.reason) == 2000
    # Nothing left the payables: a pending transfer posted nothing.
    assert not Entry.objects.filter(reference__startswith=f"transfer:{transfer.pk}:").exists()
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    assert completion_reason(run) == "1 failed"
    # A finished transfer is left as it is.
    assert transfer_retries_exhausted(transfer_id=transfer.pk, error="late") == "failed"
    assert transfer_submit(transfer_id=transfer.pk) == "failed"
    assert stand_in.requests == []


# --- Failing and returning after submission --------------------------------------------------


@pytest.mark.django_db
def test_a_submitted_bank_transfer_that_fails_puts_the_money_back_as_payable(stand_in):
    agency = agency_with(rail="bank_file", account="6222020200001234567")
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)
    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "submitted"
    lines = run.lines.aggregate(share=Sum("agency_share"), net=Sum("net"))
    amount = lines["share"] + lines["net"]
    assert postings(f"transfer:{transfer.pk}:submitted") == sorted(
        [
            ("agency_payable", lines["share"], "CNY", agency.pk),
            ("cash_in_transit", -amount, "CNY", None),
            *[
                ("creator_payable", net, "CNY", None)
                for net in run.lines.values_list("net", flat=True)
            ],
        ]
    )

    failed = transfer_fail(transfer=transfer, reason="Bank: account closed")
    assert (failed.state, failed.reason) == ("failed", "Bank: account closed")
    assert postings(f"transfer:{transfer.pk}:failed") == sorted(
        [
            ("agency_payable", -lines["share"], "CNY", agency.pk),
            ("cash_in_transit", amount, "CNY", None),
            *[
                ("creator_payable", -net, "CNY", None)
                for net in run.lines.values_list("net", flat=True)
            ],
        ]
    )
    assert balance("cash_in_transit") == 0 and balance("bank") == 0
    assert balance("agency_payable", agency=agency) == -lines["share"]
    assert balance("creator_payable") == -lines["net"]
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    assert completion_reason(run) == "1 failed"
    assert set(Earning.objects.values_list("state", flat=True)) == {"in_run"}
    with pytest.raises(TransferError, match="A failed transfer cannot become failed."):
        transfer_fail(transfer=transfer, reason="again")


@pytest.mark.django_db
def test_a_return_needs_a_reason_and_moves_the_earnings_back(stand_in, admin_user):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)
    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "paid"
    assert completion_reason(run) == "1 paid"
    with pytest.raises(TransferError) as info:
        transfer_return(transfer=transfer, reason="")
    assert str(info.value) == "Give the reason the transfer was returned."
    assert Transfer.objects.get(pk=transfer.pk).state == "paid"

    transfer_return(transfer=transfer, reason="Reversed", actor=admin_user)
    change = transfer.state_changes.latest("id")
    assert (change.to_state, change.reason, change.actor) == ("returned", "Reversed", admin_user)
    earning_change = Earning.objects.first().state_changes.latest("id")
    assert (earning_change.from_state, earning_change.to_state, earning_change.reason) == (
        "paid",
        "in_run",
        f"transfer {transfer.pk} returned: Reversed",
    )


# --- Re-sending ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_resend_of_a_failed_agency_transfer_reopens_the_completed_run(stand_in, admin_user):
    agency = agency_with(rail="stripe_connect", account="acct_fail")
    run = payout_run_send(run=approved_run(agency=agency))
    old = Transfer.objects.get(run=run)
    assert payout_transfer_submit.apply(args=[old.pk], throw=False).result == "failed"
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    agency.stripe_account_id = "acct_harbour"
    agency.save()

    new = transfer_resend(transfer=old, user=admin_user)
    assert (new.replaces_id, new.amount, new.currency, new.agency_id, new.creator_id) == (
        old.pk,
        old.amount,
        old.currency,
        agency.pk,
        None,
    )
    assert (new.state, new.rail, new.destination) == ("pending", "stripe_connect", "acct_harbour")
    born = new.state_changes.get()
    assert (born.from_state, born.to_state, born.reason, born.actor) == (
        "",
        "pending",
        f"re-send of transfer {old.pk} (failed)",
        admin_user,
    )
    reopened = PayoutRun.objects.get(pk=run.pk)
    assert reopened.state == "sending"
    move = reopened.state_changes.latest("id")
    assert (move.to_state, move.reason, move.actor) == (
        "sending",
        f"re-sending transfer {old.pk} as transfer {new.pk}",
        admin_user,
    )
    with pytest.raises(TransferError) as info:
        transfer_resend(transfer=old)
    assert str(info.value) == f"Transfer {old.pk} was already re-sent as transfer {new.pk}."
    with pytest.raises(TransferError) as info:
        transfer_resend(transfer=new)
    assert str(info.value) == (
        f"Only a held, failed or returned transfer can be re-sent; transfer {new.pk} is pending."
    )

    assert payout_transfer_submit.apply(args=[new.pk], throw=False).result == "paid"
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    assert completion_reason(run) == "1 paid, 1 re-sent"
    assert balance("bank") == -new.amount


@pytest.mark.django_db
def test_a_bank_file_resend_gets_a_batch_of_its_own(stand_in):
    agency = agency_with(rail="bank_file", account="6222020200001234567")
    run = payout_run_send(run=approved_run(agency=agency))
    old = Transfer.objects.get(run=run)
    assert payout_transfer_submit.apply(args=[old.pk], throw=False).result == "submitted"
    transfer_fail(transfer=old, reason="Bank: rejected")

    new = transfer_resend(transfer=old)
    assert new.batch.reference == f"PB{run.pk}-2026-01-R{new.pk}"
    assert PayoutBatch.objects.get(pk=new.batch_id).transfers.get() == new
    assert PayoutBatch.objects.filter(run=run).count() == 2
    assert payout_transfer_submit.apply(args=[new.pk], throw=False).result == "submitted"
    new.refresh_from_db()
    assert new.batch.state == "written"
    assert new.external_reference == f"{new.batch.reference}/payout-transfer-{new.pk}"


@pytest.mark.django_db
def test_a_resend_still_without_details_is_held_again_and_the_run_stays_completed(stand_in):
    agency = agency_with(rail="stripe_connect", account="")
    run = payout_run_send(run=approved_run(agency=agency))
    old = Transfer.objects.get(run=run)
    assert (old.state, old.hold) == ("held", "account")
    assert completion_reason(run) == "1 held"

    new = transfer_resend(transfer=old)
    assert (new.state, new.hold, new.reason) == (
        "held",
        "account",
        "The agency has no Stripe account id.",
    )
    assert new.batch is None
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"


@pytest.mark.django_db
def test_transfers_of_a_run_that_is_not_sending_or_completed_cannot_be_resent(stand_in):
    agency = agency_with(rail="stripe_connect", account="")
    run = payout_run_send(run=approved_run(agency=agency))
    old = Transfer.objects.get(run=run)
    PayoutRun.objects.filter(pk=run.pk).update(state="failed")
    with pytest.raises(TransferError) as info:
        transfer_resend(transfer=old)
    assert str(info.value) == "Transfers of a failed payout run cannot be re-sent."
    assert Transfer.objects.filter(run=run).count() == 1


@pytest.mark.django_db
def test_only_an_approved_run_is_sent_in_its_own_words(stand_in):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = payout_run_send(run=approved_run(agency=agency))
    with pytest.raises(PayoutRunError) as info:
        payout_run_send(run=run)
    assert str(info.value) == "Only an approved payout run can be sent; this one is sending."


# --- Stripe Connect --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stripe_outage_is_recorded_and_retried_then_the_transfer_is_paid(stand_in):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)
    stand_in.fail_next = 1
    with pytest.raises(TransferRetry, match="Something went wrong on Stripe's end."):
        transfer_submit(transfer_id=transfer.pk)
    transfer.refresh_from_db()
    assert (transfer.state, transfer.attempts) == ("pending", 1)
    assert transfer.reason == "retrying: Something went wrong on Stripe's end."
    assert not Entry.objects.filter(reference__startswith=f"transfer:{transfer.pk}:").exists()

    assert transfer_submit(transfer_id=transfer.pk) == "paid"
    transfer.refresh_from_db()
    assert (transfer.attempts, transfer.external_reference) == (2, "tr_stub000001")
    _method, path, params, key = stand_in.requests[-1]
    assert (path, key) == ("/v1/transfers", f"payout-transfer-{transfer.pk}")
    assert params == {
        "amount": str(int(transfer.amount * 100)),
        "currency": "cny",
        "destination": "acct_harbour",
        "transfer_group": f"payout-2026-01-harbour-{run.pk}",
        "metadata[transfer]": str(transfer.pk),
        "metadata[run]": str(run.pk),
    }
    assert [c.to_state for c in transfer.state_changes.order_by("id")] == [
        "pending",
        "submitted",
        "paid",
    ]
    assert postings(f"transfer:{transfer.pk}:paid") == [
        ("bank", -transfer.amount, "CNY", None),
        ("cash_in_transit", transfer.amount, "CNY", None),
    ]
    assert completion_reason(run) == "1 paid"


@pytest.mark.django_db
def test_a_refused_stripe_transfer_fails_with_stripes_words(stand_in):
    agency = agency_with(rail="stripe_connect", account="acct_fail")
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)
    assert transfer_submit(transfer_id=transfer.pk) == "failed"
    transfer.refresh_from_db()
    assert transfer.reason == "Stripe: No such destination: 'acct_fail'"
    assert transfer.attempts == 1
    assert not Entry.objects.filter(reference__startswith=f"transfer:{transfer.pk}:").exists()


# --- Personal runs ---------------------------------------------------------------------------


def _personal_sent_run():
    """A personal January run of two creators with bank accounts, sent (transfers pending)."""
    run, creators = _personal_sent_run_approved()
    return payout_run_send(run=run), creators


def _personal_sent_run_approved():
    """A personal January run of two creators with bank accounts, approved."""

    creators = []
    for n, amount in enumerate(("1000.00", "500.00")):
        creator = creator_make()
        Creator.objects.filter(pk=creator.pk).update(
            payout_account_number=f"6222 0202 0000 1111 {n:03d}",
            payout_account_name=f"Payee {n}",
            payout_bank_code="ICBKCNBJ",
        )
        earning_make(creator, amount, when=at(2026, 1))
        creators.append(creator)
    run = payout_run_compute(period="2026-01", personal=True)
    return payout_run_approve(run=run, user=None), creators


@pytest.mark.django_db
def test_a_personal_run_pays_each_creator_from_their_own_payable(stand_in):

    run, (lily, sam) = _personal_sent_run()
    lily_t, sam_t = (Transfer.objects.get(run=run, creator=c) for c in (lily, sam))
    assert (lily_t.destination, lily_t.rail, lily_t.agency_id) == (
        "6222020200001111000",
        "bank_file",
        None,
    )
    assert lily_t.batch_id == sam_t.batch_id
    assert lily_t.batch.reference == f"PB{run.pk}-2026-01"
    assert transfer_submit(transfer_id=lily_t.pk) == "submitted"
    assert Transfer.objects.get(pk=sam_t.pk).state == "submitted"  # one file for the batch
    lily_net = run.lines.get(creator=lily).net
    lily_t.refresh_from_db()
    submitted = Entry.objects.get(reference=f"transfer:{lily_t.pk}:submitted")
    assert sorted(
        submitted.postings.values_list("account", "amount", "currency", "creator_id")
    ) == [
        ("cash_in_transit", -lily_net, "CNY", None),
        ("creator_payable", lily_net, "CNY", lily.pk),
    ]

    transfer_settle(transfer=lily_t)
    assert Transfer.objects.get(pk=lily_t.pk).state == "paid"
    states = dict(Earning.objects.values_list("creator_id", "state"))
    assert states == {lily.pk: "paid", sam.pk: "in_run"}
    assert PayoutRun.objects.get(pk=run.pk).state == "sending"
    payout_batch_settle(batch=lily_t.batch)
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    assert completion_reason(run) == "2 paid"
    assert balance("creator_payable", creator=lily) == 0
    assert balance("bank") == -(lily_net + run.lines.get(creator=sam).net)


@pytest.mark.django_db
def test_a_personal_run_holds_a_creator_without_identity_or_account(stand_in):

    run, (lily, sam) = _personal_sent_run()
    # After sending, one creator loses their identity document, one their account number.
    lily_t = Transfer.objects.get(run=run, creator=lily)
    assert lily_t.hold == ""
    Creator.objects.filter(pk=lily.pk).update(id_number="")
    Creator.objects.filter(pk=sam.pk).update(payout_account_number="")
    transfer_fail(transfer=lily_t, reason="Bank: rejected")
    again = transfer_resend(transfer=lily_t)
    assert (again.state, again.hold) == ("held", "identity")
    assert again.rail == "bank_file"
    sam_t = Transfer.objects.get(run=run, creator=sam)
    transfer_fail(transfer=sam_t, reason="Bank: rejected")
    held = transfer_resend(transfer=sam_t)
    assert (held.state, held.hold, held.reason) == (
        "held",
        "account",
        "The creator has no personal payout account number on file.",
    )


@pytest.mark.django_db
def test_a_run_with_nothing_to_pay_completes_at_once_with_no_transfers(stand_in):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    for scope, payee in (("personal", None), ("agency", agency)):
        run = PayoutRun.objects.create(period="2026-01", scope=scope, agency=payee)
        PayoutRun.objects.filter(pk=run.pk).update(state="approved")
        sent = payout_run_send(run=run)
        assert sent.state == "completed"
        assert not Transfer.objects.filter(run=run).exists()
        assert completion_reason(run) == "no transfers"
    assert stand_in.requests == []


@pytest.mark.django_db
def test_sending_records_who_batches_the_sendable_and_queues_them_after_commit(
    stand_in, admin_user, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(payout_transfer_submit, "delay", queued.append)
    run, (lily, sam) = _personal_sent_run_approved()
    Creator.objects.filter(pk=sam.pk).update(payout_account_number="")
    with django_capture_on_commit_callbacks(execute=True):
        payout_run_send(run=run, user=admin_user)
    lily_t, sam_t = (Transfer.objects.get(run=run, creator=c) for c in (lily, sam))
    assert queued == [lily_t.pk]
    assert (lily_t.state, sam_t.state) == ("pending", "held")
    assert lily_t.batch is not None and sam_t.batch is None
    assert PayoutBatch.objects.filter(run=run).count() == 1
    assert run.state_changes.get(to_state="sending").actor == admin_user
    assert {c.actor for c in lily_t.state_changes.all()} == {admin_user}
    assert [(c.to_state, c.actor) for c in sam_t.state_changes.order_by("id")] == [
        ("pending", admin_user),
        ("held", admin_user),
    ]

    # A re-send is queued after commit too, and its history names who re-sent it.
    Creator.objects.filter(pk=sam.pk).update(payout_account_number="6222020200009999000")
    with django_capture_on_commit_callbacks(execute=True):
        again = transfer_resend(transfer=sam_t, user=admin_user)
    assert queued == [lily_t.pk, again.pk]
    assert again.state_changes.get().actor == admin_user


@pytest.mark.django_db
def test_a_stripe_run_has_no_bank_batch_and_small_amounts_are_still_paid(stand_in):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = payout_run_send(run=approved_run(agency=agency))
    assert not PayoutBatch.objects.filter(run=run).exists()
    assert Transfer.objects.get(run=run).batch is None
    # One yuan owed is still sent, to an agency and to a creator.
    for scope, payee in (("agency", agency), ("personal", None)):
        tiny = PayoutRun.objects.create(period="2026-02", scope=scope, agency=payee)
        creator = creator_make()
        Creator.objects.filter(pk=creator.pk).update(payout_account_number="6222020200001")
        PayoutLine.objects.create(
            run=tiny,
            creator=creator,
            period="2026-02",
            regime="cn-platform-labour",
            currency="CNY",
            earnings_count=1,
            gross=D("1.00"),
            agency_share=D("0"),
            income=D("1.00"),
            taxable_income=D("0"),
            tax=D("0"),
            net=D("1.00"),
            working={},
        )
        PayoutRun.objects.filter(pk=tiny.pk).update(state="approved")
        payout_run_send(run=tiny)
        assert list(Transfer.objects.filter(run=tiny).values_list("amount", "state")) == [
            (D("1.00"), "pending")
        ]


@pytest.mark.django_db
def test_settling_and_failing_record_who_did_it_and_when(stand_in, admin_user):
    run, (lily, sam) = _personal_sent_run()
    lily_t, sam_t = (Transfer.objects.get(run=run, creator=c) for c in (lily, sam))
    assert transfer_submit(transfer_id=lily_t.pk) == "submitted"
    batch = PayoutBatch.objects.get(pk=lily_t.batch_id)
    assert batch.written_at is not None and batch.settled_at is None
    transfer_settle(transfer=lily_t, actor=admin_user)
    transfer_fail(transfer=sam_t, reason="Bank: closed", actor=admin_user)
    assert lily_t.state_changes.latest("id").actor == admin_user
    assert sam_t.state_changes.latest("id").actor == admin_user
    assert Transfer.objects.get(pk=lily_t.pk).finished_at is not None
    settled = payout_batch_settle(batch=batch, user=admin_user)
    settled.refresh_from_db()
    assert (settled.state, settled.settled_by) == ("settled", admin_user)
    assert settled.settled_at is not None and settled.written_at == batch.written_at


@pytest.mark.django_db
def test_paying_a_transfer_moves_only_its_own_runs_earnings(stand_in):
    # January's transfer to the agency is paid while February's run (the same agency, a
    # creator of it) is computed: only January's earnings become paid.
    agency = agency_with(rail="bank_file", account="6222020200001234567")
    january = payout_run_send(run=approved_run(agency=agency))
    cy = creator_make(agency=agency, kind="service")
    february_earning = earning_make(cy, "300.00", when=at(2026, 2))
    february = payout_run_compute(period="2026-02", agency=agency)
    transfer = Transfer.objects.get(run=january)
    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "submitted"

    transfer_settle(transfer=transfer)

    assert set(Earning.objects.filter(payout_run=january).values_list("state", flat=True)) == {
        "paid"
    }
    february_earning.refresh_from_db()
    assert (february_earning.state, february_earning.payout_run_id) == ("in_run", february.pk)


@pytest.mark.django_db
def test_an_agency_without_a_share_has_no_agency_leg_on_its_transfer(stand_in):
    # A 0 % agency share: the transfer moves only the creators' net, no zero posting.
    agency = agency_with(rail="bank_file", account="6222020200001234567")
    agency.share = Decimal("0")
    agency.save(update_fields=["share"])
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)
    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "submitted"
    accounts = [p[0] for p in postings(f"transfer:{transfer.pk}:submitted")]
    assert accounts == ["cash_in_transit", "creator_payable", "creator_payable"]


@pytest.mark.django_db
def test_a_resend_while_the_payee_has_a_live_transfer_is_refused_in_words(stand_in, admin_user):
    # Another live transfer of this run to this payee (a re-send racing this one got
    # there first): the database's constraint refuses the second, and the user reads why.
    from payouts.states import state_record_created

    agency = agency_with(rail="stripe_connect", account="")
    run = payout_run_send(run=approved_run(agency=agency))
    old = Transfer.objects.get(run=run)
    racing = Transfer.objects.create(
        run=run, agency=agency, amount=old.amount, currency=old.currency, rail=old.rail
    )
    state_record_created(machine=TRANSFERS, objs=[racing])
    with pytest.raises(TransferError) as refused:
        transfer_resend(transfer=old, user=admin_user)
    assert str(refused.value) == (
        f"Transfer {old.pk} cannot be re-sent: its payee already has a live transfer in this run."
    )
    assert Transfer.objects.filter(run=run).count() == 2
    # A held re-send records who asked for it.
    transfer_fail(transfer=racing, reason="Stripe: refused")
    new = transfer_resend(transfer=old, user=admin_user)
    assert new.state_changes.get(to_state="held").actor == admin_user
