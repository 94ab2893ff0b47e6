"""ISO 20022 schema validation: every pain.001 we write is valid; broken ones are refused."""

from pathlib import Path

import pytest
from django.utils import translation

from agencies.models import Agency
from payouts.iso20022 import PAIN001, PAIN002, XmlInvalid, xml_validate
from payouts.models import Entry, PayoutBatch, Transfer
from payouts.runs import payout_run_approve, payout_run_compute
from payouts.tasks import payout_transfer_submit
from payouts.transfers import payout_run_send

from .factories import at, creator_make, earning_make


@pytest.fixture(autouse=True)
def _english():
    # Messages are compared in English, whatever language an earlier test left active.
    with translation.override("en"):
        yield


@pytest.fixture
def bank_dir(settings, tmp_path):
    settings.PAYOUT_BANK_FILE_DIR = str(tmp_path / "bank")
    return tmp_path / "bank"


def bank_agency(account: str) -> Agency:
    return Agency.objects.create(
        code="harbour",
        legal_name="Harbour Talent Ltd",
        country="CN",
        registration_number="91350211M000100Y43",
        share="0.2",
        payout_rail=Agency.Rail.BANK_FILE,
        bank_account_number=account,
        bank_account_name="Harbour Talent Ltd",
        bank_code="ICBKCNBJ",
    )


def sent_run(agency):
    lily, sam = creator_make(agency=agency, kind="service"), creator_make(agency=agency)
    earning_make(lily, "1000.00", when=at(2026, 1))
    earning_make(sam, "500.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", agency=agency)
    return payout_run_send(run=payout_run_approve(run=run, user=None))


@pytest.mark.django_db
@pytest.mark.parametrize("account", ["6222020200001234567", "DE89370400440532013000"])
def test_the_batch_file_of_a_real_run_is_valid_pain001(bank_dir, account):
    run = sent_run(bank_agency(account))
    transfer = Transfer.objects.get(run=run)
    assert payout_transfer_submit.apply(args=[transfer.pk], throw=False).result == "submitted"
    batch = PayoutBatch.objects.get(run=run)
    data = Path(batch.xml_path).read_bytes()
    assert b"<CstmrCdtTrfInitn>" in data
    xml_validate(message=PAIN001, data=data)  # raises if not valid


def written_file(bank_dir) -> bytes:
    run = sent_run(bank_agency("6222020200001234567"))
    payout_transfer_submit.apply(args=[Transfer.objects.get(run=run).pk], throw=False)
    return Path(PayoutBatch.objects.get(run=run).xml_path).read_bytes()


def line_of(data: bytes, needle: bytes) -> int:
    return data[: data.index(needle)].count(b"\n") + 1


@pytest.mark.django_db
def test_a_broken_document_is_refused_with_its_line_and_path(bank_dir):
    data = written_file(bank_dir)
    start = data.index(b"<CtrlSum>")
    end = data.index(b"</CtrlSum>")
    broken = data[:start] + b"<CtrlSum>12,50" + data[end:]
    with pytest.raises(XmlInvalid) as error:
        xml_validate(message=PAIN001, data=broken)
    assert error.value.line == line_of(broken, b"<CtrlSum>")
    assert error.value.path == "/Document/CstmrCdtTrfInitn/GrpHdr/CtrlSum"
    message = str(error.value)
    assert message.startswith("The pain.001.001.03 document is not valid: line ")
    assert "/Document/CstmrCdtTrfInitn/GrpHdr/CtrlSum" in message
    assert "'12,50'" in message and "{urn:iso" not in message

    # A missing required element: the first element after the gap, and what was expected.
    no_debtor = data.replace(b"<Dbtr>", b"<!--", 1).replace(b"</Dbtr>", b"-->", 1)
    with pytest.raises(XmlInvalid) as error:
        xml_validate(message=PAIN001, data=no_debtor)
    assert error.value.path == "/Document/CstmrCdtTrfInitn/PmtInf/DbtrAcct"
    assert "Element 'DbtrAcct': This element is not expected." in str(error.value)
    assert "Dbtr )" in str(error.value)


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"", "is empty"),
        (b"<Document><unclosed></Document>", "not well-formed XML: line 1"),
        (
            b'<?xml version="1.0"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:'
            b'pain.002.001.03"><CstmrPmtStsRpt/></Document>',
            "not a pain.001.001.03 message: its root is Document in namespace "
            "urn:iso:std:iso:20022:tech:xsd:pain.002.001.03 (line 2)",
        ),
        (b"<html><body>error</body></html>", "its root is html in namespace -"),
    ],
)
def test_malformed_and_foreign_documents_are_refused(data, expected):
    with pytest.raises(XmlInvalid) as error:
        xml_validate(message=PAIN001, data=data)
    assert expected in str(error.value)


def test_external_entities_are_never_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03">&x;</Document>'
    ).encode()
    with pytest.raises(XmlInvalid) as error:
        xml_validate(message=PAIN002, data=data)
    assert "declares a DOCTYPE" in str(error.value)
    assert "TOP-SECRET" not in str(error.value)


def test_an_unknown_message_is_refused():
    with pytest.raises(XmlInvalid, match="Unknown ISO 20022 message pain.009"):
        xml_validate(message="pain.009.001.01", data=b"<x/>")


@pytest.mark.django_db
def test_an_invalid_batch_file_is_never_written_and_the_task_fails(bank_dir, monkeypatch):
    run = sent_run(bank_agency("6222020200001234567"))
    transfer = Transfer.objects.get(run=run)
    monkeypatch.setattr(
        # The bank-file builder lives with its rail (issue #14: rails as a registry).
        "payouts.rails.bank_file.pain001_build",
        lambda **kwargs: b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>',
    )
    result = payout_transfer_submit.apply(args=[transfer.pk], throw=False)
    assert isinstance(result.result, XmlInvalid)
    assert "CstmrCdtTrfInitn" in str(result.result)
    transfer.refresh_from_db()
    batch = PayoutBatch.objects.get(run=run)
    assert (transfer.state, batch.state, batch.xml_path) == ("pending", "open", "")
    assert not bank_dir.exists() or not any(bank_dir.iterdir())
    assert not Entry.objects.filter(reference__startswith=f"transfer:{transfer.pk}:").exists()
