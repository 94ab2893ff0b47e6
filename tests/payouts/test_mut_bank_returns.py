"""Bank return files (``payouts.bank_returns``): every status, reason and refusal in the
bank's and our own words (issue #18: mutation testing)."""

import hashlib
import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone, translation

from payouts.bank_returns import BankReturnError, bank_return_import
from payouts.models import BankReturnImport, PayoutBatch, Transfer
from payouts.transfers import payout_batch_settle

from .test_bank_returns import camt054, keys, pain002, snapshot, written_batch


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def bank_dir(settings, tmp_path):
    settings.PAYOUT_BANK_FILE_DIR = str(tmp_path / "bank")


def refused(data: bytes, filename: str = "x.xml") -> str:
    before = snapshot()
    with pytest.raises(BankReturnError) as info:
        bank_return_import(data=data, filename=filename)
    assert snapshot() == before
    return str(info.value)


REASON_TEXTS = {
    "AC01": "Incorrect account number",
    "AC04": "Closed account number",
    "AC06": "Blocked account",
    "AG01": "Transaction forbidden",
    "AM04": "Insufficient funds",
    "AM05": "Duplication",
    "BE04": "Missing creditor address",
    "MD07": "End customer deceased",
    "MS02": "Not specified reason customer generated",
    "MS03": "Not specified reason agent generated",
    "RC01": "Bank identifier incorrect",
    "RR04": "Regulatory reason",
}


@pytest.mark.django_db
def test_each_known_reason_code_is_spelled_out_when_the_bank_gives_no_text():
    codes = [*REASON_TEXTS, "ZZ01"]
    batch = written_batch(creators=len(codes))
    statuses = dict.fromkeys(keys(batch), "RJCT")
    reasons = {key: (code,) for key, code in zip(keys(batch), codes, strict=True)}
    summary = bank_return_import(data=pain002(batch, statuses, reasons=reasons), filename="r")
    assert summary.rejected == len(codes)
    reasons_stored = list(batch.transfers.order_by("pk").values_list("reason", flat=True))
    assert reasons_stored == [
        *(f"Bank rejected the payment: {code}: {text}" for code, text in REASON_TEXTS.items()),
        "Bank rejected the payment: ZZ01",  # an unknown code, no text: the code alone
    ]
    assert [t["reason"] for t in summary.transfers][-1] == "ZZ01"
    assert summary.transfers[0] == {
        "transfer": batch.transfers.order_by("pk").first().pk,
        "end_to_end_id": keys(batch)[0],
        "status": "RJCT",
        "reason": "AC01: Incorrect account number",
        "outcome": "rejected",
    }


@pytest.mark.django_db
def test_a_proprietary_reason_or_a_text_alone_is_kept():
    batch = written_batch(creators=3)
    first, second, third = keys(batch)
    report = pain002(
        batch,
        {first: "RJCT", second: "RJCT", third: "RJCT"},
        reasons={first: ("XX01",), second: ("AC04", " ", "holder  moved "), third: ("AC01",)},
    )
    report = report.replace(b"<Cd>XX01</Cd>", b"<Prtry>BANK-17</Prtry>")
    # The third: additional text only, no code.
    report = report.replace(b"<Rsn><Cd>AC01</Cd></Rsn>", b"").replace(
        b"<StsRsnInf></StsRsnInf>", b"<StsRsnInf><AddtlInf>Call us</AddtlInf></StsRsnInf>"
    )
    bank_return_import(data=report, filename="r")
    assert list(batch.transfers.order_by("pk").values_list("reason", flat=True)) == [
        "Bank rejected the payment: BANK-17",
        "Bank rejected the payment: AC04: holder  moved",
        "Bank rejected the payment: Call us",
    ]


@pytest.mark.django_db
def test_the_summary_of_an_import_and_of_a_duplicate_in_words(admin_user):
    batch = written_batch(creators=3)
    first, second, third = keys(batch)
    report = pain002(batch, {first: "ACSC", second: "RJCT", third: "PDNG"}, msg_id="STS-9")
    summary = bank_return_import(data=report, filename="C:/in/dir/sts.xml", user=admin_user)
    assert (summary.filename, summary.batch, summary.report_id) == (
        "sts.xml",
        batch.reference,
        "STS-9",
    )
    assert (summary.paid, summary.rejected, summary.pending, summary.unchanged) == (1, 1, 1, 0)
    assert str(summary) == (
        f"sts.xml: report STS-9 for batch {batch.reference}: 1 paid, 1 rejected, "
        "1 still pending, 0 already up to date."
    )
    record = BankReturnImport.objects.get()
    assert record.summary == summary.as_dict()
    assert record.summary["import_id"] == record.pk == summary.import_id
    when = timezone.localtime(record.imported_at).strftime("%Y-%m-%d %H:%M")
    assert summary.imported_at == when
    assert record.content == report.decode()
    # The batch stays written while a transfer is still submitted.
    assert PayoutBatch.objects.get(pk=batch.pk).state == "written"

    again = bank_return_import(data=report, filename="")
    assert (again.duplicate, again.filename, again.batch, again.report_id) == (
        True,
        "return.xml",
        batch.reference,
        "STS-9",
    )
    assert (again.message, again.sha256) == ("pain.002.001.03", record.sha256)
    assert str(again) == (
        f"return.xml was already imported (import {record.pk}, {when}): nothing changed."
    )
    long_name = "n" * 300 + ".xml"
    assert bank_return_import(data=report, filename=long_name).filename == "n" * 255


@pytest.mark.django_db
def test_a_later_report_settles_the_batch_once_nothing_is_submitted():
    batch = written_batch(creators=2)
    first, second = keys(batch)
    bank_return_import(data=pain002(batch, {first: "ACCP", second: "ACTC"}), filename="1")
    assert PayoutBatch.objects.get(pk=batch.pk).state == "written"
    summary = bank_return_import(
        data=pain002(batch, {first: "PDNG", second: "ACWC"}, msg_id="STS-2"), filename="2"
    )
    # A late "pending" never undoes the paid one.
    assert (summary.paid, summary.unchanged, summary.pending) == (1, 1, 0)
    assert set(batch.transfers.values_list("state", flat=True)) == {"paid"}
    assert PayoutBatch.objects.get(pk=batch.pk).state == "settled"


@pytest.mark.django_db
def test_a_rejection_the_transfer_already_has_changes_nothing():
    batch2 = written_batch(creators=1)
    [key] = keys(batch2)
    bank_return_import(data=pain002(batch2, {key: "RJCT"}), filename="3")
    again = bank_return_import(data=pain002(batch2, {key: "RJCT"}, msg_id="S4"), filename="4")
    assert (again.rejected, again.unchanged) == (0, 1)


@pytest.mark.django_db
def test_group_and_payment_information_statuses_cover_the_unlisted_transfers():
    batch = written_batch(creators=3)
    first, second, third = keys(batch)
    # PART says nothing about the unlisted ones: they stay submitted.
    summary = bank_return_import(data=pain002(batch, {first: "ACSC"}, group="PART"), filename="a")
    assert (summary.paid, len(summary.transfers)) == (1, 1)
    states = list(batch.transfers.order_by("pk").values_list("state", flat=True))
    assert states == ["paid", "submitted", "submitted"]
    # The payment information's own status covers the rest, over the group's.
    report = pain002(batch, {second: "RJCT"}, group="ACSC", msg_id="STS-2").replace(
        f"<OrgnlPmtInfId>{batch.reference}</OrgnlPmtInfId>".encode(),
        f"<OrgnlPmtInfId>{batch.reference}</OrgnlPmtInfId><PmtInfSts>PDNG</PmtInfSts>".encode(),
    )
    summary = bank_return_import(data=report, filename="b")
    assert (summary.rejected, summary.pending, summary.unchanged) == (1, 1, 1)
    states = list(batch.transfers.order_by("pk").values_list("state", flat=True))
    assert states == ["paid", "failed", "submitted"]
    # A transaction without a status of its own takes its payment information's.
    report = (
        pain002(batch, {third: "ACSC", second: "RJCT"}, msg_id="STS-3")
        .replace(b"<TxSts>ACSC</TxSts>", b"")
        .replace(
            f"<OrgnlPmtInfId>{batch.reference}</OrgnlPmtInfId>".encode(),
            f"<OrgnlPmtInfId>{batch.reference}</OrgnlPmtInfId><PmtInfSts>ACSC</PmtInfSts>".encode(),
        )
    )
    summary = bank_return_import(data=report, filename="c")
    assert summary.paid == 1
    assert batch.transfers.order_by("pk").last().state == "paid"
    assert PayoutBatch.objects.get(pk=batch.pk).state == "settled"


@pytest.mark.django_db
def test_a_report_that_cannot_be_trusted_is_refused_in_words():
    batch = written_batch(creators=2)
    first, second = keys(batch)
    accepted = pain002(batch, {first: "ACSC"})
    assert refused(accepted.replace(b"pain.001.001.03<", b"camt.054.001.02<")) == (
        "The report answers a camt.054.001.02 message, not one of our pain.001 batch files."
    )
    # The message name is read without regard to case.
    shouting = accepted.replace(b"pain.001.001.03<", b"PAIN.001.001.03<")
    assert bank_return_import(data=shouting, filename="ok").paid == 1
    assert refused(pain002(batch, {second: "ACSC"}, original="PB-NONE")) == (
        "The report answers message PB-NONE, which is none of our batches."
    )
    foreign = pain002(batch, {second: "ACSC"}).replace(
        f"<OrgnlPmtInfId>{batch.reference}<".encode(), b"<OrgnlPmtInfId>PB-OTHER<"
    )
    assert refused(foreign) == (
        f"The report's payment information PB-OTHER is not part of batch {batch.reference}."
    )
    anonymous = pain002(batch, {second: "ACSC"}).replace(
        f"<OrgnlEndToEndId>{second}</OrgnlEndToEndId>".encode(), b""
    )
    assert refused(anonymous) == (
        "A transaction status in the report (line 6) has no OrgnlEndToEndId."
    )
    row = f"<TxInfAndSts><OrgnlEndToEndId>{second}</OrgnlEndToEndId><TxSts>ACSC</TxSts>"
    twice = pain002(batch, {second: "RJCT"}).replace(
        b"</OrgnlPmtInfAndSts>", (row + "</TxInfAndSts></OrgnlPmtInfAndSts>").encode()
    )
    assert refused(twice) == (f"The report gives transaction {second} two statuses: RJCT and ACSC.")
    # The same status twice is no contradiction.
    same = pain002(batch, {second: "ACSC"}).replace(
        b"</OrgnlPmtInfAndSts>", (row + "</TxInfAndSts></OrgnlPmtInfAndSts>").encode()
    )
    assert bank_return_import(data=same, filename="same").paid == 1


@pytest.mark.django_db
def test_a_report_on_an_unwritten_batch_or_a_paid_transfer_is_refused_in_words():
    batch = written_batch(creators=2)
    first, second = keys(batch)
    PayoutBatch.objects.filter(pk=batch.pk).update(state="open")
    assert refused(pain002(batch, {first: "ACSC"})) == (
        f"Batch {batch.reference} has not been written yet; the report cannot answer it."
    )
    PayoutBatch.objects.filter(pk=batch.pk).update(state="written")
    payout_batch_settle(batch=batch)
    pk = Transfer.objects.get(batch=batch, pk=int(second.rsplit("-", 1)[1])).pk
    late = bank_return_import(data=pain002(batch, {second: "PDNG"}, msg_id="S2"), filename="2")
    assert (late.pending, late.unchanged) == (0, 1)
    assert refused(pain002(batch, {second: "RJCT"}, msg_id="S3")) == (
        f"Transaction {second} (transfer {pk}) is paid; the report says RJCT."
    )


@pytest.mark.django_db
def test_a_failed_transfer_cannot_be_reported_paid():
    batch = written_batch(creators=1)
    [key] = keys(batch)
    bank_return_import(data=pain002(batch, {key: "RJCT"}), filename="1")
    pk = batch.transfers.get().pk
    assert refused(pain002(batch, {key: "ACSC"}, msg_id="S2")) == (
        f"Transaction {key} (transfer {pk}) is failed; the report says ACSC."
    )
    summary = bank_return_import(data=pain002(batch, {key: "ACTC"}, msg_id="S3"), filename="3")
    assert (summary.pending, summary.unchanged) == (0, 1)


# --- camt.054 returns --------------------------------------------------------------------------


def _paid_batch(creators: int = 2):
    batch = written_batch(creators=creators)
    bank_return_import(data=pain002(batch, group="ACSC"), filename="sts.xml")
    return batch, list(batch.transfers.order_by("pk"))


@pytest.mark.django_db
def test_a_return_takes_its_amount_from_the_instruction_or_the_entry():
    batch, (first, second) = _paid_batch()
    data = camt054(
        [(first, f"{first.amount:.2f}", "AC04"), (second, f"{second.amount:.2f}", "MS03")]
    )
    # The first gives its amount as instructed, the second only on its entry.
    data = data.replace(b"<TxAmt>", b"<InstdAmt>", 1).replace(b"</TxAmt>", b"</InstdAmt>", 1)
    start = data.rindex(b"<AmtDtls>")
    data = data[:start] + data[data.index(b"</AmtDtls>", start) + len(b"</AmtDtls>") :]
    summary = bank_return_import(data=data, filename="ntf.xml")
    assert (summary.returned, summary.other, summary.report_id) == (2, 1, "NTF-0001")
    assert summary.message == "camt.054.001.02"
    assert [t["reason"] for t in summary.transfers] == [
        "AC04: Closed account number",
        "MS03: Not specified reason agent generated",
    ]
    assert set(Transfer.objects.filter(batch=batch).values_list("state", flat=True)) == {"returned"}
    record = BankReturnImport.objects.latest("id")
    assert (record.message, record.message_id, record.batch) == (
        "camt.054.001.02",
        "NTF-0001",
        None,
    )
    assert record.summary == summary.as_dict()


@pytest.mark.django_db
def test_a_return_without_a_reason_says_so_with_a_dash():
    batch, (first, _second) = _paid_batch()
    data = camt054([(first, f"{first.amount:.2f}", "AC04")]).replace(
        b"<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>", b"<RtrInf/>"
    )
    bank_return_import(data=data, filename="n")
    first.refresh_from_db()
    assert first.reason == "Bank returned the payment: -"


@pytest.mark.django_db
def test_entries_that_are_not_booked_credit_returns_are_counted_and_ignored():
    batch, (first, second) = _paid_batch()
    data = camt054(
        [(first, f"{first.amount:.2f}", "AC04"), (second, f"{second.amount:.2f}", "AC04")]
    )
    # The first is only pending at the bank; the second carries no return information.
    data = data.replace(b"<Sts>BOOK</Sts>", b"<Sts>PDNG</Sts>", 1)
    last = data.rindex(b"<RtrInf>")
    data = data[:last] + data[data.index(b"</RtrInf>", last) + len(b"</RtrInf>") :]
    summary = bank_return_import(data=data, filename="n")
    assert (summary.returned, summary.other) == (0, 3)
    assert str(summary) == (
        "n: notification NTF-0001: 0 returned, 0 already returned, 3 other entries ignored."
    )
    assert set(Transfer.objects.filter(batch=batch).values_list("state", flat=True)) == {"paid"}


@pytest.mark.django_db
def test_a_return_that_cannot_be_matched_is_refused_in_words():
    batch, (first, second) = _paid_batch()
    amount = f"{first.amount:.2f}"
    no_id = camt054([(first, amount, "AC04")]).replace(
        f"<Refs><EndToEndId>{first.idempotency_key}</EndToEndId></Refs>".encode(), b""
    )
    assert refused(no_id) == (
        "A returned transaction in the notification (line 5) has no EndToEndId."
    )
    other_key = camt054([(first, amount, "AC04")]).replace(
        first.idempotency_key.encode(), b"refund-17"
    )
    assert refused(other_key) == "Transaction refund-17 is none of our transfers."
    twice = camt054([(first, amount, "AC04"), (first, amount, "AC04")])
    assert refused(twice) == (
        f"The notification returns transaction {first.idempotency_key} twice."
    )
    no_amount = re.sub(
        rb"<AmtDtls>.*?</AmtDtls>",
        b"",
        camt054([(first, amount, "AC04"), (second, amount, "AC04")]),
    )
    # Two transactions in one entry: the entry's amount is not the transaction's.
    cut = no_amount.index(b"</TxDtls></NtryDtls></Ntry>") + len(b"</TxDtls>")
    no_amount = no_amount[:cut] + no_amount[no_amount.index(b"<NtryDtls>", cut) + 10 :]
    assert refused(no_amount).startswith(f"The returned transaction {first.idempotency_key} (line ")
    assert refused(no_amount).endswith(") gives no amount.")
    dollars = camt054([(first, amount, "AC04")]).replace(b'Ccy="CNY"', b'Ccy="USD"')
    assert refused(dollars) == (
        f"The bank returns {amount} USD of transfer {first.pk}, which was {amount} CNY: "
        "a partial return is not imported; return it by hand."
    )


@pytest.mark.django_db
def test_a_return_of_a_stripe_transfer_is_refused():
    batch, (first, _second) = _paid_batch()
    Transfer.objects.filter(pk=first.pk).update(rail="stripe_connect")
    data = camt054([(first, f"{first.amount:.2f}", "AC04")])
    assert refused(data) == f"Transaction {first.idempotency_key} is none of our bank transfers."


@pytest.mark.django_db
def test_a_partial_payment_information_status_overrides_the_group_for_the_rest():
    batch = written_batch(creators=2)
    first, second = keys(batch)
    report = pain002(batch, {first: "ACSC"}, group="ACSC").replace(
        f"<OrgnlPmtInfId>{batch.reference}</OrgnlPmtInfId>".encode(),
        f"<OrgnlPmtInfId>{batch.reference}</OrgnlPmtInfId><PmtInfSts>PART</PmtInfSts>".encode(),
    )
    summary = bank_return_import(data=report, filename="part.xml")
    assert (summary.paid, len(summary.transfers)) == (1, 1)
    states = list(batch.transfers.order_by("pk").values_list("state", flat=True))
    assert states == ["paid", "submitted"]
    assert PayoutBatch.objects.get(pk=batch.pk).state == "written"


@pytest.mark.django_db
def test_a_transaction_amount_wins_over_its_entry_and_each_transaction_is_read():
    batch, (first, second) = _paid_batch()
    one, two = f"{first.amount:.2f}", f"{second.amount:.2f}"
    # The entry books more than the transaction (fees in the same entry): the transaction's
    # own amount, as given or as instructed, is what is returned.
    data = camt054([(first, one, "AC04"), (second, two, "AC04")])
    data = data.replace(
        f'<Amt Ccy="CNY">{one}</Amt><CdtDbtInd>'.encode(),
        b'<Amt Ccy="CNY">99999.00</Amt><CdtDbtInd>',
        1,
    )
    data = data.replace(
        f'<Amt Ccy="CNY">{two}</Amt><CdtDbtInd>'.encode(),
        b'<Amt Ccy="CNY">88888.00</Amt><CdtDbtInd>',
        1,
    )
    data = data.replace(b"<TxAmt>", b"<InstdAmt>", 1).replace(b"</TxAmt>", b"</InstdAmt>", 1)
    summary = bank_return_import(data=data, filename="fees.xml")
    assert summary.returned == 2
    assert summary.sha256 == hashlib.sha256(data).hexdigest()
    again = bank_return_import(data=data, filename="fees.xml")
    assert (again.duplicate, again.message) == (True, "camt.054.001.02")


@pytest.mark.django_db
def test_a_return_after_another_transaction_in_the_same_entry_is_read():
    batch, (first, second) = _paid_batch()
    amount = f"{second.amount:.2f}"
    data = camt054([(first, f"{first.amount:.2f}", "AC04"), (second, amount, "AC04")])
    # One entry: first a transaction without return information, then the return.
    start = data.index(b"<RtrInf>")
    data = data[:start] + data[data.index(b"</RtrInf>") + len(b"</RtrInf>") :]
    cut = data.index(b"</TxDtls></NtryDtls></Ntry>") + len(b"</TxDtls>")
    data = data[:cut] + data[data.index(b"<NtryDtls>", cut) + len(b"<NtryDtls>") :]
    summary = bank_return_import(data=data, filename="mixed.xml")
    assert (summary.returned, summary.other) == (1, 2)
    assert list(batch.transfers.order_by("pk").values_list("state", flat=True)) == [
        "paid",
        "returned",
    ]


@pytest.mark.django_db
def test_a_duplicate_names_when_the_file_was_first_imported():
    batch = written_batch(creators=1)
    report = pain002(batch, group="ACSC")
    bank_return_import(data=report, filename="sts.xml")
    BankReturnImport.objects.update(imported_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    again = bank_return_import(data=report, filename="sts.xml")
    assert again.imported_at == "2026-01-02 11:04"  # Shanghai time


@pytest.mark.django_db
def test_a_camt_import_is_recorded_with_who_what_and_when(admin_user):
    batch, (first, second) = _paid_batch()
    data = camt054([(first, f"{first.amount:.2f}", "AC04")], msg_id="NTF-9")
    summary = bank_return_import(data=data, filename="ntf.xml", user=admin_user)
    record = BankReturnImport.objects.latest("id")
    assert (record.imported_by, record.message_id, record.content) == (
        admin_user,
        "NTF-9",
        data.decode(),
    )
    assert summary.import_id == record.pk
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", summary.imported_at)
    assert summary.imported_at == timezone.localtime(record.imported_at).strftime("%Y-%m-%d %H:%M")
    assert summary.transfers == [
        {
            "transfer": first.pk,
            "end_to_end_id": first.idempotency_key,
            "reason": "AC04: Closed account number",
            "outcome": "returned",
        }
    ]
    assert record.summary["transfers"] == summary.transfers
    assert first.state_changes.latest("id").actor == admin_user


@pytest.mark.django_db
def test_a_return_of_a_transfer_not_yet_paid_is_refused_in_words():
    batch = written_batch(creators=1)
    transfer = batch.transfers.get()
    data = camt054([(transfer, f"{transfer.amount:.2f}", "AC04")])
    assert refused(data) == (
        f"Transaction {transfer.idempotency_key} (transfer {transfer.pk}) is submitted; only a "
        "paid transfer can be returned (import the bank's status report first)."
    )


@pytest.mark.django_db
def test_who_imported_a_report_is_recorded_on_each_move_it_makes(admin_user):
    batch = written_batch(creators=2)
    paid, rejected = keys(batch)
    bank_return_import(
        data=pain002(batch, {paid: "ACSC", rejected: "RJCT"}), filename="r.xml", user=admin_user
    )
    moves = {
        t.idempotency_key: t.state_changes.order_by("pk").last()
        for t in Transfer.objects.filter(batch=batch)
    }
    assert (moves[paid].to_state, moves[paid].actor) == ("paid", admin_user)
    assert (moves[rejected].to_state, moves[rejected].actor) == ("failed", admin_user)
