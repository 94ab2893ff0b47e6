"""The payouts ledger: double-entry postings that sum to zero per currency.

Sign convention: a posting's ``amount`` is positive for a debit and negative for a
credit; every entry's postings sum to zero in each currency. This is checked here, before
anything is written (``LedgerImbalance``, nothing written), and again by PostgreSQL at
commit (a deferred constraint trigger, migration 0003). ``manage.py ledger_check``
re-proves it over the whole ledger.

Chart of accounts (fixed codes, ``Posting.Account``; a party says whose balance it is):

- ``platform_revenue``: the platform's income from rewards. The creators' part of a reward
  is a cost charged against it (debit).
- ``creator_payable`` (party: creator): what the platform owes a creator, net of tax.
- ``agency_payable`` (party: agency): what the platform owes an agency, its share.
- ``tax_payable``: individual income tax withheld, owed to the tax bureau.
- ``cash_in_transit``: money sent to a payee and not yet confirmed (transfers, later).

Postings written so far (CNY, per payout line, one entry ``payout-line:<run>:<creator>``,
kind ``payout_line``) when a run is computed:

    Dr platform_revenue            gross        (the creator's rewards recognised as cost)
    Cr agency_payable  (agency)    agency share (agency runs only, when non-zero)
    Cr tax_payable                 tax          (when non-zero)
    Cr creator_payable (creator)   net          (when non-zero)

Earnings are accrued at the run, in the payout currency at the run's rate, rather than
when each earning becomes available: the accrual on availability (Dr platform_revenue /
Cr creator_payable in the earning's currency, then the run clearing creator payable) and
transfers (Dr creator/agency payable, Cr cash_in_transit) come with the rest of issue #6.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from .bulk import ids_reserve, rows_insert
from .models import Entry, PayoutLine, Posting


class LedgerImbalance(ValueError):
    """An entry's postings do not sum to zero in some currency."""


@dataclass(frozen=True, slots=True)
class Leg:
    """One posting to be written: ``amount`` positive = debit, negative = credit."""

    account: str
    amount: Decimal
    currency: str
    creator_id: int | None = None
    agency_id: int | None = None


@dataclass(frozen=True, slots=True)
class EntrySpec:
    reference: str
    kind: str
    legs: Sequence[Leg]
    description: str = ""


def legs_check(*, reference: str, legs: Sequence[Leg]) -> None:
    """Raise ``LedgerImbalance`` unless ``legs`` sum to zero per currency."""
    if not legs:
        raise LedgerImbalance(f"entry {reference}: no postings")
    totals: dict[str, Decimal] = {}
    for leg in legs:
        if not isinstance(leg.amount, Decimal):
            raise LedgerImbalance(f"entry {reference}: amount {leg.amount!r} is not a Decimal")
        if leg.account not in Posting.Account.values:
            raise LedgerImbalance(f"entry {reference}: unknown account {leg.account!r}")
        totals[leg.currency] = totals.get(leg.currency, Decimal(0)) + leg.amount
    for currency, total in totals.items():
        if total != 0:
            raise LedgerImbalance(f"entry {reference} does not balance in {currency}: {total}")


def ledger_entries_post(*, entries: Iterable[EntrySpec], batch_size: int = 5000) -> list[Entry]:
    """Write many balanced entries set-wise (bulk inserts), in one transaction.

    Every entry is checked first; on any imbalance ``LedgerImbalance`` is raised and
    nothing is written. A reference already used raises ``IntegrityError`` (the same
    money movement never posts twice).
    """
    specs = list(entries)
    for spec in specs:
        legs_check(reference=spec.reference, legs=spec.legs)
    written: list[Entry] = []
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            ids = ids_reserve(model=Entry, count=len(specs)) if specs else []
            rows_insert(
                model=Entry,
                fields=("id", "created_at", "description", "kind", "reference"),
                rows=(
                    (pk, now, s.description, s.kind, s.reference)
                    for pk, s in zip(ids, specs, strict=True)
                ),
            )
            rows_insert(
                model=Posting,
                fields=("entry_id", "account", "creator_id", "agency_id", "amount", "currency"),
                rows=(
                    (pk, leg.account, leg.creator_id, leg.agency_id, leg.amount, leg.currency)
                    for pk, s in zip(ids, specs, strict=True)
                    for leg in s.legs
                ),
            )
            return [
                Entry(
                    id=pk,
                    created_at=now,
                    description=s.description,
                    kind=s.kind,
                    reference=s.reference,
                )
                for pk, s in zip(ids, specs, strict=True)
            ]
        for start in range(0, len(specs), batch_size):
            chunk = specs[start : start + batch_size]
            rows = Entry.objects.bulk_create(
                [
                    Entry(
                        reference=s.reference,
                        kind=s.kind,
                        description=s.description,
                        created_at=now,
                    )
                    for s in chunk
                ]
            )
            if rows and rows[0].pk is None:  # backends that return no ids
                ids_of = dict(
                    Entry.objects.filter(reference__in=[s.reference for s in chunk]).values_list(
                        "reference", "id"
                    )
                )
                for row in rows:
                    row.pk = row.id = ids_of[row.reference]
            Posting.objects.bulk_create(
                [
                    Posting(
                        entry_id=row.pk,
                        account=leg.account,
                        amount=leg.amount,
                        currency=leg.currency,
                        creator_id=leg.creator_id,
                        agency_id=leg.agency_id,
                    )
                    for row, spec in zip(rows, chunk, strict=True)
                    for leg in spec.legs
                ],
                batch_size=batch_size,
            )
            written.extend(rows)
    return written


def ledger_entry_post(
    *, reference: str, kind: str, postings: Sequence[Leg], description: str = ""
) -> Entry:
    """Write one balanced entry; ``LedgerImbalance`` (nothing written) otherwise."""
    spec = EntrySpec(reference=reference, kind=kind, legs=list(postings), description=description)
    return ledger_entries_post(entries=[spec])[0]


# --- Checks (reads) ---------------------------------------------------------------------------


def ledger_first_imbalance() -> str | None:
    """The first entry that does not balance in some currency, as one line; else None."""
    row = (
        Posting.objects.values("entry_id", "entry__reference", "currency")
        .annotate(total=Sum("amount"))
        .exclude(total=0)
        .order_by("entry_id", "currency")
        .first()
    )
    if row is None:
        return None
    return (
        f"entry {row['entry_id']} ({row['entry__reference']}) does not balance in "
        f"{row['currency']}: postings sum to {row['total']}"
    )


def payout_line_first_break() -> str | None:
    """The first payout line whose gross is not agency share + tax + net; else None."""
    line = (
        PayoutLine.objects.exclude(gross=F("agency_share") + F("tax") + F("net"))
        .order_by("id")
        .values("id", "run_id", "creator_id", "gross", "agency_share", "tax", "net")
        .first()
    )
    if line is None:
        return None
    return (
        f"payout line {line['id']} (run {line['run_id']}, creator {line['creator_id']}): "
        f"gross {line['gross']} != agency share {line['agency_share']} + tax {line['tax']}"
        f" + net {line['net']}"
    )
