"""Sending an approved payout run: one transfer per payee, through the payee's rail.

Decisions:

Layout: the lifecycle (moves and their ledger postings) is ``payouts.lifecycle``; each
rail (route, submit, its webhook or return file) is a module of ``payouts.rails``, a
registry. This module sends runs, re-sends and requeues transfers.

- Identity before money: a creator paid to a personal account whose legal name or
  identity document is missing gets a ``held`` transfer (``hold`` = ``identity``) with
  the reason, like a payee without an account (``hold`` = ``account``); the exports list
  such creators instead of refusing (``payouts.exports``).
- Payee: an agency run pays one transfer to the agency (the sum over its lines of agency
  share + net: the agency pays its creators; tax stays with the platform, which remits
  it); a personal run pays one transfer per creator with a positive net, by ``bank_file``
  to the creator's own account (``agencies.personal``: holder name, else legal name, else
  display name; bank code BIC or CNAPS). For a creator whose values live in a regional
  store (issue #17) the transfer's ``destination`` keeps the account masked; the bank file
  reads the account from the store when it is written.
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
from datetime import timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency
from agencies.personal import CreatorPersonal, creator_personal_get, creators_personal_get_many

from .errors import PayoutRunError, TransferError, TransferRetry
from .identity import identity_hold_reason, personal_identity_missing
from .lifecycle import (
    run_complete_if_done,
    run_reference,
    transfer_fail,
    transfer_move,
    transfer_return,
    transfer_settle,
)
from .models import PayoutRun, Transfer
from .rails import PERSONAL_RAIL, Route, bank_file, rail_get
from .rails.bank_file import PAIN001_NS, _csv_build, pain001_build, payout_batch_settle
from .states import RUNS, TRANSFERS, state_move, state_record_created
from .tasks import payout_transfer_submit

__all__ = [
    "PAIN001_NS",
    "TransferError",
    "TransferRetry",
    "_csv_build",
    "pain001_build",
    "payout_batch_settle",
    "run_reference",
    "transfer_fail",
    "transfer_return",
    "transfer_settle",
]

logger = logging.getLogger(__name__)

T = Transfer.State
R = PayoutRun.State
RESENDABLE_STATES = (T.HELD, T.FAILED, T.RETURNED)


# --- Sending ---------------------------------------------------------------------------------


def _hold(*, transfer: Transfer, route: Route, actor=None) -> None:
    transfer_move(
        transfer=transfer,
        to_state=T.HELD,
        reason=route.held,
        actor=actor,
        values={"hold": route.hold},
    )


def _agency_route(agency: Agency) -> Route:
    """Where an agency's transfer goes (its rail's route), or why it is held."""
    rail = rail_get(agency.payout_rail)
    if rail is None:
        return Route("", held=_("The agency has no payout rail."), hold=Transfer.Hold.ACCOUNT)
    return rail.route_agency(agency)


def _creator_route(personal: CreatorPersonal) -> Route:
    """Where a creator's personal transfer goes, or why it is held: identity first (the tax
    filing of the line needs it, ``payouts.identity``), then the account. ``personal``:
    the creator's values from ``agencies.personal`` (regional ones included)."""
    missing = personal_identity_missing(personal)
    if missing:
        return Route(PERSONAL_RAIL, held=identity_hold_reason(missing), hold=Transfer.Hold.IDENTITY)
    return rail_get(PERSONAL_RAIL).route_creator(personal)


def _route(transfer: Transfer) -> Route:
    """The payee's route from its current details (``transfer.agency`` / ``.creator``)."""
    if transfer.agency_id:
        return _agency_route(transfer.agency)
    return _creator_route(creator_personal_get(creator=transfer.creator))


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
                route = _agency_route(locked.agency)
                rows.append(
                    (
                        Transfer(
                            run=locked,
                            agency=locked.agency,
                            amount=amount,
                            currency=locked.currency,
                            rail=route.rail,
                            destination=route.destination,
                        ),
                        route,
                    )
                )
        else:
            nets = dict(locked.lines.filter(net__gt=0).values_list("creator_id", "net"))
            # One look-up per store for every payee (issue #17), not one per creator.
            personal = creators_personal_get_many(creator_ids=list(nets))
            for creator_id, net in sorted(nets.items()):
                route = _creator_route(personal[creator_id])
                rows.append(
                    (
                        Transfer(
                            run=locked,
                            creator_id=creator_id,
                            amount=net,
                            currency=locked.currency,
                            rail=route.rail,
                            destination=route.destination,
                        ),
                        route,
                    )
                )
        if any(not route.held and t.rail == bank_file.CODE for t, route in rows):
            batch = bank_file.batch_create(run=locked, reference=f"PB{locked.pk}-{locked.period}")
            for t, route in rows:
                if not route.held and t.rail == bank_file.CODE:
                    t.batch = batch
        transfers = Transfer.objects.bulk_create([t for t, _held in rows])
        state_record_created(machine=TRANSFERS, objs=transfers, actor=user)
        to_submit = []
        for t, (_t, route) in zip(transfers, rows, strict=True):
            if route.held:
                _hold(transfer=t, route=route, actor=user)
            else:
                to_submit.append(t.pk)
        run_complete_if_done(run_id=locked.pk)
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
            route = _route(old)
            new = Transfer.objects.create(
                run=run,
                agency_id=old.agency_id,
                creator_id=old.creator_id,
                amount=old.amount,
                currency=old.currency,
                rail=route.rail,
                destination=route.destination,
                replaces=old,
            )
            state_record_created(
                machine=TRANSFERS,
                objs=[new],
                actor=user,
                reason=f"re-send of transfer {old.pk} ({old.state})",
            )
            if route.held:
                _hold(transfer=new, route=route, actor=user)
                return new
            if route.rail == bank_file.CODE:
                # The run's first file went to the bank already: the re-send gets its own.
                new.batch = bank_file.batch_create(
                    run=run, reference=f"PB{run.pk}-{run.period}-R{new.pk}"
                )
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
    rail = rail_get(transfer.rail)
    if rail is not None:
        rail.submit(transfer=transfer)
    transfer.refresh_from_db()
    return transfer.state
