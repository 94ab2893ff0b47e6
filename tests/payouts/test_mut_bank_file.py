"""The bank-file rail (``payouts.rails.bank_file``): the pain.001 and CSV a bank receives,
element by element (issue #18: mutation testing)."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from lxml import etree

from agencies.models import Agency, Creator
from payouts.errors import TransferError
from payouts.iso20022 import PAIN001, namespace, xml_validate
from payouts.models import PayoutBatch, PayoutRun, Transfer
from payouts.rails import bank_file
from payouts.rails.bank_file import (
    _csv_build,
    batch_create,
    pain001_build,
    payout_batch_settle,
)
from payouts.runs import payout_run_approve, payout_run_compute
from payouts.transfers import payout_run_send, transfer_fail, transfer_resend, transfer_submit

from .factories import at, creator_make, earning_make

D = Decimal
NS = {"p": namespace(PAIN001)}
LONG_NAME = "Zhang " * 30  # 180 characters: more than pain.001 Max140Text


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def bank_dir(settings, tmp_path):
    # Two levels that do not exist yet: the rail creates them.
    settings.PAYOUT_BANK_FILE_DIR = str(tmp_path / "bank" / "out")
    settings.PAYOUT_DEBTOR_NAME = "Platform " * 20  # 180 characters
    settings.PAYOUT_DEBTOR_ACCOUNT = "DE89 3704 0044 0532 0130 00"
    settings.PAYOUT_DEBTOR_BANK_CODE = "ICBKCNBJ400"
    return tmp_path / "bank" / "out"


PAYEES = [
    # (amount, holder, legal name, account, bank code)
    ("1000.00", "李丽", "Li Li", "6222 0202 0000 1111 222", "102100099996"),
    ("500.00", "", "Sam Example", "GB29 NWBK 6016 1331 9268 19", "NWBKGB2L"),
    ("250.00", LONG_NAME, "Long Name", "1" * 40, ""),
    ("125.00", "", "", "6222020200003333444", "icbkcnbj"),
]


def personal_run_sent():
    creators = []
    for amount, holder, legal, account, code in PAYEES:
        creator = creator_make()
        fields = dict(payout_account_name=holder, payout_account_number=account)
        fields["payout_bank_code"] = code
        if legal:
            fields["legal_name"] = legal
        Creator.objects.filter(pk=creator.pk).update(**fields)
        earning_make(creator, amount, when=at(2026, 1))
        creators.append(Creator.objects.get(pk=creator.pk))
    run = payout_run_compute(period="2026-01", personal=True)
    run = payout_run_send(run=payout_run_approve(run=run, user=None))
    return run, creators


def tx_of(root, end_to_end: str):
    for tx in root.iterfind("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", NS):
        if tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS) == end_to_end:
            return tx
    raise AssertionError(end_to_end)


@pytest.mark.django_db
def test_the_pain001_of_a_personal_run_names_every_payee_as_the_bank_needs(bank_dir):
    run, creators = personal_run_sent()
    transfers = list(Transfer.objects.filter(run=run).order_by("pk"))
    assert [t.destination for t in transfers] == [
        "6222020200001111222",
        "GB29NWBK60161331926819",
        "1" * 40,
        "6222020200003333444",
    ]
    batch = transfers[0].batch
    now = datetime(2026, 2, 3, 20, 4, 5, 123456, tzinfo=UTC)  # 04:04:05 on the 4th in Shanghai
    data = pain001_build(batch=batch, transfers=transfers, now=now)
    xml_validate(message=PAIN001, data=data)
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<Document xmlns=")
    root = etree.fromstring(data)
    total = sum(t.amount for t in transfers)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert [(etree.QName(e).localname, e.text) for e in header if len(e) == 0] == [
        ("MsgId", batch.reference),
        ("CreDtTm", "2026-02-04T04:04:05"),
        ("NbOfTxs", "4"),
        ("CtrlSum", f"{total:.2f}"),
    ]
    assert header.findtext("p:InitgPty/p:Nm", namespaces=NS) == ("Platform " * 20)[:140]
    info = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert [
        info.findtext(f"p:{tag}", namespaces=NS)
        for tag in ("PmtInfId", "PmtMtd", "NbOfTxs", "CtrlSum", "ReqdExctnDt")
    ] == [batch.reference, "TRF", "4", f"{total:.2f}", "2026-02-04"]
    assert info.findtext("p:Dbtr/p:Nm", namespaces=NS) == ("Platform " * 20)[:140]
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == "DE89370400440532013000"
    assert info.findtext("p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "ICBKCNBJ400"

    reference = f"{batch.reference} payout-2026-01-personal-{run.pk}"
    li, sam, long, nameless = (tx_of(root, t.idempotency_key) for t in transfers)
    for tx, t in zip((li, sam, long, nameless), transfers, strict=True):
        amount = tx.find("p:Amt/p:InstdAmt", NS)
        assert (amount.text, amount.get("Ccy")) == (f"{t.amount:.2f}", "CNY")
        assert tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS) == reference
    # Holder name, else legal name, else display name; cut to 140 characters.
    assert [tx.findtext("p:Cdtr/p:Nm", namespaces=NS) for tx in (li, sam, long, nameless)] == [
        "李丽",
        "Sam Example",
        LONG_NAME[:140],
        creators[3].display_name,
    ]
    # A CNAPS code is a clearing-system member id; a BIC is a BIC; none: NOTPROVIDED.
    assert li.findtext("p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", namespaces=NS) == (
        "102100099996"
    )
    assert li.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "6222020200001111222"
    assert sam.findtext("p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "NWBKGB2L"
    assert sam.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == "GB29NWBK60161331926819"
    assert long.findtext("p:CdtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=NS) == "NOTPROVIDED"
    assert long.findtext("p:CdtrAcct/p:Id/p:Othr/p:Id", namespaces=NS) == "1" * 34
    # Only capitals make a BIC: a lower-case code is passed on as a member id.
    assert nameless.findtext("p:CdtrAgt/p:FinInstnId/p:ClrSysMmbId/p:MmbId", namespaces=NS) == (
        "icbkcnbj"
    )

    rows = list(csv.reader(io.StringIO(_csv_build(batch=batch, transfers=transfers).decode())))
    assert rows[0] == [
        "\ufeffend_to_end_id",
        "payee",
        "account",
        "bank_code",
        "amount",
        "currency",
        "reference",
    ]
    assert rows[1:3] == [
        [
            transfers[0].idempotency_key,
            "李丽",
            "6222020200001111222",
            "102100099996",
            f"{transfers[0].amount:.2f}",
            "CNY",
            batch.reference,
        ],
        [
            transfers[1].idempotency_key,
            "Sam Example",
            "GB29NWBK60161331926819",
            "NWBKGB2L",
            f"{transfers[1].amount:.2f}",
            "CNY",
            batch.reference,
        ],
    ]


@pytest.mark.django_db
def test_writing_the_batch_submits_every_transfer_once_and_keeps_the_paths(bank_dir, admin_user):
    run, _creators = personal_run_sent()
    transfers = list(Transfer.objects.filter(run=run).order_by("pk"))
    batch = transfers[0].batch
    assert batch.state == "open"
    assert transfer_submit(transfer_id=transfers[0].pk) == "submitted"
    batch.refresh_from_db()
    assert batch.state == "written" and batch.written_at is not None
    assert (batch.xml_path, batch.csv_path) == (
        str(bank_dir / f"{batch.reference}.xml"),
        str(bank_dir / f"{batch.reference}.csv"),
    )
    assert sorted(p.name for p in bank_dir.iterdir()) == [
        f"{batch.reference}.csv",
        f"{batch.reference}.xml",
    ]
    xml_validate(message=PAIN001, data=Path(batch.xml_path).read_bytes())
    for t in Transfer.objects.filter(run=run):
        assert (t.state, t.external_reference) == (
            "submitted",
            f"{batch.reference}/payout-transfer-{t.pk}",
        )
    written = Path(batch.xml_path).read_bytes()
    moves = list(batch.state_changes.values_list("to_state", flat=True))
    assert moves[-1] == "written"
    # Written once: submitting again writes nothing and moves nothing.
    bank_file.submit(transfer=transfers[1])
    assert Path(batch.xml_path).read_bytes() == written
    assert list(batch.state_changes.values_list("to_state", flat=True)) == moves
    with pytest.raises(TransferError) as info:
        payout_batch_settle(batch=PayoutBatch.objects.create(run=run, reference="PB-open"))
    assert str(info.value) == "Only a written batch can be settled; this one is open."
    settled = payout_batch_settle(batch=batch, user=admin_user)
    settled.refresh_from_db()
    assert (settled.state, settled.settled_by) == ("settled", admin_user)
    paid = Transfer.objects.filter(run=run).first().state_changes.latest("id")
    assert (paid.to_state, paid.actor) == ("paid", admin_user)
    assert set(Transfer.objects.filter(run=run).values_list("state", flat=True)) == {"paid"}
    assert PayoutRun.objects.get(pk=run.pk).state == "completed"


@pytest.mark.django_db
def test_a_second_batch_is_written_beside_the_first(bank_dir):
    run, _creators = personal_run_sent()
    first = Transfer.objects.filter(run=run).order_by("pk").first()
    transfer_submit(transfer_id=first.pk)
    transfer_fail(transfer=first, reason="Bank: rejected")
    again = transfer_resend(transfer=first)
    assert transfer_submit(transfer_id=again.pk) == "submitted"
    again.refresh_from_db()
    assert again.batch.reference == f"PB{run.pk}-2026-01-R{again.pk}"
    assert sorted(p.name for p in bank_dir.iterdir()) == sorted(
        f"{ref}.{ext}"
        for ref in (first.batch.reference, again.batch.reference)
        for ext in ("csv", "xml")
    )


@pytest.mark.django_db
def test_a_batch_reference_longer_than_35_characters_is_refused():
    run = PayoutRun.objects.create(period="2026-01", scope="personal")
    assert batch_create(run=run, reference="R" * 35).reference == "R" * 35
    with pytest.raises(TransferError) as info:
        batch_create(run=run, reference="R" * 36)
    assert str(info.value) == f"Batch reference {'R' * 36} is longer than 35 characters."
    assert PayoutBatch.objects.count() == 1


@pytest.mark.django_db
def test_routes_say_why_a_payee_is_held():
    agency = Agency(code="a", legal_name="A Ltd", bank_account_number="")
    assert bank_file.route_agency(agency).held == "The agency has no bank account number."
    assert bank_file.route_agency(agency).hold == "account"
    assert bank_file.route_agency(agency).rail == "bank_file"
    agency.bank_account_number = "6222 01"
    route = bank_file.route_agency(agency)
    assert (route.rail, route.destination, route.held) == ("bank_file", "6222 01", "")
