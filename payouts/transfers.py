"""Sending an approved payout run: one transfer per payee, through the payee's rail.

Decisions:

- Payee: an agency run pays one transfer to the agency (the sum over its lines of agency
  share + net: the agency pays its creators; tax stays with the platform, which remits
  it); a personal run pays one transfer per creator with a positive net, by ``bank_file``
  to the creator's own account (``Creator.payout_*``: holder name, else legal name, else
  display name; bank code BIC or CNAPS).
- ``payout_run_send`` moves an approved run to ``sending`` and writes every transfer
  (``pending``, one state-change row each) in one transaction before any call; after
  commit one Celery task per open transfer submits it (``payouts.tasks``). A payee with
  no rail or no account details (an agency without its Stripe account id or bank account
  number, a creator without a payout account number) gets a ``held`` transfer with the
  reason; the rest proceed.
- ``stripe_connect``: ``POST /v1/transfers`` (amount in minor units, destination = the
  agency's connected account, ``transfer_group`` = the run's reference) with the
  idempotency key ``payout-transfer-<id>``; a retry (network error, 429, 5xx) reuses it.
  A created Stripe transfer is in the connected account's balance: the transfer goes
  ``submitted`` then ``paid`` at once. A 4xx refusal fails it (from pending: the money
  never left the payable accounts, so no entry is needed; the reason is recorded). When
  the task has used up its retries (``max_retries``) the transfer is failed with the
  reason ("Stripe unreachable after N attempts: ..."), so no transfer stays pending for
  ever and the run completes; the money can then be re-sent.
- ``bank_file``: the run's bank-file transfers form one ``PayoutBatch``: an ISO 20022
  pain.001.001.03 XML (validated against the official XSD before it is written,
  ``payouts.iso20022``) and a CSV under ``PAYOUT_BANK_FILE_DIR``; writing the files makes
  the transfers ``submitted``; ``payout_batch_settle`` (finance, admin action) or the
  bank's pain.002 status report (``payouts.bank_returns``, per transfer through
  ``transfer_settle`` / ``transfer_fail``) makes them ``paid`` or ``failed``; a camt.054
  return, or a Stripe reversal (``payouts.webhooks``), ``returned``.
- Ledger (CNY, references ``transfer:<id>:<step>``, unique): submitted = Dr creator /
  agency payable, Cr cash_in_transit; paid = Dr cash_in_transit, Cr bank; failed after
  submission = Dr cash_in_transit, Cr payable; returned after payment = Dr bank, Cr
  payable. Failed and returned money is thus payable again, with the reason on the
  transfer and its state change.
- Earnings: ``in_run → paid`` when their transfer is paid; a returned transfer moves them
  back ``paid → in_run``. They do not go back to ``available``: their income was taxed
  and accrued in this run's lines, and a new run would tax and accrue it again. The owed
  money stays in the payable accounts until it is re-sent.
- Re-sending (``transfer_resend``): a held, failed or returned transfer is replaced by a
  NEW transfer (``replaces`` = the old one, so a new idempotency key from its own id) of
  the same amount to the same payee, routed with the payee's current rail and account
  details (held again, with the reason, when they are still missing). A bank-file re-send
  goes into a batch of its own (a new file; the run's first file was already handed to
  the bank). A completed run goes back to ``sending`` (recorded) and completes again when
  the new transfer is done; a re-send held again leaves it completed. The old transfer's
  money is already payable again (held: never left; failed and returned: put back), so
  the new one posts like any transfer and the bank is credited once net. One re-send per
  transfer: the old row is locked, a replaced transfer is refused, and the database
  allows one live (pending, submitted, paid) transfer per run and payee.
- The run becomes ``completed`` once no transfer is pending or submitted (held, failed
  and returned transfers are finished for the run, with their reasons); its completion
  reason counts transfers by state, replaced ones as "re-sent".
- Operators: the admin sends approved runs, re-sends transfers and marks paid ones
  returned (with a reason); ``manage.py payout_run ... --send`` sends an approved run and
  ``--resume`` queues its pending transfers again (``payout_transfers_requeue``).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Creator
from commerce.stripe_api import amount_to_minor, stripe_client
from tax.exports import csv_bytes

from .errors import PayoutRunError, TransferError, TransferRetry
from .iso20022 import PAIN001, xml_validate
from .ledger import Account, Leg, ledger_entry_post
from .models import Earning, PayoutBatch, PayoutLine, PayoutRun, Transfer
from .states import (
    BATCHES,
    EARNINGS,
    RUNS,
    TRANSFERS,
    state_move,
    state_record_created,
    states_move,
)
from .tasks import payout_transfer_submit

__all__ = ["TransferError", "TransferRetry"]

logger = logging.getLogger(__name__)

T = Transfer.State
R = PayoutRun.State
OPEN_STATES = (T.PENDING, T.SUBMITTED)
RESENDABLE_STATES = (T.HELD, T.FAILED, T.RETURNED)
PAIN001_NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
_IBAN_RE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def run_reference(run: PayoutRun) -> str:
    who = run.agency.code if run.agency_id else "personal"
    return f"payout-{run.period}-{who}-{run.pk}"


# --- State moves and ledger ----------------------------------------------------------------


def _transfer_move(*, transfer: Transfer, to_state: str, reason: str = "", actor=None) -> None:
    state_move(machine=TRANSFERS, obj=transfer, to_state=to_state, reason=reason, actor=actor)


def _payable_legs(*, transfer: Transfer, sign: int) -> list[Leg]:
    """The payable accounts the transfer settles: ``sign`` +1 debits, -1 credits them."""
    lines = PayoutLine.objects.filter(run_id=transfer.run_id)
    if transfer.creator_id:
        lines = lines.filter(creator_id=transfer.creator_id)
    legs = []
    share = Decimal(0)
    for creator_id, net, agency_share in lines.values_list("creator_id", "net", "agency_share"):
        share += agency_share
        if net:
            legs.append(
                Leg(Account.CREATOR_PAYABLE, sign * net, transfer.currency, creator_id=creator_id)
            )
    if transfer.agency_id and share:
        legs.append(
            Leg(
                Account.AGENCY_PAYABLE,
                sign * share,
                transfer.currency,
                agency_id=transfer.agency_id,
            )
        )
    return legs


def _post(*, transfer: Transfer, step: str, legs: list[Leg]) -> None:
    ledger_entry_post(
        reference=f"transfer:{transfer.pk}:{step}",
        kind=f"transfer_{step}",
        postings=legs,
        description=f"transfer {transfer.pk} {step} ({transfer.run.period})",
    )


def _submitted(*, transfer: Transfer, external_reference: str = "") -> None:
    if external_reference:
        transfer.external_reference = external_reference
        transfer.save(update_fields=["external_reference"])
    _transfer_move(transfer=transfer, to_state=T.SUBMITTED)
    legs = _payable_legs(transfer=transfer, sign=1)
    legs.append(Leg(Account.CASH_IN_TRANSIT, -transfer.amount, transfer.currency))
    _post(transfer=transfer, step="submitted", legs=legs)


def _earnings_move(*, transfer: Transfer, from_state: str, to_state: str, reason: str) -> None:
    earnings = Earning.objects.filter(payout_run_id=transfer.run_id, state=from_state)
    if transfer.creator_id:
        earnings = earnings.filter(creator_id=transfer.creator_id)
    states_move(
        machine=EARNINGS,
        queryset=earnings,
        from_states=[from_state],
        to_state=to_state,
        reason=reason,
        returning=False,
    )


def _paid(*, transfer: Transfer, actor=None) -> None:
    _transfer_move(transfer=transfer, to_state=T.PAID, actor=actor)
    _post(
        transfer=transfer,
        step="paid",
        legs=[
            Leg(Account.CASH_IN_TRANSIT, transfer.amount, transfer.currency),
            Leg(Account.BANK, -transfer.amount, transfer.currency),
        ],
    )
    _earnings_move(
        transfer=transfer,
        from_state=Earning.State.IN_RUN,
        to_state=Earning.State.PAID,
        reason=f"transfer {transfer.pk} paid",
    )


def transfer_settle(*, transfer: Transfer, actor=None) -> Transfer:
    """The rail confirmed a submitted transfer (a bank's status report): it is paid."""
    with transaction.atomic():
        locked = (
            Transfer.objects.select_for_update(of=("self",))
            .select_related("run")
            .get(pk=transfer.pk)
        )
        _paid(transfer=locked, actor=actor)
        _run_complete_if_done(run_id=locked.run_id)
    return locked


def transfer_fail(*, transfer: Transfer, reason: str, actor=None) -> Transfer:
    """A pending or submitted transfer failed: submitted money goes back to payable."""
    with transaction.atomic():
        locked = (
            Transfer.objects.select_for_update(of=("self",))
            .select_related("run")
            .get(pk=transfer.pk)
        )
        was = locked.state
        _transfer_move(transfer=locked, to_state=T.FAILED, reason=reason, actor=actor)
        if was == T.SUBMITTED:
            legs = _payable_legs(transfer=locked, sign=-1)
            legs.append(Leg(Account.CASH_IN_TRANSIT, locked.amount, locked.currency))
            _post(transfer=locked, step="failed", legs=legs)
        _run_complete_if_done(run_id=locked.run_id)
    return locked


def transfer_return(*, transfer: Transfer, reason: str, actor=None) -> Transfer:
    """A paid transfer came back (reversed or returned by the bank): payable again."""
    if not reason:
        raise TransferError(_("Give the reason the transfer was returned."))
    with transaction.atomic():
        locked = (
            Transfer.objects.select_for_update(of=("self",))
            .select_related("run")
            .get(pk=transfer.pk)
        )
        _transfer_move(transfer=locked, to_state=T.RETURNED, reason=reason, actor=actor)
        legs = _payable_legs(transfer=locked, sign=-1)
        legs.append(Leg(Account.BANK, locked.amount, locked.currency))
        _post(transfer=locked, step="returned", legs=legs)
        _earnings_move(
            transfer=locked,
            from_state=Earning.State.PAID,
            to_state=Earning.State.IN_RUN,
            reason=f"transfer {locked.pk} returned: {reason}",
        )
    return locked


def _run_complete_if_done(*, run_id: int) -> None:
    run = PayoutRun.objects.select_for_update().get(pk=run_id)
    if run.state != R.SENDING or run.transfers.filter(state__in=OPEN_STATES).exists():
        return
    # A replaced transfer's outcome is superseded by its re-send's: count it apart.
    counts = Counter(
        "re-sent" if replaced else state
        for state, replaced in run.transfers.values_list("state", "replaced_by")
    )
    summary = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
    state_move(machine=RUNS, obj=run, to_state=R.COMPLETED, reason=summary or "no transfers")


# --- Sending ---------------------------------------------------------------------------------


def _agency_route(agency: Agency) -> tuple[str, str, str]:
    """(rail, destination, held reason) for an agency."""
    rail = agency.payout_rail
    if rail == Agency.Rail.STRIPE_CONNECT:
        if not agency.stripe_account_id:
            return rail, "", _("The agency has no Stripe account id.")
        return rail, agency.stripe_account_id, ""
    if rail == Agency.Rail.BANK_FILE:
        if not agency.bank_account_number:
            return rail, "", _("The agency has no bank account number.")
        return rail, agency.bank_account_number, ""
    return "", "", _("The agency has no payout rail.")


def _creator_route(creator: Creator) -> tuple[str, str, str]:
    """(rail, destination, held reason) for a creator paid to a personal account.

    Personal accounts are Chinese bank accounts (or IBANs) paid by bank file: Stripe
    Connect does not serve mainland China, and a creator has no connected account.
    """
    rail = Agency.Rail.BANK_FILE
    number = creator.payout_account_number.replace(" ", "")
    if not number:
        return rail, "", _("The creator has no personal payout account number on file.")
    return rail, number, ""


def _route(transfer: Transfer) -> tuple[str, str, str]:
    """The payee's route from its current details (``transfer.agency`` / ``.creator``)."""
    if transfer.agency_id:
        return _agency_route(transfer.agency)
    return _creator_route(transfer.creator)


def _batch_create(*, run: PayoutRun, reference: str) -> PayoutBatch:
    # The pain.001 MsgId and PmtInfId are Max35Text, and the model column is 35 wide.
    if len(reference) > 35:
        raise TransferError(
            _("Batch reference %(ref)s is longer than 35 characters.") % {"ref": reference}
        )
    return PayoutBatch.objects.create(run=run, reference=reference)


def payout_run_send(*, run: PayoutRun, user=None) -> PayoutRun:
    """Move an approved run to sending, write its transfers, queue one task per transfer.

    ``PayoutRunError`` unless the run is approved. Everything is written in one
    transaction before any rail is called; tasks are queued after commit.
    """
    with transaction.atomic():
        locked = (
            PayoutRun.objects.select_for_update(of=("self",))
            .select_related("agency")
            .get(pk=run.pk)
        )
        if locked.state != R.APPROVED:
            raise PayoutRunError(
                _("Only an approved payout run can be sent; this one is %(state)s.")
                % {"state": locked.state}
            )
        state_move(machine=RUNS, obj=locked, to_state=R.SENDING, actor=user)
        rows: list[tuple[Transfer, str]] = []
        if locked.agency_id:
            totals = locked.lines.aggregate(net=Sum("net"), share=Sum("agency_share"))
            amount = (totals["net"] or Decimal(0)) + (totals["share"] or Decimal(0))
            if amount > 0:
                rail, destination, held = _agency_route(locked.agency)
                rows.append(
                    (
                        Transfer(
                            run=locked,
                            agency=locked.agency,
                            amount=amount,
                            currency=locked.currency,
                            rail=rail,
                            destination=destination,
                        ),
                        held,
                    )
                )
        else:
            nets = dict(locked.lines.filter(net__gt=0).values_list("creator_id", "net"))
            creators = Creator.objects.in_bulk(list(nets))
            for creator_id, net in sorted(nets.items()):
                rail, destination, held = _creator_route(creators[creator_id])
                rows.append(
                    (
                        Transfer(
                            run=locked,
                            creator_id=creator_id,
                            amount=net,
                            currency=locked.currency,
                            rail=rail,
                            destination=destination,
                        ),
                        held,
                    )
                )
        if any(not held and t.rail == Agency.Rail.BANK_FILE for t, held in rows):
            batch = _batch_create(run=locked, reference=f"PB{locked.pk}-{locked.period}")
            for t, held in rows:
                if not held and t.rail == Agency.Rail.BANK_FILE:
                    t.batch = batch
        transfers = Transfer.objects.bulk_create([t for t, _held in rows])
        state_record_created(machine=TRANSFERS, objs=transfers, actor=user)
        to_submit = []
        for t, (_t, held) in zip(transfers, rows, strict=True):
            if held:
                _transfer_move(transfer=t, to_state=T.HELD, reason=held, actor=user)
            else:
                to_submit.append(t.pk)
        _run_complete_if_done(run_id=locked.pk)
        transaction.on_commit(lambda: [payout_transfer_submit.delay(pk) for pk in to_submit])
    locked.refresh_from_db()
    return locked


def transfer_resend(*, transfer: Transfer, user=None) -> Transfer:
    """Send the money of a held, failed or returned transfer again: returns the new transfer.

    The new transfer replaces the old one (``replaces``), pays the same amount to the same
    payee through the payee's current rail and account details (held again, with the
    reason, when they are still missing), and is queued after commit. A bank-file re-send
    gets a batch (and files) of its own. A completed run goes back to ``sending``.
    ``TransferError`` for a transfer that is pending, submitted, paid or already re-sent,
    or whose run is not sending or completed; nothing is written then.
    """
    try:
        with transaction.atomic():
            # The old row's lock serialises concurrent re-sends of it: the second one
            # waits here, then finds it replaced.
            old = (
                Transfer.objects.select_for_update(of=("self",))
                .select_related("agency", "creator")
                .get(pk=transfer.pk)
            )
            if old.state not in RESENDABLE_STATES:
                raise TransferError(
                    _(
                        "Only a held, failed or returned transfer can be re-sent; "
                        "transfer %(id)s is %(state)s."
                    )
                    % {"id": old.pk, "state": old.state}
                )
            replaced_by = Transfer.objects.filter(replaces=old).values_list("pk", flat=True)
            if replaced_by:
                raise TransferError(
                    _("Transfer %(id)s was already re-sent as transfer %(new)s.")
                    % {"id": old.pk, "new": replaced_by[0]}
                )
            run = PayoutRun.objects.select_for_update().get(pk=old.run_id)
            if run.state not in (R.SENDING, R.COMPLETED):
                raise TransferError(
                    _("Transfers of a %(state)s payout run cannot be re-sent.")
                    % {"state": run.state}
                )
            rail, destination, held = _route(old)
            new = Transfer.objects.create(
                run=run,
                agency_id=old.agency_id,
                creator_id=old.creator_id,
                amount=old.amount,
                currency=old.currency,
                rail=rail,
                destination=destination,
                replaces=old,
            )
            state_record_created(
                machine=TRANSFERS,
                objs=[new],
                actor=user,
                reason=f"re-send of transfer {old.pk} ({old.state})",
            )
            if held:
                _transfer_move(transfer=new, to_state=T.HELD, reason=held, actor=user)
                return new
            if rail == Agency.Rail.BANK_FILE:
                # The run's first file went to the bank already: the re-send gets its own.
                new.batch = _batch_create(run=run, reference=f"PB{run.pk}-{run.period}-R{new.pk}")
                new.save(update_fields=["batch"])
            if run.state == R.COMPLETED:
                state_move(
                    machine=RUNS,
                    obj=run,
                    to_state=R.SENDING,
                    reason=f"re-sending transfer {old.pk} as transfer {new.pk}",
                    actor=user,
                )
            transaction.on_commit(lambda: payout_transfer_submit.delay(new.pk))
    except IntegrityError as exc:
        # The partial unique constraint: another live transfer of this run to this payee.
        raise TransferError(
            _(
                "Transfer %(id)s cannot be re-sent: its payee already has a live "
                "transfer in this run."
            )
            % {"id": transfer.pk}
        ) from exc
    return new


def transfer_retries_exhausted(*, transfer_id: int, error: str) -> str:
    """The rail stayed unreachable through every retry: fail the transfer, with the reason.

    The money stays payable (a pending transfer posted nothing) and can be re-sent; the
    run completes if nothing else is open. Returns the transfer's state.
    """
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    if transfer is None:
        return "missing"
    if transfer.state != T.PENDING:
        return transfer.state
    attempts = transfer.attempts
    reason = _("Stripe unreachable after %(attempts)s attempts: %(error)s") % {
        "attempts": attempts,
        "error": error,
    }
    try:
        transfer_fail(transfer=transfer, reason=reason[:2000])
    except TransferError:
        pass  # moved on meanwhile (a late success by another worker): leave it
    transfer.refresh_from_db()
    return transfer.state


def payout_transfers_requeue(
    *,
    older_than: timedelta = timedelta(minutes=5),
    now=None,
    run: PayoutRun | None = None,
) -> int:
    """Queue again every pending transfer written more than ``older_than`` ago.

    A worker killed between taking a task and finishing it (or a task lost with its broker)
    leaves the transfer ``pending``; submitting is idempotent (the rail sees the same
    idempotency key, a written batch is not written again), so queueing it again is safe.
    ``run`` limits it to that run's transfers. Returns how many tasks were queued.
    """
    now = now or timezone.now()
    pending = Transfer.objects.filter(
        state=T.PENDING, run__state=R.SENDING, created_at__lte=now - older_than
    )
    if run is not None:
        pending = pending.filter(run_id=run.pk)
    ids = list(pending.values_list("id", flat=True))
    for pk in ids:
        payout_transfer_submit.delay(pk)
    return len(ids)


def transfer_submit(*, transfer_id: int) -> str:
    """Submit one pending transfer through its rail (the task's body; idempotent).

    Returns the transfer's state; ``TransferRetry`` when the rail should be tried again.
    """
    transfer = Transfer.objects.filter(pk=transfer_id).first()
    if transfer is None:
        return "missing"
    if transfer.state != T.PENDING:
        return transfer.state
    if transfer.rail == Agency.Rail.STRIPE_CONNECT:
        _stripe_submit(transfer=transfer)
    elif transfer.rail == Agency.Rail.BANK_FILE:
        _batch_write(batch_id=transfer.batch_id)
    transfer.refresh_from_db()
    return transfer.state


# --- Stripe Connect --------------------------------------------------------------------------


def _stripe_submit(*, transfer: Transfer) -> None:
    Transfer.objects.filter(pk=transfer.pk).update(attempts=F("attempts") + 1)
    run = PayoutRun.objects.select_related("agency").get(pk=transfer.run_id)
    try:
        created = stripe_client(api_base=settings.STRIPE_CONNECT_API_BASE).v1.transfers.create(
            params={
                "amount": amount_to_minor(amount=transfer.amount, currency=transfer.currency),
                "currency": transfer.currency.lower(),
                "destination": transfer.destination,
                "transfer_group": run_reference(run),
                "metadata": {"transfer": str(transfer.pk), "run": str(run.pk)},
            },
            options={"idempotency_key": transfer.idempotency_key},
        )
    except stripe.StripeError as exc:
        status = exc.http_status
        message = exc.user_message or str(exc) or exc.__class__.__name__
        if status is None or status == 429 or status >= 500:
            Transfer.objects.filter(pk=transfer.pk).update(reason=f"retrying: {message}"[:2000])
            raise TransferRetry(message) from exc
        transfer_fail(transfer=transfer, reason=f"Stripe: {message}"[:2000])
        return
    with transaction.atomic():
        locked = (
            Transfer.objects.select_for_update(of=("self",))
            .select_related("run")
            .get(pk=transfer.pk)
        )
        if locked.state != T.PENDING:
            return
        _submitted(transfer=locked, external_reference=created.id)
        _paid(transfer=locked)
        _run_complete_if_done(run_id=locked.run_id)


# --- Bank file -------------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element


def pain001_build(*, batch: PayoutBatch, transfers: list[Transfer], now) -> bytes:
    """ISO 20022 pain.001.001.03 (customer credit transfer initiation) for the batch."""
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
        name, bank_code = _payee_bank(t)
        tx = sub(info, "CdtTrfTxInf")
        sub(sub(tx, "PmtId"), "EndToEndId", t.idempotency_key[:35])
        sub(sub(tx, "Amt"), "InstdAmt", f"{t.amount:.2f}", Ccy=t.currency)
        _ns_agent(sub(tx, "CdtrAgt"), bank_code, q)
        sub(sub(tx, "Cdtr"), "Nm", name[:140])
        _ns_account(sub(tx, "CdtrAcct"), t.destination, q)
        sub(sub(tx, "RmtInf"), "Ustrd", f"{batch.reference} {run_reference(t.run)}"[:140])
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _payee_bank(t: Transfer) -> tuple[str, str]:
    """(account holder's name, bank code) of the transfer's payee, an agency or a creator."""
    if t.agency_id:
        agency = t.agency
        return agency.bank_account_name or agency.legal_name, agency.bank_code
    creator = t.creator
    name = creator.payout_account_name or creator.legal_name or creator.display_name
    return name, creator.payout_bank_code


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


def _csv_build(*, batch: PayoutBatch, transfers: list[Transfer]) -> bytes:
    """The batch as CSV: UTF-8 with a BOM (Excel reads the Chinese payee names) and cells
    neutralised against formula injection, like every CSV we write (``tax.exports``)."""
    headers = ["end_to_end_id", "payee", "account", "bank_code", "amount", "currency", "reference"]
    rows = []
    for t in transfers:
        name, bank_code = _payee_bank(t)
        row = [t.idempotency_key, name, t.destination, bank_code]
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
        xml = pain001_build(batch=batch, transfers=transfers, now=now)
        xml_validate(message=PAIN001, data=xml)  # invalid: raises, nothing is written
        _write_atomic(xml_path, xml)
        _write_atomic(csv_path, _csv_build(batch=batch, transfers=transfers))
        for t in transfers:
            _submitted(transfer=t, external_reference=f"{batch.reference}/{t.idempotency_key}")
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
            _paid(transfer=t, actor=user)
        state_move(machine=BATCHES, obj=locked, to_state=PayoutBatch.State.SETTLED, actor=user)
        _run_complete_if_done(run_id=locked.run_id)
    return locked
