"""Rail ``bank_file``: ISO 20022 pain.001 bank files (agencies and personal accounts).

Route: the agency's bank account, or the creator's own (``agencies.personal``: holder
name, else legal name, else display name; bank code BIC or CNAPS). A creator whose values
live in a regional store (issue #17) is routed to a masked destination (the global
database never holds the number); the files are built with the account read from the
store, for the whole batch at once (one look-up per store). A run's bank-file
transfers form one ``PayoutBatch``: a pain.001.001.03 XML (validated against the official
XSD before it is written, ``payouts.iso20022``) and a CSV under
``PAYOUT_BANK_FILE_DIR``; writing the files makes the transfers ``submitted``;
``payout_batch_settle`` (finance) or the bank's pain.002 status report
(``payouts.bank_returns``) makes them ``paid`` or ``failed``; a camt.054 return
``returned``. The return-file import is ``RETURNS`` below.
"""

from __future__ import annotations

import os
import re
import tempfile
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agencies.personal import CreatorPersonal, creators_personal_get_many
from agencies.validators import id_number_mask
from tax.exports import csv_bytes

from ..errors import TransferError
from ..iso20022 import PAIN001, xml_validate
from ..lifecycle import run_complete_if_done, run_reference, transfer_paid, transfer_submitted
from ..models import PayoutBatch, Transfer
from ..states import BATCHES, state_move
from . import Route

CODE = "bank_file"
LABEL = gettext_lazy("Bank file (ISO 20022 pain.001)")
PAYS_CREATORS = True
RETURNS = "payouts.bank_returns.bank_return_import"
T = Transfer.State
PAIN001_NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
_IBAN_RE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def route_agency(agency) -> Route:
    if not agency.bank_account_number:
        return Route(CODE, held=_("The agency has no bank account number."), hold="account")
    return Route(CODE, agency.bank_account_number)


def route_creator(personal: CreatorPersonal) -> Route:
    """Personal accounts are Chinese bank accounts (or IBANs) paid by bank file: Stripe
    Connect does not serve mainland China, and a creator has no connected account."""
    number = personal.payout_account_number.replace(" ", "")
    if not number:
        return Route(
            CODE,
            held=_("The creator has no personal payout account number on file."),
            hold="account",
        )
    return Route(CODE, id_number_mask(number) if personal.regional else number)


def submit(*, transfer: Transfer) -> None:
    """Write the transfer's batch (once: every transfer of the batch is submitted)."""
    _batch_write(batch_id=transfer.batch_id)


def batch_create(*, run, reference: str) -> PayoutBatch:
    # The pain.001 MsgId and PmtInfId are Max35Text, and the model column is 35 wide.
    if len(reference) > 35:
        raise TransferError(
            _("Batch reference %(ref)s is longer than 35 characters.") % {"ref": reference}
        )
    return PayoutBatch.objects.create(run=run, reference=reference)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def payees_resolve(transfers: list[Transfer]) -> dict[int, tuple[str, str, str]]:
    """transfer id -> (account holder's name, account, bank code) of its payee, an agency or
    a creator; creators' values through ``agencies.personal``, one look-up per store."""
    personal = creators_personal_get_many(
        creators=[t.creator for t in transfers if t.creator_id and not t.agency_id]
    )
    payees = {}
    for t in transfers:
        if t.agency_id:
            agency = t.agency
            name = agency.bank_account_name or agency.legal_name
            payees[t.pk] = (name, t.destination, agency.bank_code)
            continue
        values = personal[t.creator_id]
        # A regional creator's destination is a mask: the account comes from the store.
        account = values.payout_account_number if values.regional else t.destination
        payees[t.pk] = (values.payee_name, account.replace(" ", ""), values.payout_bank_code)
    return payees


def pain001_build(*, batch: PayoutBatch, transfers: list[Transfer], now, payees=None) -> bytes:
    """ISO 20022 pain.001.001.03 (customer credit transfer initiation) for the batch;
    ``payees`` from ``payees_resolve`` (resolved here when not given)."""
    payees = payees if payees is not None else payees_resolve(transfers)
    total = sum((t.amount for t in transfers), Decimal(0))
    ET.register_namespace("", PAIN001_NS)
    q = f"{{{PAIN001_NS}}}"
    root = ET.Element(f"{q}Document")
    init = ET.SubElement(root, f"{q}CstmrCdtTrfInitn")

    def sub(parent, tag, text=None, **attrib):
        return _sub(parent, f"{q}{tag}", text, **attrib)

    header = sub(init, "GrpHdr")
    sub(header, "MsgId", batch.reference)
    sub(header, "CreDtTm", timezone.localtime(now).replace(microsecond=0, tzinfo=None).isoformat())
    sub(header, "NbOfTxs", str(len(transfers)))
    sub(header, "CtrlSum", f"{total:.2f}")
    sub(sub(header, "InitgPty"), "Nm", settings.PAYOUT_DEBTOR_NAME[:140])
    info = sub(init, "PmtInf")
    sub(info, "PmtInfId", batch.reference)
    sub(info, "PmtMtd", "TRF")
    sub(info, "NbOfTxs", str(len(transfers)))
    sub(info, "CtrlSum", f"{total:.2f}")
    sub(info, "ReqdExctnDt", timezone.localdate(now).isoformat())
    sub(sub(info, "Dbtr"), "Nm", settings.PAYOUT_DEBTOR_NAME[:140])
    _ns_account(sub(info, "DbtrAcct"), settings.PAYOUT_DEBTOR_ACCOUNT, q)
    _ns_agent(sub(info, "DbtrAgt"), settings.PAYOUT_DEBTOR_BANK_CODE, q)
    for t in transfers:
        name, account, bank_code = payees[t.pk]
        tx = sub(info, "CdtTrfTxInf")
        sub(sub(tx, "PmtId"), "EndToEndId", t.idempotency_key[:35])
        sub(sub(tx, "Amt"), "InstdAmt", f"{t.amount:.2f}", Ccy=t.currency)
        _ns_agent(sub(tx, "CdtrAgt"), bank_code, q)
        sub(sub(tx, "Cdtr"), "Nm", name[:140])
        _ns_account(sub(tx, "CdtrAcct"), account, q)
        sub(sub(tx, "RmtInf"), "Ustrd", f"{batch.reference} {run_reference(t.run)}"[:140])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _ns_account(parent: ET.Element, number: str, q: str) -> None:
    ident = ET.SubElement(parent, f"{q}Id")
    number = (number or "").replace(" ", "")
    if _IBAN_RE.fullmatch(number):
        ET.SubElement(ident, f"{q}IBAN").text = number
    else:
        ET.SubElement(ET.SubElement(ident, f"{q}Othr"), f"{q}Id").text = number[:34]


def _ns_agent(parent: ET.Element, code: str, q: str) -> None:
    fin = ET.SubElement(parent, f"{q}FinInstnId")
    if re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?", code or ""):
        ET.SubElement(fin, f"{q}BIC").text = code
    elif code:  # e.g. a CNAPS code
        member = ET.SubElement(ET.SubElement(fin, f"{q}ClrSysMmbId"), f"{q}MmbId")
        member.text = code[:35]
    else:
        ET.SubElement(ET.SubElement(fin, f"{q}Othr"), f"{q}Id").text = "NOTPROVIDED"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def _csv_build(*, batch: PayoutBatch, transfers: list[Transfer], payees=None) -> bytes:
    """The batch as CSV: UTF-8 with a BOM (Excel reads the Chinese payee names) and cells
    neutralised against formula injection, like every CSV we write (``tax.exports``)."""
    payees = payees if payees is not None else payees_resolve(transfers)
    headers = ["end_to_end_id", "payee", "account", "bank_code", "amount", "currency", "reference"]
    rows = []
    for t in transfers:
        name, account, bank_code = payees[t.pk]
        row = [t.idempotency_key, name, account, bank_code]
        rows.append(row + [f"{t.amount:.2f}", t.currency, batch.reference])
    return csv_bytes(headers=headers, rows=rows)


def _batch_write(*, batch_id: int) -> None:
    """Write the batch's pain.001 and CSV files once; its transfers become submitted."""
    with transaction.atomic():
        batch = PayoutBatch.objects.select_for_update().get(pk=batch_id)
        if batch.state != PayoutBatch.State.OPEN:
            return
        transfers = list(
            batch.transfers.filter(state=T.PENDING).select_related("agency", "creator", "run")
        )
        now = timezone.now()
        directory = Path(settings.PAYOUT_BANK_FILE_DIR)
        xml_path = directory / f"{batch.reference}.xml"
        csv_path = directory / f"{batch.reference}.csv"
        payees = payees_resolve(transfers)
        xml = pain001_build(batch=batch, transfers=transfers, now=now, payees=payees)
        xml_validate(message=PAIN001, data=xml)  # invalid: raises, nothing is written
        _write_atomic(xml_path, xml)
        _write_atomic(csv_path, _csv_build(batch=batch, transfers=transfers, payees=payees))
        for t in transfers:
            transfer_submitted(
                transfer=t, external_reference=f"{batch.reference}/{t.idempotency_key}"
            )
        state_move(
            machine=BATCHES,
            obj=batch,
            to_state=PayoutBatch.State.WRITTEN,
            now=now,
            values={"xml_path": str(xml_path), "csv_path": str(csv_path)},
        )


def payout_batch_settle(*, batch: PayoutBatch, user=None) -> PayoutBatch:
    """Finance confirms the bank paid the batch: its submitted transfers become paid."""
    with transaction.atomic():
        locked = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != PayoutBatch.State.WRITTEN:
            raise TransferError(
                _("Only a written batch can be settled; this one is %(state)s.")
                % {"state": locked.state}
            )
        for t in locked.transfers.filter(state=T.SUBMITTED).select_related("run"):
            transfer_paid(transfer=t, actor=user)
        state_move(machine=BATCHES, obj=locked, to_state=PayoutBatch.State.SETTLED, actor=user)
        run_complete_if_done(run_id=locked.run_id)
    return locked
