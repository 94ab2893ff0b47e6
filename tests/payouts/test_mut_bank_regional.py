"""The bank-file rail for a creator whose account lives in a regional store (issue #17):
the transfer keeps a mask, the files carry the account read from the store (issue #18)."""

import csv
import io

import pytest
from lxml import etree

from payouts.iso20022 import PAIN001, namespace
from payouts.models import Transfer
from payouts.rails.bank_file import _csv_build, pain001_build
from payouts.runs import payout_run_approve, payout_run_compute
from payouts.transfers import payout_run_send, transfer_submit

from .factories import at, earning_make
from .test_residency_creators import HOLDER, IBAN, us_creator

pytestmark = pytest.mark.django_db(databases="__all__")
NS = {"p": namespace(PAIN001)}


@pytest.fixture(autouse=True)
def bank_dir(settings, tmp_path):
    settings.PAYOUT_BANK_FILE_DIR = str(tmp_path / "bank")


def test_a_regional_creator_is_routed_to_a_mask_and_paid_to_the_stored_account():
    creator = us_creator()
    creator.payout_agency, creator.payout_kind = None, ""
    earning_make(creator, "3000.00", when=at(2026, 1, 10))
    run = payout_run_compute(period="2026-01", personal=True)
    run = payout_run_send(run=payout_run_approve(run=run, user=None))
    transfer = Transfer.objects.get(run=run, creator=creator)
    assert (transfer.state, transfer.destination) == ("pending", "*" * 18 + IBAN[-4:])
    transfers = [transfer]
    root = etree.fromstring(
        pain001_build(batch=transfer.batch, transfers=transfers, now=at(2026, 2))
    )
    tx = root.find("p:CstmrCdtTrfInitn/p:PmtInf/p:CdtTrfTxInf", NS)
    assert tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) == IBAN
    assert tx.findtext("p:Cdtr/p:Nm", namespaces=NS) == HOLDER
    rows = list(
        csv.DictReader(
            io.StringIO(_csv_build(batch=transfer.batch, transfers=transfers).decode("utf-8-sig"))
        )
    )
    assert [(r["payee"], r["account"], r["bank_code"]) for r in rows] == [
        (HOLDER, IBAN, "BUKBGB22")
    ]
    assert transfer_submit(transfer_id=transfer.pk) == "submitted"
