"""Sending approved payout runs: transfers through Stripe Connect (the stand-in) and bank files."""

import csv
import io
import time
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
import stripe
from django.core.management import call_command
from django.db.models import Sum

from agencies.models import Agency
from commerce.stripe_api import stripe_client
from payouts.models import (
    Earning,
    Entry,
    PayoutBatch,
    PayoutRun,
    Transfer,
    TransferStateChange,
)
from payouts.runs import PayoutRunError, payout_run_approve, payout_run_compute
from payouts.tasks import payout_transfer_submit
from payouts.transfers import (
    PAIN001_NS,
    TransferError,
    _csv_build,
    payout_batch_settle,
    payout_run_send,
    transfer_return,
)

from .factories import at, balance, creator_make, earning_make

D = Decimal
NS = {"p": PAIN001_NS}


def agency_with(*, rail: str, account: str = "", code: str = "harbour") -> Agency:
    fields = {"stripe_account_id": account} if rail == "stripe_connect" else {}
    if rail == "bank_file":
        fields = dict(
            bank_account_number=account,
            bank_account_name="Harbour Talent Ltd",
            bank_code="ICBKCNBJ",
        )
    return Agency.objects.create(
        code=code,
        legal_name=f"{code.title()} Talent Ltd",
        country="CN",
        registration_number="91350211M000100Y43",
        share=D("0.2"),
        payout_rail=rail,
        **fields,
    )


def approved_run(*, agency=None, user=None):
    """Two creators' January earnings, computed and approved."""
    kind = "service" if agency else ""
    lily, sam = creator_make(agency=agency, kind=kind), creator_make(agency=agency, kind=kind)
    earning_make(lily, "1000.00", when=at(2026, 1))
    earning_make(sam, "500.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", agency=agency, personal=agency is None)
    return payout_run_approve(run=run, user=user)


def wait_for(predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting for the worker")


def owed(run):
    lines = run.lines.aggregate(net=Sum("net"), share=Sum("agency_share"))
    return lines["net"] + lines["share"]


@pytest.mark.django_db(transaction=True)
def test_an_agency_run_is_sent_over_stripe_connect_by_the_worker(stand_in, worker, admin_user):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = approved_run(agency=agency, user=admin_user)
    amount = owed(run)

    sending = payout_run_send(run=run, user=admin_user)
    assert sending.state == "sending"
    wait_for(lambda: PayoutRun.objects.get(pk=run.pk).state == "completed")

    transfer = Transfer.objects.get(run=run)
    assert (transfer.agency, transfer.amount, transfer.currency) == (agency, amount, "CNY")
    assert (transfer.state, transfer.rail) == ("paid", "stripe_connect")
    assert transfer.external_reference.startswith("tr_stub")
    assert stand_in.created == 1
    (method, path, params, key) = stand_in.requests[0]
    assert (method, path, key) == ("POST", "/v1/transfers", f"payout-transfer-{transfer.pk}")
    assert params["amount"] == str(int(amount * 100))
    assert (params["currency"], params["destination"]) == ("cny", "acct_harbour")
    assert params["transfer_group"] == f"payout-2026-01-harbour-{run.pk}"
    assert list(transfer.state_changes.values_list("to_state", flat=True)) == [
        "pending",
        "submitted",
        "paid",
    ]
    assert list(run.state_changes.values_list("to_state", flat=True))[-2:] == [
        "sending",
        "completed",
    ]
    # Payables cleared, the money left the bank, nothing in transit.
    assert balance("agency_payable", agency=agency) == 0
    assert balance("creator_payable") == 0
    assert balance("cash_in_transit") == 0
    assert balance("bank") == -amount
    assert set(Earning.objects.values_list("state", flat=True)) == {"paid"}
    call_command("ledger_check")


@pytest.mark.django_db(transaction=True)
def test_a_bank_file_run_is_written_by_the_worker_and_paid_when_settled(
    stand_in, worker, admin_user
):
    agency = agency_with(rail="bank_file", account="6222020200001234567")
    run = approved_run(agency=agency, user=admin_user)
    amount = owed(run)

    payout_run_send(run=run, user=admin_user)
    wait_for(lambda: Transfer.objects.get(run=run).state == "submitted")
    transfer = Transfer.objects.get(run=run)
    batch = PayoutBatch.objects.get(run=run)
    assert batch.state == "written" and transfer.batch == batch
    assert PayoutRun.objects.get(pk=run.pk).state == "sending"
    assert balance("cash_in_transit") == -amount
    assert stand_in.requests == []

    # pain.001.001.03: the elements a bank requires, in its namespace.
    root = ET.parse(batch.xml_path).getroot()
    assert root.tag == f"{{{PAIN001_NS}}}Document"
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert header.findtext("p:MsgId", namespaces=NS) == batch.reference
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "1"
    assert D(header.findtext("p:CtrlSum", namespaces=NS)) == amount
    assert header.find("p:InitgPty/p:Nm", NS) is not None
    info = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert info.findtext("p:PmtMtd", namespaces=NS) == "TRF"
    for path in ("p:PmtInfId", "p:ReqdExctnDt", "p:Dbtr/p:Nm", "p:DbtrAcct/p:Id", "p:DbtrAgt"):
        assert info.find(path, NS) is not None, path
    tx = info.find("p:CdtTrfTxInf", NS)
    assert tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS) == f"payout-transfer-{transfer.pk}"
    instructed = tx.find("p:Amt/p:InstdAmt", NS)
    assert (D(instructed.text), instructed.get("Ccy")) == (amount, "CNY")
    assert tx.findtext("p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "ICBKCNBJ"
    assert tx.findtext("p:Cdtr/p:Nm", namespaces=NS) == "Harbour Talent Ltd"
    assert tx.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "6222020200001234567"
    with open(batch.csv_path, "rb") as handle:
        assert handle.read(3) == b"\xef\xbb\xbf"  # UTF-8 BOM: Excel reads Chinese names
    with open(batch.csv_path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["account"], D(r["amount"]), r["currency"]) for r in rows] == [
        ("6222020200001234567", amount, "CNY")
    ]

    payout_batch_settle(batch=batch, user=admin_user)
    transfer.refresh_from_db()
    assert transfer.state == "paid"
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    assert balance("cash_in_transit") == 0 and balance("bank") == -amount
    assert set(Earning.objects.values_list("state", flat=True)) == {"paid"}
    with pytest.raises(TransferError, match="written batch"):
        payout_batch_settle(batch=batch)
    call_command("ledger_check")


@pytest.mark.django_db
def test_running_the_task_again_creates_no_second_stripe_transfer(stand_in):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)
    # The worker died after Stripe created the transfer and before our commit.
    stripe_client(api_base=stand_in.url).v1.transfers.create(
        params={
            "amount": int(transfer.amount * 100),
            "currency": "cny",
            "destination": "acct_harbour",
            "transfer_group": f"payout-2026-01-harbour-{run.pk}",
            "metadata": {"transfer": str(transfer.pk), "run": str(run.pk)},
        },
        options={"idempotency_key": transfer.idempotency_key},
    )
    assert stand_in.created == 1

    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "paid"
    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "paid"
    transfer.refresh_from_db()
    assert stand_in.created == 1
    assert transfer.external_reference == "tr_stub000001"
    assert Entry.objects.filter(reference__startswith=f"transfer:{transfer.pk}:").count() == 2
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"


@pytest.mark.django_db
def test_a_stripe_outage_is_retried_with_the_same_idempotency_key(stand_in, monkeypatch):
    # Eager retries run inline (no countdown) when exceptions are not propagated.
    monkeypatch.setitem(payout_transfer_submit.app.conf, "task_eager_propagates", False)
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)
    stand_in.fail_next = 2

    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "paid"
    keys = [key for _m, _p, _params, key in stand_in.requests]
    assert keys == [transfer.idempotency_key] * 3
    assert stand_in.created == 1
    transfer.refresh_from_db()
    assert transfer.attempts == 3


@pytest.mark.django_db
def test_a_payee_without_account_details_is_held_and_the_rest_proceed(stand_in):
    agency = agency_with(rail="stripe_connect", account="")
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)
    assert transfer.state == "held"
    assert transfer.reason == "The agency has no Stripe account id."
    assert transfer.state_changes.last().reason == transfer.reason
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    assert stand_in.requests == []
    # Nothing left the payable accounts; the earnings wait in the run.
    assert (
        balance("agency_payable", agency=agency) == -run.lines.aggregate(s=Sum("agency_share"))["s"]
    )
    assert set(Earning.objects.values_list("state", flat=True)) == {"in_run"}

    # Personal accounts: one bank transfer per creator, held (no account number on file).
    personal = payout_run_send(run=approved_run())
    held = Transfer.objects.filter(run=personal)
    assert held.count() == 2
    assert set(held.values_list("state", "creator_id")) == {
        ("held", line.creator_id) for line in personal.lines.all()
    }
    assert {t.amount for t in held} == {line.net for line in personal.lines.all()}
    assert {(t.rail, t.reason) for t in held} == {
        ("bank_file", "The creator has no personal payout account number on file.")
    }
    call_command("ledger_check")


@pytest.mark.django_db
def test_a_refused_stripe_transfer_fails_with_the_reason_and_stays_payable(stand_in):
    agency = agency_with(rail="stripe_connect", account="acct_fail")
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)

    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "failed"
    transfer.refresh_from_db()
    assert "No such destination: 'acct_fail'" in transfer.reason
    assert transfer.state_changes.last().to_state == "failed"
    assert stand_in.created == 0
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    lines = run.lines.aggregate(share=Sum("agency_share"), net=Sum("net"))
    assert balance("agency_payable", agency=agency) == -lines["share"]
    assert balance("creator_payable") == -lines["net"]
    assert balance("cash_in_transit") == balance("bank") == 0
    call_command("ledger_check")


@pytest.mark.django_db
def test_a_returned_transfer_puts_the_money_back_as_payable(stand_in, admin_user):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    run = payout_run_send(run=approved_run(agency=agency))
    transfer = Transfer.objects.get(run=run)
    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "paid"
    assert balance("creator_payable") == 0

    transfer_return(transfer=transfer, reason="Reversed: account closed", actor=admin_user)
    transfer.refresh_from_db()
    assert (transfer.state, transfer.reason) == ("returned", "Reversed: account closed")
    change = transfer.state_changes.last()
    assert (change.to_state, change.actor) == ("returned", admin_user)
    lines = run.lines.aggregate(share=Sum("agency_share"), net=Sum("net"))
    assert balance("agency_payable", agency=agency) == -lines["share"]
    assert balance("creator_payable") == -lines["net"]
    assert balance("bank") == balance("cash_in_transit") == 0
    assert Entry.objects.filter(reference=f"transfer:{transfer.pk}:returned").exists()
    assert set(Earning.objects.values_list("state", flat=True)) == {"in_run"}
    with pytest.raises(TransferError):
        transfer_return(transfer=transfer, reason="again")
    call_command("ledger_check")


@pytest.mark.django_db
def test_only_an_approved_run_is_sent_and_only_once(stand_in, admin_user):
    agency = agency_with(rail="stripe_connect", account="acct_harbour")
    lily = creator_make(agency=agency, kind="service")
    earning_make(lily, "100.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", agency=agency)
    with pytest.raises(PayoutRunError, match="approved"):
        payout_run_send(run=run)
    assert not Transfer.objects.exists()

    payout_run_approve(run=run, user=admin_user)
    sent = payout_run_send(run=run, user=admin_user)
    assert sent.state == "sending"
    with pytest.raises(PayoutRunError, match="sending"):
        payout_run_send(run=run)
    assert Transfer.objects.count() == 1
    assert TransferStateChange.objects.count() == 1
    assert list(sent.state_changes.values_list("from_state", "to_state")) == [
        ("", "draft"),
        ("draft", "computed"),
        ("computed", "approved"),
        ("approved", "sending"),
    ]


@pytest.mark.django_db
def test_the_stub_speaks_stripes_errors_and_idempotency(stand_in):
    client = stripe_client(api_base=stand_in.url)
    params = {"amount": 100, "currency": "cny", "destination": "acct_x"}
    first = client.v1.transfers.create(params=params, options={"idempotency_key": "k1"})
    again = client.v1.transfers.create(params=params, options={"idempotency_key": "k1"})
    assert first.id == again.id and first.object == "transfer"
    assert client.v1.transfers.retrieve(first.id).amount == 100
    with pytest.raises(stripe.IdempotencyError):
        client.v1.transfers.create(
            params={**params, "amount": 200}, options={"idempotency_key": "k1"}
        )
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.transfers.retrieve("tr_nope")
    assert missing.value.http_status == 404
    with pytest.raises(stripe.InvalidRequestError) as bad:
        client.v1.transfers.create(params={"amount": 100, "currency": "cny"})
    assert (bad.value.http_status, bad.value.param) == (400, "destination")
    assert stand_in.created == 1


@pytest.mark.django_db
def test_finance_sends_and_settles_from_the_admin(
    stand_in, admin_client, django_capture_on_commit_callbacks
):
    agency = agency_with(rail="bank_file", account="DE89370400440532013000")
    run = approved_run(agency=agency)
    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(
            "/admin/payouts/payoutrun/",
            {"action": "payout_runs_send", "_selected_action": [run.pk]},
            follow=True,
        )
    assert response.status_code == 200 and len(callbacks) == 1
    transfer = Transfer.objects.get(run=run)
    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "submitted"
    batch = PayoutBatch.objects.get(run=run)
    root = ET.parse(batch.xml_path).getroot()
    iban = "p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN"
    assert root.findtext(iban, namespaces=NS) == "DE89370400440532013000"
    assert admin_client.get("/admin/payouts/transfer/").status_code == 200
    assert admin_client.get(f"/admin/payouts/transfer/{transfer.pk}/change/").status_code == 200

    response = admin_client.post(
        "/admin/payouts/payoutbatch/",
        {"action": "settle", "_selected_action": [batch.pk]},
        follow=True,
    )
    assert "Settled" in response.content.decode()
    transfer.refresh_from_db()
    assert transfer.state == "paid"
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"
    call_command("ledger_check")


def test_the_bank_csv_defuses_spreadsheet_formulas_in_payee_details():
    agency = Agency(
        id=7,
        legal_name="Formula Ltd",
        bank_account_name='=HYPERLINK("http://evil.example","pay")',
        bank_code="@SUM(1)",
    )
    transfer = Transfer(id=9, agency=agency, amount=D("10.00"), currency="CNY", destination="-1")
    data = _csv_build(batch=PayoutBatch(reference="PB1-2026-01"), transfers=[transfer])
    (row,) = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert row["payee"] == '\'=HYPERLINK("http://evil.example","pay")'
    assert (row["bank_code"], row["account"], row["amount"]) == ("'@SUM(1)", "'-1", "10.00")
