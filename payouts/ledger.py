"""The payouts ledger: double-entry postings that sum to zero per currency.

Sign convention: a posting's ``amount`` is positive for a debit and negative for a
credit; every entry's postings sum to zero in each currency. This is checked here, before
anything is written (``LedgerImbalance``, nothing written), and again by PostgreSQL:
entries written whole by ``ledger_entries_post`` when their statement ends, any other
posting, change or deletion at commit (triggers, migrations 0003 and 0013).
``manage.py ledger_check`` re-proves it over the whole ledger, with the payout lines and
the accrued earnings.

Chart of accounts (fixed codes, ``Posting.Account``; a party says whose balance it is):

- ``platform_revenue``: the platform's income from rewards. The creators' part of a reward
  is a cost charged against it (debit) when the earning is accrued.
- ``creator_earned`` (party: creator): earnings owed to a creator and not yet in a payout
  line, in the earning's currency. Its balance per creator and currency is always minus
  the sum of that creator's ``available`` earnings in that currency (``ledger_check``).
- ``fx_conversion``: the bridge of a payout line between an earning currency and CNY; per
  line it is credited in the earning's currency and debited the converted amount in CNY.
  It does not net to zero per currency: it keeps the foreign position the platform bought.
- ``creator_payable`` (party: creator): what the platform owes a creator, net of tax.
- ``agency_payable`` (party: agency): what the platform owes an agency, its share.
- ``tax_payable``: individual income tax withheld, owed to the tax bureau.
- ``cash_in_transit``: money sent to a payee and not yet confirmed (payouts.transfers).
- ``bank``: the platform's bank account (payouts.transfers).

Postings of earnings (``ledger_earnings_post``; one entry per earning and step, in the
earning's currency, written set-wise by one INSERT .. SELECT from the earnings):

    earning:<id>:accrued  (kind earning_accrued) when the earning becomes available: a
                          gift or tip at intake, a commission released after its return
                          window, a reversing (negative) earning when it is available
        Dr platform_revenue            amount
        Cr creator_earned  (creator)   amount
    earning:<id>:reversed (kind earning_reversed) when an available earning is reversed:
                          the mirror of its accrual

A negative amount makes the same legs the mirror (Cr platform_revenue, Dr creator_earned).
Pending earnings post nothing; a pending earning reversed posts nothing.

Postings of a payout line (CNY net of the earnings' currencies; one entry per creator
``payout-line:<run>:<creator>``, kind ``payout_line``) when a run is computed:

    Dr creator_earned  (creator)   the creator's sum in each currency, in that currency
    Cr fx_conversion               the same sum, in each currency other than CNY
    Dr fx_conversion               that sum converted to CNY (rounded half-up to the fen)
    Cr agency_payable  (agency)    agency share (agency runs only, when non-zero)
    Cr tax_payable                 tax          (when non-zero)
    Cr creator_payable (creator)   net          (when non-zero)

so the run clears the accrual of the earnings it takes: afterwards ``creator_earned``
nets to zero for them per creator and currency. Transfers then move payables to
``cash_in_transit`` and ``bank`` (payouts.transfers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.db import connection, transaction
from django.db.models import CharField, Exists, F, OuterRef, QuerySet, Sum, Value
from django.db.models.functions import Cast, Concat, Round
from django.utils import timezone

from .bulk import ids_reserve, rows_insert
from .models import Earning, Entry, PayoutLine, Posting

# The chart of accounts is a type: legs name ``Account`` members, never bare strings.
Account = Posting.Account
# ``Account.values`` builds a new list on each access: runs check hundreds of thousands of legs.
_ACCOUNTS = frozenset(Posting.Account.values)


class LedgerImbalance(ValueError):
    """An entry's postings do not sum to zero in some currency."""


@dataclass(frozen=True, slots=True)
class Leg:
    """One posting to be written: ``amount`` positive = debit, negative = credit."""

    account: Account
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
        if leg.account not in _ACCOUNTS:
            raise LedgerImbalance(f"entry {reference}: unknown account {leg.account!r}")
        totals[leg.currency] = totals.get(leg.currency, Decimal(0)) + leg.amount
    for currency, total in totals.items():
        if total != 0:
            raise LedgerImbalance(f"entry {reference} does not balance in {currency}: {total}")


@contextmanager
def _batch_checked():
    """Each statement inside writes whole entries: PostgreSQL checks its postings when the
    statement ends, set-wise, not one by one at commit (migration 0013)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('payouts.ledger_batch', 'on', true)")
    # On an error the caller's atomic block rolls back, and the setting with it.
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('payouts.ledger_batch', 'off', true)")


def ledger_entries_post(
    *,
    entries: Iterable[EntrySpec],
    batch_size: int = 5000,
    returning: bool = True,
    now: datetime | None = None,
) -> list[Entry]:
    """Write many balanced entries set-wise (bulk inserts), in one transaction.

    Every entry is checked first; on any imbalance ``LedgerImbalance`` is raised and
    nothing is written. A reference already used raises ``IntegrityError`` (the same
    money movement never posts twice). Returns the entries written; with
    ``returning=False`` (a payout run's 100,000 entries) PostgreSQL builds no instances
    and an empty list is returned. Entries are stamped ``now`` (default: the time of
    writing).
    """
    specs = list(entries)
    for spec in specs:
        legs_check(reference=spec.reference, legs=spec.legs)
    written: list[Entry] = []
    now = now or timezone.now()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            ids = ids_reserve(model=Entry, count=len(specs)) if specs else []
            rows_insert(
                model=Entry,
                fields=("id", "created_at", "description", "kind", "reference"),
                rows=(
                    (pk, now, s.description, s.kind, s.reference)
                    # One id is reserved per spec: ``strict`` never trips (equivalent mutants).
                    for pk, s in zip(ids, specs, strict=True)  # pragma: no mutate
                ),
            )
            # Every entry's postings in one statement: checked as it ends (migration 0013).
            with _batch_checked():
                rows_insert(
                    model=Posting,
                    fields=("entry_id", "account", "creator_id", "agency_id", "amount", "currency"),
                    rows=(
                        (pk, leg.account, leg.creator_id, leg.agency_id, leg.amount, leg.currency)
                        # One id per spec: ``strict`` never trips (equivalent mutants).
                        for pk, s in zip(ids, specs, strict=True)  # pragma: no mutate
                        for leg in s.legs
                    ),
                )
            if not returning:
                return []
            return [
                Entry(
                    id=pk,
                    created_at=now,
                    description=s.description,
                    kind=s.kind,
                    reference=s.reference,
                )
                # One id per spec: ``strict`` never trips (equivalent mutants).
                for pk, s in zip(ids, specs, strict=True)  # pragma: no mutate
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
                    # One row per spec of the chunk: ``strict`` never trips (equivalent).
                    for row, spec in zip(rows, chunk, strict=True)  # pragma: no mutate
                    for leg in spec.legs
                ],
                # How many rows per INSERT: the same postings whatever it is (equivalent).
                batch_size=batch_size,  # pragma: no mutate
            )
            written.extend(rows)
    return written


def ledger_entry_post(
    *, reference: str, kind: str, postings: Sequence[Leg], description: str = ""
) -> Entry:
    """Write one balanced entry; ``LedgerImbalance`` (nothing written) otherwise."""
    spec = EntrySpec(reference=reference, kind=kind, legs=list(postings), description=description)
    return ledger_entries_post(entries=[spec])[0]


# --- Earnings ----------------------------------------------------------------------------------

EarningStep = Literal["accrued", "reversed"]
# step -> (sign of the platform_revenue leg, the state the earning must be in)
_EARNING_STEPS: dict[str, tuple[int, str]] = {
    "accrued": (1, Earning.State.AVAILABLE),
    "reversed": (-1, Earning.State.REVERSED),
}


def earning_reference(*, earning_id: int, step: EarningStep) -> str:
    return f"earning:{earning_id}:{step}"


def ledger_earnings_post(
    *, earnings: QuerySet[Earning], step: EarningStep, now: datetime | None = None
) -> int:
    """Post ``step`` for each of ``earnings`` in the step's state; returns entries written.

    ``accrued`` takes the available ones (Dr platform_revenue / Cr creator_earned, the
    earning's amount and currency); ``reversed`` the reversed ones that were accrued (the
    mirror). Idempotent: an earning whose entry exists is skipped (the reference is unique;
    a concurrent writer of the same entry wins and ours is dropped). On PostgreSQL one
    INSERT .. SELECT from the earnings writes every entry and posting, whatever the count.
    """
    sign, state = _EARNING_STEPS[step]
    source = earnings.filter(state=state).order_by()
    if step == "reversed":
        accrued = Entry.objects.filter(
            reference=Concat(
                Value("earning:"),
                Cast(OuterRef("pk"), output_field=CharField()),
                Value(":accrued"),
                output_field=CharField(),
            )
        )
        source = source.filter(Exists(accrued))
    now = now or timezone.now()
    kind = f"earning_{step}"
    if connection.vendor != "postgresql":
        rows = list(source.values_list("id", "creator_id", "amount", "currency"))
        done = set(
            Entry.objects.filter(
                reference__in=[earning_reference(earning_id=r[0], step=step) for r in rows]
            ).values_list("reference", flat=True)
        )
        specs = [
            EntrySpec(
                reference=earning_reference(earning_id=pk, step=step),
                kind=kind,
                description=f"earning {pk} {step}",
                legs=[
                    Leg(Account.PLATFORM_REVENUE, sign * amount, currency),
                    Leg(Account.CREATOR_EARNED, -sign * amount, currency, creator_id=creator_id),
                ],
            )
            for pk, creator_id, amount, currency in rows
            if earning_reference(earning_id=pk, step=step) not in done
        ]
        return len(ledger_entries_post(entries=specs, now=now)) if specs else 0
    sql, params = source.values("id", "creator_id", "amount", "currency").query.sql_with_params()
    quote = connection.ops.quote_name
    entry_table = quote(Entry._meta.db_table)
    posting_table = quote(Posting._meta.db_table)
    # Each earning draws its entry's id up front, so postings join their entry on an integer
    # (ids drawn for entries that already exist are skipped, like any unused sequence value).
    # Amounts of an earning are exact (2 places at most): sign * amount needs no rounding.
    statement = (
        f"WITH src AS MATERIALIZED (SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS entry_id,"
        f" s.* FROM ({sql}) AS s), "
        f"ins AS (INSERT INTO {entry_table} (id, created_at, description, kind, reference) "
        "SELECT entry_id, %s, 'earning ' || src.id || ' ' || %s, %s, "
        "'earning:' || src.id || ':' || %s FROM src "
        # SQL keywords and unquoted names read the same in any case: the lines marked
        # ``no mutate`` only hold those (their case mutants are equivalent).
        "ON CONFLICT (reference) DO NOTHING RETURNING id) "  # pragma: no mutate
        f"INSERT INTO {posting_table} (entry_id, account, creator_id, agency_id, amount, currency) "
        "SELECT src.entry_id, leg.account, CASE WHEN leg.party THEN src.creator_id END, NULL, "  # pragma: no mutate  # noqa: E501
        "leg.sign * src.amount, src.currency "  # pragma: no mutate
        "FROM ins JOIN src ON src.entry_id = ins.id "  # pragma: no mutate
        f"CROSS JOIN (VALUES ('platform_revenue', {sign:d}, false), "
        f"('creator_earned', {-sign:d}, true)) AS leg(account, sign, party)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            statement,
            [
                Entry._meta.db_table,
                *params,
                connection.ops.adapt_datetimefield_value(now),
                step,
                kind,
                step,
            ],
        )
        return cursor.rowcount // 2


# --- Checks (reads) ---------------------------------------------------------------------------


def ledger_first_imbalance() -> str | None:
    """The first entry that does not balance in some currency, as one line; else None.

    Sums are rounded to the cent in SQL: exact on PostgreSQL (numeric), and it removes the
    binary-float noise of SQLite (the demo), which stores and sums decimals as floats.
    """
    row = (
        Posting.objects.values("entry_id", "entry__reference", "currency")
        .annotate(total=Round(Sum("amount"), 2))
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
    """The first payout line whose gross is not agency share + tax + net; else None.

    Rounded to the cent for SQLite's floats, as in ``ledger_first_imbalance``."""
    line = (
        PayoutLine.objects.exclude(gross=Round(F("agency_share") + F("tax") + F("net"), 2))
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


def creator_earned_first_mismatch() -> str | None:
    """The first creator and currency whose ``creator_earned`` balance is not minus the sum
    of their available earnings (accrued, not yet cleared by a payout line); else None."""
    quote = connection.ops.quote_name
    # SQL keywords and unquoted names read the same in any case: the lines marked
    # ``no mutate`` only hold those (their case mutants are equivalent).
    sql = (
        "SELECT creator_id, currency, sum(balance), sum(owed) FROM ("  # pragma: no mutate
        f"SELECT creator_id, currency, amount AS balance, 0 AS owed FROM "
        f"{quote(Posting._meta.db_table)} WHERE account = %s "
        "UNION ALL "  # pragma: no mutate
        f"SELECT creator_id, currency, 0, amount FROM {quote(Earning._meta.db_table)} "
        "WHERE state = %s) AS x "
        "GROUP BY creator_id, currency HAVING round(sum(balance) + sum(owed), 2) <> 0 "  # pragma: no mutate  # noqa: E501
        "ORDER BY creator_id, currency LIMIT 1"  # pragma: no mutate
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [Posting.Account.CREATOR_EARNED, Earning.State.AVAILABLE])
        row = cursor.fetchone()
    if row is None:
        return None
    creator_id, currency, balance, owed = row
    # Both columns hold 2 places; SQLite (the demo) hands back floats.
    balance, owed = (Decimal(str(v)).quantize(Decimal("0.01")) for v in (balance, owed))
    return (
        f"creator {creator_id} {currency}: creator_earned balance {balance} is not minus "
        f"the sum of the available earnings {owed}"
    )


def ledger_first_break() -> str | None:
    """The first break of the ledger's invariants, as one line; None when all hold.

    In order: an entry that does not balance, a payout line that does not add up, a
    creator whose ``creator_earned`` balance is not minus their available earnings.
    """
    return ledger_first_imbalance() or payout_line_first_break() or creator_earned_first_mismatch()
