"""Personal-account payees, transfers whose retries run out, and re-sending transfers."""

import csv
import threading
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import translation

from agencies.models import Creator
from payouts.models import Earning, PayoutBatch, PayoutRun, Transfer
from payouts.runs import payout_run_approve, payout_run_compute
from payouts.tasks import payout_transfer_submit
from payouts.transfers import (
    TransferError,
    payout_batch_settle,
    payout_run_send,
    transfer_fail,
    transfer_resend,
    transfer_return,
)

from . import test_transfers as base
from .factories import at, creator_make, earning_make

D = Decimal
NS = base.NS
agency_with, approved_run, balance, owed = (
    base.agency_with,
    base.approved_run,
    base.balance,
    base.owed,
)
wait_for = base.wait_for


@pytest.fixture(autouse=True)
def _english():
    # Reasons and refusals are stored and shown in the active language; another test may
    # have left a different one active in this thread.
    with translation.override("en"):
        yield


def personal_run(*accounts: tuple[str, dict], user=None) -> tuple[PayoutRun, list[Creator]]:
    """A January personal run, approved: one creator per (amount, payout account fields)."""
    creators = []
    for amount, fields in accounts:
        creator = creator_make()
        Creator.objects.filter(pk=creator.pk).update(**fields)
        earning_make(creator, amount, when=at(2026, 1))
        creators.append(creator)
    run = payout_run_compute(period="2026-01", personal=True)
    return payout_run_approve(run=run, user=user), creators


def net_of(run: PayoutRun, creator: Creator) -> Decimal:
    return run.lines.get(creator=creator).net


def run_moves(run: PayoutRun) -> list[str]:
    return list(run.state_changes.values_list("to_state", flat=True))


# --- Personal accounts -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_personal_payees_are_paid_by_bank_file_and_a_held_one_is_resent(
    stand_in, worker, admin_user
):
    run, (lily, sam) = personal_run(
        (
            "1000.00",
            dict(
                payout_account_name="李丽",
                legal_name="Li Li",
                payout_account_number="6222 0202 0000 1111 222",
                payout_bank_code="102100099996",
                payout_bank_name="中国工商银行",
            ),
        ),
        ("500.00", dict(legal_name="Sam Example")),
        user=admin_user,
    )
    lily_net, sam_net = net_of(run, lily), net_of(run, sam)

    payout_run_send(run=run, user=admin_user)
    first = Transfer.objects.get(run=run, creator=lily)
    wait_for(lambda: Transfer.objects.get(pk=first.pk).state == "submitted")
    first.refresh_from_db()
    held = Transfer.objects.get(run=run, creator=sam)
    assert (first.rail, first.destination, first.amount) == (
        "bank_file",
        "6222020200001111222",
        lily_net,
    )
    assert (held.state, held.rail, held.batch) == ("held", "bank_file", None)
    assert held.reason == "The creator has no personal payout account number on file."
    assert PayoutRun.objects.get(pk=run.pk).state == "sending"

    batch = first.batch
    assert batch.reference == f"PB{run.pk}-2026-01" and batch.state == "written"
    info = ET.parse(batch.xml_path).getroot().find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    txs = info.findall("p:CdtTrfTxInf", NS)
    assert len(txs) == 1
    tx = txs[0]
    assert tx.findtext("p:Cdtr/p:Nm", namespaces=NS) == "李丽"
    member = "p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId"
    assert tx.findtext(member, namespaces=NS) == "102100099996"
    assert tx.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "6222020200001111222"
    assert D(tx.findtext("p:Amt/p:InstdAmt", namespaces=NS)) == lily_net
    with open(batch.csv_path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["payee"], r["account"], r["bank_code"], D(r["amount"])) for r in rows] == [
        ("李丽", "6222020200001111222", "102100099996", lily_net)
    ]

    payout_batch_settle(batch=batch, user=admin_user)
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    assert balance("creator_payable", creator=lily) == 0
    assert balance("creator_payable", creator=sam) == -sam_net

    # Sam puts an account on file (no holder name: the legal name is used); finance re-sends.
    Creator.objects.filter(pk=sam.pk).update(
        payout_account_number="DE89370400440532013000", payout_bank_code="COBADEFFXXX"
    )
    again = transfer_resend(transfer=held, user=admin_user)
    assert (again.state, again.replaces, again.amount) == ("pending", held, sam_net)
    assert again.batch.reference == f"PB{run.pk}-2026-01-R{again.pk}"
    assert len(again.batch.reference) <= 35
    assert PayoutRun.objects.get(pk=run.pk).state == "sending"
    wait_for(lambda: Transfer.objects.get(pk=again.pk).state == "submitted")
    again.refresh_from_db()
    tx = ET.parse(again.batch.xml_path).getroot().find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert [t.findtext("p:Cdtr/p:Nm", namespaces=NS) for t in tx.findall("p:CdtTrfTxInf", NS)] == [
        "Sam Example"
    ]
    assert tx.findtext("p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == (
        "DE89370400440532013000"
    )
    assert tx.findtext("p:CdtTrfTxInf/p:PmtId/p:EndToEndId", namespaces=NS) == (
        f"payout-transfer-{again.pk}"
    )
    # The first file is left as the bank got it.
    batch.refresh_from_db()
    assert batch.state == "settled" and batch.transfers.count() == 1

    payout_batch_settle(batch=again.batch, user=admin_user)
    run.refresh_from_db()
    assert run.state == "completed"
    assert run_moves(run)[-5:] == ["approved", "sending", "completed", "sending", "completed"]
    assert run.state_changes.last().reason == "2 paid, 1 re-sent"
    assert balance("creator_payable", creator=lily) == 0
    assert balance("creator_payable", creator=sam) == 0
    assert balance("cash_in_transit") == 0
    assert balance("bank") == -(lily_net + sam_net)
    assert set(Earning.objects.values_list("state", flat=True)) == {"paid"}
    assert stand_in.requests == []
    call_command("ledger_check")


# --- Retries used up ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_transfer_whose_retries_run_out_fails_with_the_reason_and_is_resent(
    stand_in, monkeypatch
):
    # Eager retries run inline (no countdown) when exceptions are not propagated.
    monkeypatch.setitem(payout_transfer_submit.app.conf, "task_eager_propagates", False)
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)
    amount = owed(run)
    stand_in.fail_next = 100

    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "failed"
    transfer.refresh_from_db()
    tries = payout_transfer_submit.max_retries + 1
    assert transfer.attempts == tries == 9
    assert transfer.reason.startswith(f"Stripe unreachable after {tries} attempts: ")
    assert "Something went wrong on Stripe's end." in transfer.reason
    assert list(transfer.state_changes.values_list("to_state", flat=True)) == [
        "pending",
        "failed",
    ]
    keys = {key for _m, _p, _params, key in stand_in.requests}
    assert len(stand_in.requests) == tries and keys == {transfer.idempotency_key}
    assert stand_in.created == 0
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    lines = run.lines.aggregate(share=Sum("agency_share"), net=Sum("net"))
    assert balance("agency_payable", agency=agency) == -lines["share"]
    assert balance("cash_in_transit") == balance("bank") == 0

    # Stripe is back: the re-send pays once, under a key of its own.
    stand_in.fail_next = 0
    again = transfer_resend(transfer=transfer)
    assert payout_transfer_submit.apply(args=[again.pk], throw=False).result == "paid"
    assert stand_in.created == 1
    assert stand_in.requests[-1][3] == f"payout-transfer-{again.pk}" != transfer.idempotency_key
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    assert balance("agency_payable", agency=agency) == 0
    assert balance("creator_payable") == 0
    assert balance("bank") == -amount
    call_command("ledger_check")


@pytest.mark.django_db(transaction=True)
def test_the_worker_gives_up_after_max_retries_and_the_run_completes(stand_in, worker, monkeypatch):
    import payouts.tasks

    # Real retries through the broker, without the real backoff.
    monkeypatch.setattr(payouts.tasks, "retry_countdown", lambda retries: 0)
    monkeypatch.setattr(payout_transfer_submit, "max_retries", 2)
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = approved_run(agency=agency)
    stand_in.fail_next = 100

    payout_run_send(run=run)
    wait_for(lambda: PayoutRun.objects.get(pk=run.pk).state == "completed")
    transfer = Transfer.objects.get(run=run)
    assert transfer.state == "failed"
    assert transfer.attempts == 3 == len(stand_in.requests)
    assert transfer.reason.startswith("Stripe unreachable after 3 attempts: ")
    assert stand_in.created == 0
    assert balance("cash_in_transit") == balance("bank") == 0


# --- Re-sending ----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_returned_transfer_is_resent_and_the_bank_pays_once_net(stand_in, worker, admin_user):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = approved_run(agency=agency, user=admin_user)
    amount = owed(run)
    payout_run_send(run=run, user=admin_user)
    wait_for(lambda: PayoutRun.objects.get(pk=run.pk).state == "completed")
    old = Transfer.objects.get(run=run)
    transfer_return(transfer=old, reason="Reversed: wrong account", actor=admin_user)
    assert set(Earning.objects.values_list("state", flat=True)) == {"in_run"}
    # The agency moved to a new connected account before the re-send.
    agency.stripe_account_id = "acct_harbour_new"
    agency.save(update_fields=["stripe_account_id"])

    new = transfer_resend(transfer=old, user=admin_user)
    assert (new.replaces, new.agency, new.amount) == (old, agency, amount)
    assert new.destination == "acct_harbour_new"
    assert PayoutRun.objects.get(pk=run.pk).state == "sending"
    wait_for(lambda: PayoutRun.objects.get(pk=run.pk).state == "completed")

    new.refresh_from_db()
    old.refresh_from_db()
    assert (old.state, new.state) == ("returned", "paid")
    assert old.replaced_by == new
    history = list(new.state_changes.values_list("to_state", "actor", "reason"))
    assert history[0] == ("pending", admin_user.pk, f"re-send of transfer {old.pk} (returned)")
    assert [h[0] for h in history] == ["pending", "submitted", "paid"]
    moves = list(run.state_changes.values_list("from_state", "to_state", "reason"))
    assert moves[-2] == (
        "completed",
        "sending",
        f"re-sending transfer {old.pk} as transfer {new.pk}",
    )
    assert moves[-1][:2] == ("sending", "completed")
    assert stand_in.created == 2
    assert [(p["destination"], key) for _m, _path, p, key in stand_in.requests] == [
        ("acct_harbour", f"payout-transfer-{old.pk}"),
        ("acct_harbour_new", f"payout-transfer-{new.pk}"),
    ]
    # Paid, returned, paid again: the payables are cleared and the bank paid out once net.
    assert balance("agency_payable", agency=agency) == 0
    assert balance("creator_payable") == 0
    assert balance("cash_in_transit") == 0
    assert balance("bank") == -amount
    assert set(Earning.objects.values_list("state", flat=True)) == {"paid"}

    with pytest.raises(TransferError, match=f"already re-sent as transfer {new.pk}"):
        transfer_resend(transfer=old)
    with pytest.raises(TransferError, match="is paid"):
        transfer_resend(transfer=new)
    assert Transfer.objects.filter(run=run).count() == 2
    call_command("ledger_check")


@pytest.mark.django_db
def test_a_resend_is_held_again_while_the_details_are_missing(stand_in, admin_user):
    agency = agency_with(rail="stripe_connect", account="")
    run = payout_run_send(run=approved_run(agency=agency))
    held = Transfer.objects.get(run=run)
    assert (held.state, PayoutRun.objects.get(pk=run.pk).state) == ("held", "completed")
    moves = run_moves(run)

    again = transfer_resend(transfer=held, user=admin_user)
    assert (again.state, again.reason) == ("held", "The agency has no Stripe account id.")
    assert again.replaces == held
    # Nothing to send: the run stays completed, no move recorded.
    assert run_moves(run) == moves
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    assert stand_in.requests == []

    agency.stripe_account_id = "acct_harbour"
    agency.save(update_fields=["stripe_account_id"])
    third = transfer_resend(transfer=again, user=admin_user)
    assert third.state == "pending" and third.replaces == again
    assert payout_transfer_submit.apply(args=[third.pk], throw=False).result == "paid"
    assert run_moves(run)[-2:] == ["sending", "completed"]
    assert stand_in.created == 1
    assert balance("agency_payable", agency=agency) == 0
    assert balance("creator_payable") == 0
    assert balance("bank") == -owed(run)
    call_command("ledger_check")


@pytest.mark.django_db
def test_only_held_failed_or_returned_transfers_can_be_resent(stand_in):
    bank = agency_with(rail="bank_file", account="6222020200001234567", code="bund")
    run = payout_run_send(run=approved_run(agency=bank))
    transfer = Transfer.objects.get(run=run)
    with pytest.raises(TransferError, match=f"transfer {transfer.pk} is pending"):
        transfer_resend(transfer=transfer)
    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "submitted"
    with pytest.raises(TransferError, match="is submitted"):
        transfer_resend(transfer=transfer)
    assert Transfer.objects.count() == 1 and PayoutBatch.objects.count() == 1

    # The bank rejects the line: failed after submission, money payable again; re-sent into a
    # new batch of its own.
    transfer_fail(transfer=transfer, reason="AC04 closed account")
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    again = transfer_resend(transfer=transfer)
    assert again.batch != transfer.batch and again.batch.run == run
    assert payout_transfer_submit.apply(args=[again.pk], throw=False).result == "submitted"
    payout_batch_settle(batch=again.batch)
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    assert balance("agency_payable", agency=bank) == 0
    assert balance("creator_payable") == 0
    assert balance("cash_in_transit") == 0
    assert balance("bank") == -owed(run)
    call_command("ledger_check")


@pytest.mark.django_db
def test_the_database_allows_one_live_transfer_per_run_and_payee(stand_in):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = payout_run_send(run=approved_run(agency=agency))
    live = Transfer.objects.get(run=run)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(run=run, agency=agency, amount=live.amount, currency="CNY")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_resends_of_one_transfer_make_one_new_transfer(stand_in, worker):
    agency = agency_with(rail="stripe_connect", account="")
    run = payout_run_send(run=approved_run(agency=agency))
    held = Transfer.objects.get(run=run)
    agency.stripe_account_id = "acct_harbour"
    agency.save(update_fields=["stripe_account_id"])

    barrier = threading.Barrier(2)
    outcomes = []

    def resend():
        try:
            barrier.wait()
            outcomes.append(transfer_resend(transfer=held))
        except TransferError as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=resend) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    made = [o for o in outcomes if isinstance(o, Transfer)]
    refused = [o for o in outcomes if isinstance(o, TransferError)]
    assert len(made) == 1 and len(refused) == 1, outcomes
    assert "already re-sent" in str(refused[0])
    assert Transfer.objects.filter(replaces=held).count() == 1
    wait_for(lambda: PayoutRun.objects.get(pk=run.pk).state == "completed")
    assert Transfer.objects.get(pk=made[0].pk).state == "paid"
    assert stand_in.created == 1
    assert balance("bank") == -owed(run)
    call_command("ledger_check")


# --- Admin -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_finance_resends_from_the_admin_and_sees_each_refusal(stand_in, admin_client):
    agency = agency_with(rail="stripe_connect", account="")
    run = payout_run_send(run=approved_run(agency=agency))
    held = Transfer.objects.get(run=run)
    other = agency_with(rail="stripe_connect", account="acct_other", code="bund")
    lily = creator_make(agency=other, kind="service")
    earning_make(lily, "300.00", when=at(2026, 1))
    other_run = payout_run_compute(period="2026-01", agency=other)

    # A computed run is refused with a message, next to a sent one; no 500.
    response = admin_client.post(
        "/admin/payouts/payoutrun/",
        {"action": "payout_runs_send", "_selected_action": [other_run.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Only an approved payout run can be sent" in response.content.decode()
    payout_run_approve(run=other_run, user=None)
    payout_run_send(run=other_run)
    pending = Transfer.objects.get(run=other_run)

    agency.stripe_account_id = "acct_harbour"
    agency.save(update_fields=["stripe_account_id"])
    response = admin_client.post(
        "/admin/payouts/transfer/",
        {"action": "resend", "_selected_action": [held.pk, pending.pk]},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    new = Transfer.objects.get(replaces=held)
    assert f"Transfer {held.pk} re-sent as transfer {new.pk} (pending)." in page
    assert f"transfer {pending.pk} is pending" in page
    assert not Transfer.objects.filter(replaces=pending).exists()

    detail = admin_client.get(f"/admin/payouts/transfer/{held.pk}/change/")
    assert detail.status_code == 200
    assert f"/admin/payouts/transfer/{new.pk}/change/" in detail.content.decode()
    detail = admin_client.get(f"/admin/payouts/transfer/{new.pk}/change/").content.decode()
    assert f"/admin/payouts/transfer/{held.pk}/change/" in detail
    assert "re-send of transfer" in detail  # the state history inline
    assert admin_client.get(f"/admin/payouts/payoutrun/{run.pk}/change/").status_code == 200


@pytest.mark.django_db
def test_finance_marks_a_paid_transfer_returned_with_a_reason_from_the_admin(
    stand_in, admin_client
):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = payout_run_send(run=approved_run(agency=agency))
    paid = Transfer.objects.get(run=run)
    assert payout_transfer_submit.apply(args=[paid.pk], throw=False).result == "paid"
    held_agency = agency_with(rail="stripe_connect", account="", code="bund")
    held = Transfer.objects.get(run=payout_run_send(run=approved_run(agency=held_agency)))
    selected = {"action": "mark_returned", "_selected_action": [paid.pk, held.pk]}

    # First the page asking for the reason: nothing moves yet.
    page = admin_client.post("/admin/payouts/transfer/", selected)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    assert Transfer.objects.get(pk=paid.pk).state == "paid"

    # No reason: each transfer refused with a message, nothing written.
    response = admin_client.post(
        "/admin/payouts/transfer/", {**selected, "apply": "1", "reason": " "}, follow=True
    )
    assert response.status_code == 200
    assert "Give the reason the transfer was returned." in response.content.decode()
    assert Transfer.objects.get(pk=paid.pk).state == "paid"

    response = admin_client.post(
        "/admin/payouts/transfer/",
        {**selected, "apply": "1", "reason": "Reversed: account closed"},
        follow=True,
    )
    page = response.content.decode()
    assert f"Transfer {paid.pk} marked returned" in page
    assert "A held transfer cannot become returned." in page
    paid.refresh_from_db()
    assert (paid.state, paid.reason) == ("returned", "Reversed: account closed")
    change = paid.state_changes.last()
    assert (change.to_state, change.actor.username) == ("returned", "admin")
    assert (
        balance("agency_payable", agency=agency) == -run.lines.aggregate(s=Sum("agency_share"))["s"]
    )
    assert balance("bank") == 0
    call_command("ledger_check")
