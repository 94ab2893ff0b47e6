"""Importing the bank's pain.002 status report for a batch we really wrote."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.urls import reverse
from django.utils import translation
from lxml import etree

from payouts.bank_returns import BankReturnError, bank_return_import
from payouts.iso20022 import PAIN001, PAIN002, namespace
from payouts.models import (
    BankReturnImport,
    Earning,
    Entry,
    PayoutBatch,
    PayoutRun,
    Transfer,
    TransferStateChange,
)
from payouts.runs import payout_run_approve, payout_run_compute
from payouts.tasks import payout_transfer_submit
from payouts.transfers import payout_batch_settle, payout_run_send

from .factories import at, balance, creator_make, earning_make

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared in English, whatever language an earlier test left active.
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def bank_dir(settings, tmp_path):
    settings.PAYOUT_BANK_FILE_DIR = str(tmp_path / "bank")


def written_batch(*, creators: int = 3) -> PayoutBatch:
    """A personal run of creators with bank accounts, sent: one written pain.001 batch."""
    for n in range(creators):
        creator = creator_make()
        creator.payout_account_number = f"62220202000012345{n:02d}"
        creator.payout_account_name = f"Creator {n}"
        creator.payout_bank_code = "ICBKCNBJ"
        creator.save()
        earning_make(creator, f"{1000 + 100 * n}.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", personal=True)
    run = payout_run_send(run=payout_run_approve(run=run, user=None))
    for transfer in Transfer.objects.filter(run=run):
        assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "submitted"
    return PayoutBatch.objects.get(run=run)


def written_transactions(batch: PayoutBatch) -> list[tuple[str, str, str]]:
    """(EndToEndId, amount, currency) of each transaction in the batch's pain.001 file."""
    ns = {"p": namespace(PAIN001)}
    root = etree.parse(batch.xml_path).getroot()
    return [
        (
            tx.findtext("p:PmtId/p:EndToEndId", namespaces=ns),
            tx.findtext("p:Amt/p:InstdAmt", namespaces=ns),
            tx.find("p:Amt/p:InstdAmt", ns).get("Ccy"),
        )
        for tx in root.iterfind("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", ns)
    ]


def _reason(reason) -> str:
    if reason is None:
        return ""
    code, *text = reason
    extra = "".join(f"<AddtlInf>{t}</AddtlInf>" for t in text)
    return f"<StsRsnInf><Rsn><Cd>{code}</Cd></Rsn>{extra}</StsRsnInf>"


def pain002(
    batch: PayoutBatch,
    tx: dict[str, str] | None = None,
    *,
    group: str | None = None,
    reasons: dict | None = None,
    msg_id: str = "STS-0001",
    original: str | None = None,
    extra_ids: dict[str, str] | None = None,
) -> bytes:
    """A bank's status report on the batch: ``tx`` maps EndToEndId to TxSts."""
    reasons = reasons or {}
    written = {e2e: (amount, ccy) for e2e, amount, ccy in written_transactions(batch)}
    rows = []
    for e2e, status in {**(tx or {}), **(extra_ids or {})}.items():
        amount, ccy = written.get(e2e, ("1.00", "CNY"))
        rows.append(
            f"<TxInfAndSts><OrgnlEndToEndId>{e2e}</OrgnlEndToEndId><TxSts>{status}</TxSts>"
            f"{_reason(reasons.get(e2e))}<OrgnlTxRef><Amt>"
            f'<InstdAmt Ccy="{ccy}">{amount}</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>'
        )
    group_xml = f"<GrpSts>{group}</GrpSts>{_reason(reasons.get('group'))}" if group else ""
    info = ""
    if rows:
        info = (
            f"<OrgnlPmtInfAndSts><OrgnlPmtInfId>{batch.reference}</OrgnlPmtInfId>"
            + "".join(rows)
            + "</OrgnlPmtInfAndSts>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<Document xmlns="{namespace(PAIN002)}">\n<CstmrPmtStsRpt>\n'
        f"<GrpHdr><MsgId>{msg_id}</MsgId><CreDtTm>2026-02-03T10:00:00</CreDtTm>"
        "<InitgPty><Nm>ICBC</Nm></InitgPty></GrpHdr>\n"
        f"<OrgnlGrpInfAndSts><OrgnlMsgId>{original or batch.reference}</OrgnlMsgId>"
        f"<OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>{group_xml}</OrgnlGrpInfAndSts>\n"
        f"{info}\n</CstmrPmtStsRpt>\n</Document>\n"
    ).encode()


def keys(batch) -> list[str]:
    return [t.idempotency_key for t in batch.transfers.order_by("pk")]


def snapshot():
    return (
        list(Transfer.objects.order_by("pk").values_list("state", flat=True)),
        Entry.objects.count(),
        TransferStateChange.objects.count(),
        BankReturnImport.objects.count(),
        list(PayoutBatch.objects.order_by("pk").values_list("state", flat=True)),
    )


@pytest.mark.django_db
def test_an_accepted_report_pays_the_batch_and_completes_the_run(admin_user):
    batch = written_batch()
    total = batch.transfers.aggregate(s=Sum("amount"))["s"]
    assert balance("cash_in_transit") == -total

    summary = bank_return_import(
        data=pain002(batch, group="ACSC"), filename="/in/sts.xml", user=admin_user
    )

    assert (summary.paid, summary.rejected, summary.pending, summary.unchanged) == (3, 0, 0, 0)
    assert str(summary) == (
        f"sts.xml: report STS-0001 for batch {batch.reference}: 3 paid, 0 rejected, "
        "0 still pending, 0 already up to date."
    )
    assert set(batch.transfers.values_list("state", flat=True)) == {"paid"}
    batch.refresh_from_db()
    assert (batch.state, batch.settled_by) == ("settled", admin_user)
    assert PayoutRun.objects.get(pk=batch.run_id).state == "completed"
    assert balance("cash_in_transit") == 0 and balance("bank") == -total
    assert balance("creator_payable") == 0
    assert set(Earning.objects.values_list("state", flat=True)) == {"paid"}
    change = TransferStateChange.objects.filter(to_state="paid").first()
    assert change.actor == admin_user
    record = BankReturnImport.objects.get()
    assert (record.filename, record.message, record.message_id) == ("sts.xml", PAIN002, "STS-0001")
    assert (record.batch, record.imported_by) == (batch, admin_user)
    assert record.summary["paid"] == 3 and len(record.summary["transfers"]) == 3
    call_command("ledger_check")


@pytest.mark.django_db
def test_a_rejected_transfer_fails_with_the_banks_reason_and_is_payable_again():
    batch = written_batch(creators=1)
    [key] = keys(batch)
    transfer = batch.transfers.get()
    report = pain002(
        batch, {key: "RJCT"}, reasons={key: ("AC04", "Account closed", "by the holder")}
    )

    summary = bank_return_import(data=report, filename="rjct.xml")

    assert (summary.paid, summary.rejected) == (0, 1)
    transfer.refresh_from_db()
    assert transfer.state == "failed"
    assert transfer.reason == "Bank rejected the payment: AC04: Account closed by the holder"
    assert transfer.state_changes.last().reason == transfer.reason
    # The money is owed to the creator again; nothing in transit, nothing left the bank.
    assert balance("creator_payable", creator=transfer.creator) == -transfer.amount
    assert balance("cash_in_transit") == 0 and balance("bank") == 0
    assert Entry.objects.filter(reference=f"transfer:{transfer.pk}:failed").exists()
    assert set(Earning.objects.values_list("state", flat=True)) == {"in_run"}
    assert PayoutRun.objects.get(pk=batch.run_id).state == "completed"
    call_command("ledger_check")


@pytest.mark.django_db
def test_a_mixed_report_pays_rejects_and_waits_then_a_later_report_finishes():
    batch = written_batch()
    first, second, third = batch.transfers.order_by("pk")
    report = pain002(
        batch,
        {first.idempotency_key: "ACSC", second.idempotency_key: "RJCT"},
        reasons={second.idempotency_key: ("AM04",)},
    )
    report = report.replace(
        b"</OrgnlPmtInfAndSts>",
        f"<TxInfAndSts><OrgnlEndToEndId>{third.idempotency_key}</OrgnlEndToEndId>"
        "<TxSts>PDNG</TxSts></TxInfAndSts></OrgnlPmtInfAndSts>".encode(),
    )

    summary = bank_return_import(data=report, filename="mixed.xml")

    assert (summary.paid, summary.rejected, summary.pending, summary.unchanged) == (1, 1, 1, 0)
    states = dict(batch.transfers.values_list("pk", "state"))
    assert states == {first.pk: "paid", second.pk: "failed", third.pk: "submitted"}
    second.refresh_from_db()
    assert second.reason == "Bank rejected the payment: AM04: Insufficient funds"
    batch.refresh_from_db()
    assert batch.state == "written"
    assert PayoutRun.objects.get(pk=batch.run_id).state == "sending"
    assert balance("cash_in_transit") == -third.amount
    assert balance("bank") == -first.amount
    assert balance("creator_payable") == -second.amount
    call_command("ledger_check")

    # The bank's next report settles the last one; statuses already applied are no-ops.
    later = pain002(
        batch,
        {first.idempotency_key: "ACSC", third.idempotency_key: "ACCP"},
        msg_id="STS-0002",
    )
    summary = bank_return_import(data=later, filename="later.xml")
    assert (summary.paid, summary.rejected, summary.pending, summary.unchanged) == (1, 0, 0, 1)
    batch.refresh_from_db()
    assert batch.state == "settled"
    assert PayoutRun.objects.get(pk=batch.run_id).state == "completed"
    assert balance("cash_in_transit") == 0
    assert balance("bank") == -first.amount - third.amount
    call_command("ledger_check")


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing_and_says_so():
    batch = written_batch(creators=2)
    report = pain002(batch, group="ACSC")
    first = bank_return_import(data=report, filename="sts.xml")
    before = snapshot()

    again = bank_return_import(data=report, filename="sts-copy.xml")

    assert again.duplicate and again.import_id == first.import_id
    assert str(again).startswith(f"sts-copy.xml was already imported (import {first.import_id}, ")
    assert str(again).endswith("): nothing changed.")
    assert snapshot() == before


@pytest.mark.django_db
def test_an_unknown_end_to_end_id_rejects_the_whole_file():
    batch = written_batch(creators=2)
    before = snapshot()
    report = pain002(batch, {keys(batch)[0]: "ACSC"}, extra_ids={"payout-transfer-999999": "ACSC"})

    with pytest.raises(BankReturnError) as error:
        bank_return_import(data=report, filename="sts.xml")

    assert str(error.value) == (
        f"Transaction payout-transfer-999999 is not a transfer of batch {batch.reference}."
    )
    assert snapshot() == before


@pytest.mark.django_db
def test_a_report_for_another_message_or_an_unwritten_batch_is_refused():
    batch = written_batch(creators=1)
    before = snapshot()
    with pytest.raises(BankReturnError, match="answers message PB404-2026-01, which is none"):
        bank_return_import(
            data=pain002(batch, group="ACSC", original="PB404-2026-01"), filename="x"
        )
    other = pain002(batch, group="ACSC").replace(b"pain.001.001.03<", b"pain.008.001.02<")
    with pytest.raises(BankReturnError, match="answers a pain.008.001.02 message"):
        bank_return_import(data=other, filename="x")
    foreign = pain002(batch, {keys(batch)[0]: "ACSC"}).replace(
        f"<OrgnlPmtInfId>{batch.reference}<".encode(), b"<OrgnlPmtInfId>OTHER-1<"
    )
    with pytest.raises(BankReturnError, match="payment information OTHER-1 is not part"):
        bank_return_import(data=foreign, filename="x")
    assert snapshot() == before


@pytest.mark.django_db
def test_a_rejection_of_a_transfer_already_paid_is_refused():
    batch = written_batch(creators=2)
    payout_batch_settle(batch=batch)
    before = snapshot()
    key = keys(batch)[1]
    with pytest.raises(BankReturnError) as error:
        bank_return_import(data=pain002(batch, {key: "RJCT"}), filename="late.xml")
    transfer_id = key.rsplit("-", 1)[1]
    assert str(error.value) == (
        f"Transaction {key} (transfer {transfer_id}) is paid; the report says RJCT."
    )
    assert snapshot() == before
    # ... while confirming what the bank already did is fine, and changes nothing.
    summary = bank_return_import(data=pain002(batch, group="ACSC"), filename="ok.xml")
    assert (summary.paid, summary.unchanged) == (0, 2)


@pytest.mark.django_db
def test_invalid_xml_is_refused_with_the_line_and_nothing_changes():
    batch = written_batch(creators=1)
    before = snapshot()
    with pytest.raises(BankReturnError, match=r"^bad.xml: .*not well-formed XML: line 4"):
        bank_return_import(data=pain002(batch, group="ACSC")[:200], filename="bad.xml")
    invalid = pain002(batch, {keys(batch)[0]: "DONE"})
    with pytest.raises(BankReturnError) as error:
        bank_return_import(data=invalid, filename="bad.xml")
    assert "line 6, /Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts/TxInfAndSts/TxSts" in str(
        error.value
    )
    with pytest.raises(
        BankReturnError,
        match="not a pain.002.001.03 / camt.054.001.02 message: its root is Document "
        "in namespace urn:iso:std:iso:20022:tech:xsd:pain.001.001.03",
    ):
        bank_return_import(data=Path(batch.xml_path).read_bytes(), filename="ours.xml")
    assert snapshot() == before


@pytest.mark.django_db
def test_the_command_prints_one_line_and_refuses_bad_input(tmp_path, capsys):
    batch = written_batch(creators=2)
    good = tmp_path / "sts.xml"
    good.write_bytes(pain002(batch, group="ACSC"))

    call_command("payout_bank_return", str(good))
    out = capsys.readouterr().out
    assert out == (
        f"sts.xml: report STS-0001 for batch {batch.reference}: 2 paid, 0 rejected, "
        "0 still pending, 0 already up to date.\n"
    )
    call_command("payout_bank_return", str(good))
    assert "already imported" in capsys.readouterr().out

    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<Document>")
    with pytest.raises(CommandError) as error:
        call_command("payout_bank_return", str(bad))
    assert "\n" not in str(error.value)
    assert str(error.value).startswith(
        "bad.xml: The pain.002.001.03 / camt.054.001.02 document is not well-formed"
    )
    with pytest.raises(CommandError, match="Cannot read .*missing.xml: No such file"):
        call_command("payout_bank_return", str(tmp_path / "missing.xml"))
    with pytest.raises(CommandError, match="Unknown user 'nobody'"):
        call_command("payout_bank_return", str(good), user="nobody")


@pytest.mark.django_db
def test_finance_uploads_a_report_and_sees_the_summary(admin_client, client, django_user_model):
    batch = written_batch(creators=2)
    url = reverse("finance-bank-returns")
    assert url == "/finance/bank-returns/"
    before = snapshot()

    bad = SimpleUploadedFile("bad.xml", b"<Document>", content_type="text/xml")
    response = admin_client.post(url, {"file": bad})
    assert response.status_code == 200
    assert (
        "bad.xml: The pain.002.001.03 / camt.054.001.02 document is not well-formed"
        in response.content.decode()
    )
    assert snapshot() == before

    good = SimpleUploadedFile("sts.xml", pain002(batch, group="ACSC"), content_type="text/xml")
    response = admin_client.post(url, {"file": good}, follow=True)
    page = response.content.decode()
    assert f"sts.xml: report STS-0001 for batch {batch.reference}: 2 paid" in page
    assert "<td>sts.xml</td>" in page
    assert set(batch.transfers.values_list("state", flat=True)) == {"paid"}
    assert BankReturnImport.objects.get().imported_by.is_superuser

    clerk = django_user_model.objects.create_user("clerk", password="pw", is_staff=True)
    client.force_login(clerk)
    assert client.get(url).status_code == 403


def camt054(returns, *, msg_id: str = "NTF-0001") -> bytes:
    """A camt.054 notification booking ``returns`` [(transfer, amount, reason code)] as
    credits back to our account, plus one unrelated debit entry."""
    entries = []
    code = "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly>"
    code += "</Domn></BkTxCd>"
    for transfer, amount, reason in returns:
        entries.append(
            f'<Ntry><Amt Ccy="CNY">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
            f"{code}<NtryDtls><TxDtls><Refs><EndToEndId>{transfer.idempotency_key}</EndToEndId>"
            f'</Refs><AmtDtls><TxAmt><Amt Ccy="CNY">{amount}</Amt></TxAmt></AmtDtls>'
            f"<RtrInf><Rsn><Cd>{reason}</Cd></Rsn></RtrInf></TxDtls></NtryDtls></Ntry>"
        )
    entries.append(
        f'<Ntry><Amt Ccy="CNY">12.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>{code}</Ntry>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02">\n'
        f"<BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>{msg_id}</MsgId>"
        "<CreDtTm>2026-02-10T09:00:00</CreDtTm></GrpHdr>\n"
        "<Ntfctn><Id>N1</Id><CreDtTm>2026-02-10T09:00:00</CreDtTm>"
        "<Acct><Id><Othr><Id>6222000000000000</Id></Othr></Id></Acct>\n"
        + "\n".join(entries)
        + "\n</Ntfctn></BkToCstmrDbtCdtNtfctn>\n</Document>\n"
    ).encode()


@pytest.mark.django_db
def test_a_camt054_return_makes_a_paid_transfer_payable_again(admin_user):
    batch = written_batch(creators=2)
    bank_return_import(data=pain002(batch, group="ACSC"), filename="sts.xml")
    first, second = batch.transfers.order_by("pk")

    notification = camt054([(first, f"{first.amount:.2f}", "AC04")])
    summary = bank_return_import(data=notification, filename="ntf.xml", user=admin_user)

    assert str(summary) == (
        "ntf.xml: notification NTF-0001: 1 returned, 0 already returned, 1 other entries ignored."
    )
    first.refresh_from_db()
    assert first.state == "returned"
    assert first.reason == "Bank returned the payment: AC04: Closed account number"
    assert first.state_changes.last().actor == admin_user
    assert balance("creator_payable", creator=first.creator) == -first.amount
    assert balance("creator_payable", creator=second.creator) == 0
    assert balance("bank") == -second.amount and balance("cash_in_transit") == 0
    assert set(Earning.objects.filter(creator=first.creator).values_list("state", flat=True)) == {
        "in_run"
    }
    call_command("ledger_check")

    assert bank_return_import(data=notification, filename="ntf.xml").duplicate
    again = bank_return_import(
        data=camt054([(first, f"{first.amount:.2f}", "AC04")], msg_id="NTF-0002"),
        filename="ntf2.xml",
    )
    assert (again.returned, again.unchanged) == (0, 1)
    call_command("ledger_check")


@pytest.mark.django_db
def test_a_camt054_return_of_an_unpaid_unknown_or_partial_transfer_is_refused():
    batch = written_batch(creators=2)
    first, second = batch.transfers.order_by("pk")
    before = snapshot()
    with pytest.raises(BankReturnError, match="is submitted; only a paid transfer can be"):
        bank_return_import(data=camt054([(first, f"{first.amount:.2f}", "AC04")]), filename="n")
    assert snapshot() == before

    bank_return_import(data=pain002(batch, group="ACSC"), filename="sts.xml")
    before = snapshot()
    partial = camt054([(first, "1.00", "AC04")])
    with pytest.raises(BankReturnError, match="returns 1.00 CNY of transfer .* partial return"):
        bank_return_import(data=partial, filename="n")
    unknown = camt054([(second, f"{second.amount:.2f}", "AC04")]).replace(
        second.idempotency_key.encode(), b"payout-transfer-999999"
    )
    with pytest.raises(BankReturnError, match="payout-transfer-999999 is none of our bank"):
        bank_return_import(data=unknown, filename="n")
    assert snapshot() == before


# --- Encodings (issue #12: a UTF-16 pain.002 was a 500) -------------------------------------


def _as_utf16(data: bytes, codec: str) -> bytes:
    text = data.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    bom = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[codec]
    return bom + text.encode(codec)


@pytest.mark.django_db
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_report_is_decoded_by_its_bom_and_imported(codec):
    batch = written_batch(creators=2)
    data = _as_utf16(pain002(batch, group="ACSC"), codec)
    summary = bank_return_import(data=data, filename="sts16.xml")
    assert (summary.paid, summary.rejected) == (2, 0)
    assert set(batch.transfers.values_list("state", flat=True)) == {"paid"}
    stored = BankReturnImport.objects.get()
    assert stored.sha256 == summary.sha256 and "\x00" not in stored.content
    # Kept as text (the declaration now says what the text column holds).
    assert stored.content == pain002(batch, group="ACSC").decode()


@pytest.mark.django_db
def test_a_utf8_report_with_a_bom_is_imported():
    batch = written_batch(creators=1)
    summary = bank_return_import(data=b"\xef\xbb\xbf" + pain002(batch, group="ACSC"), filename="b")
    assert summary.paid == 1


@pytest.mark.django_db
def test_undecodable_files_are_refused_with_one_sentence_and_nothing_changes(tmp_path):
    batch = written_batch(creators=1)
    good = pain002(batch, group="ACSC")
    before = snapshot()
    cases = {
        "latin.xml": (
            good.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"'),
            "declares the encoding ISO-8859-1; send it as UTF-8 or UTF-16",
        ),
        "broken.xml": (good.replace(b"ICBC", b"IC\xffBC"), "not valid UTF-8 text (byte"),
        "mixed.xml": (
            b"\xff\xfe" + good.decode().encode("utf-16-le"),
            "declares UTF-8 but is encoded as UTF-16-LE",
        ),
        "odd16.xml": (_as_utf16(good, "utf-16-le")[:-1], "not valid UTF-16-LE text"),
        "utf32.xml": (b"\xff\xfe\x00\x00" + good.decode().encode("utf-32-le"), "UTF-32"),
        "nul.xml": (good.replace(b"ICBC", b"IC\x00BC"), "NUL"),
    }
    for name, (data, message) in cases.items():
        with pytest.raises(BankReturnError, match=re.escape(message)):
            bank_return_import(data=data, filename=name)
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(CommandError) as error:
            call_command("payout_bank_return", str(path))
        assert "\n" not in str(error.value) and str(error.value).startswith(f"{name}: ")
    assert snapshot() == before


@pytest.mark.django_db
def test_the_upload_form_refuses_an_undecodable_file_as_a_field_error(admin_client):
    batch = written_batch(creators=1)
    before = snapshot()
    data = pain002(batch, group="ACSC").replace(b"ICBC", b"IC\xffBC")
    upload = SimpleUploadedFile("broken.xml", data, content_type="text/xml")
    response = admin_client.post(reverse("finance-bank-returns"), {"file": upload})
    assert response.status_code == 200
    assert "broken.xml: The file is not valid UTF-8 text" in response.content.decode()
    assert snapshot() == before
    good = _as_utf16(pain002(batch, group="ACSC"), "utf-16-le")
    upload = SimpleUploadedFile("sts16.xml", good, content_type="text/xml")
    response = admin_client.post(reverse("finance-bank-returns"), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert set(batch.transfers.values_list("state", flat=True)) == {"paid"}
