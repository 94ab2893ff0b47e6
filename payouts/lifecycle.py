"""Transfer lifecycle: state moves with their ledger postings (every rail uses these).

Ledger (CNY, references ``transfer:<id>:<step>``, unique): submitted = Dr creator /
agency payable, Cr cash_in_transit; paid = Dr cash_in_transit, Cr bank; failed after
submission = Dr cash_in_transit, Cr payable; returned after payment = Dr bank, Cr
payable. Earnings ``in_run → paid`` when their transfer is paid; a returned transfer
moves them back ``paid → in_run`` (a documented move of ``payouts.states``). The run
completes once no transfer is pending or submitted.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from .errors import TransferError
from .ledger import Account, Leg, ledger_entry_post
from .models import Earning, PayoutLine, PayoutRun, Transfer
from .states import EARNINGS, RUNS, TRANSFERS, state_move, states_move

T = Transfer.State
R = PayoutRun.State
OPEN_STATES = (T.PENDING, T.SUBMITTED)


def run_reference(run: PayoutRun) -> str:
    who = run.agency.code if run.agency_id else "personal"
    return f"payout-{run.period}-{who}-{run.pk}"


def transfer_move(
    *, transfer: Transfer, to_state: str, reason: str = "", actor=None, values=None
) -> None:
    state_move(
        machine=TRANSFERS,
        obj=transfer,
        to_state=to_state,
        reason=reason,
        actor=actor,
        values=values,
    )


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


def transfer_submitted(*, transfer: Transfer, external_reference: str = "") -> None:
    if external_reference:
        transfer.external_reference = external_reference
        transfer.save(update_fields=["external_reference"])
    transfer_move(transfer=transfer, to_state=T.SUBMITTED)
    legs = _payable_legs(transfer=transfer, sign=1)
    legs.append(Leg(Account.CASH_IN_TRANSIT, -transfer.amount, transfer.currency))
    _post(transfer=transfer, step="submitted", legs=legs)


def _earnings_move(*, transfer: Transfer, from_state: str, to_state: str, reason: str) -> None:
    # ``payout_run`` is not indexed (HOT moves, payouts.models.Earning): the payee, a
    # creator (personal runs) or an agency (agency runs), reaches them through its index.
    earnings = Earning.objects.filter(payout_run_id=transfer.run_id, state=from_state)
    if transfer.creator_id:
        earnings = earnings.filter(creator_id=transfer.creator_id)
    else:
        earnings = earnings.filter(agency_id=transfer.agency_id)
    states_move(
        machine=EARNINGS,
        queryset=earnings,
        from_states=[from_state],
        to_state=to_state,
        reason=reason,
        returning=False,
    )


def transfer_paid(*, transfer: Transfer, actor=None) -> None:
    transfer_move(transfer=transfer, to_state=T.PAID, actor=actor)
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
        transfer_paid(transfer=locked, actor=actor)
        run_complete_if_done(run_id=locked.run_id)
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
        transfer_move(transfer=locked, to_state=T.FAILED, reason=reason, actor=actor)
        if was == T.SUBMITTED:
            legs = _payable_legs(transfer=locked, sign=-1)
            legs.append(Leg(Account.CASH_IN_TRANSIT, locked.amount, locked.currency))
            _post(transfer=locked, step="failed", legs=legs)
        run_complete_if_done(run_id=locked.run_id)
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
        transfer_move(transfer=locked, to_state=T.RETURNED, reason=reason, actor=actor)
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


def run_complete_if_done(*, run_id: int) -> None:
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
