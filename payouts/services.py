"""Writes for earnings: rewards intake, affiliate commission, state moves.

Every write here is idempotent on the earning's ``source_ref``. Earnings are never
edited: state moves go through ``earnings_state_move`` (which records each move) and
corrections are new reversing rows pointing at the earning they correct.

Ledger: an earning is accrued (``earning:<id>:accrued``, payouts.ledger) in the same
transaction in which it becomes available: gifts and tips at intake, commission when its
return window has passed, a reversing earning written available. An available earning
reversed posts the mirror (``earning:<id>:reversed``); pending earnings post nothing.
"""

from __future__ import annotations

import enum
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Creator
from agencies.selectors import PERSONAL, contracts_by_creator, creator_eligibility
from tax.money import quantize_money

from .ledger import ledger_earnings_post
from .models import CategoryCommissionRate, Earning, EarningIntake
from .states import EARNINGS, StateMoveError, states_move
from .validation import COIN, RewardEvent

logger = logging.getLogger(__name__)

S = Earning.State


def __getattr__(name: str):
    # The allowed moves are the earnings machine's table (payouts.states).
    if name == "STATE_MOVES":
        return dict(EARNINGS.moves)
    raise AttributeError(name)


# --- State moves ---------------------------------------------------------------------------


def earnings_state_move(
    *,
    earning_ids: Iterable[int],
    to_state: str,
    reason: str = "",
    actor=None,
    now: datetime | None = None,
) -> list[int]:
    """Move earnings to ``to_state`` where the state machine allows it; returns the ids
    moved. Each move is recorded; rows locked by another transaction are skipped.

    The ledger follows in the same transaction: earnings made available are accrued, and
    accrued earnings reversed post the mirror (a pending one reversed was never accrued).
    """
    now = now or timezone.now()
    with transaction.atomic():
        ids = states_move(
            machine=EARNINGS,
            ids=earning_ids,
            to_state=to_state,
            reason=reason,
            actor=actor,
            now=now,
            skip_locked=True,
        )
        if ids and to_state in (S.AVAILABLE, S.REVERSED):
            step = "accrued" if to_state == S.AVAILABLE else "reversed"
            ledger_earnings_post(earnings=Earning.objects.filter(id__in=ids), step=step, now=now)
    return ids


def earning_state_set(*, earning: Earning, to_state: str, reason: str = "", actor=None) -> Earning:
    """One earning's state move; StateMoveError when the state machine forbids it."""
    if not EARNINGS.allows(earning.state, to_state):
        raise EARNINGS.refuse(earning.state, to_state)
    if not earnings_state_move(
        earning_ids=[earning.pk], to_state=to_state, reason=reason, actor=actor
    ):
        raise StateMoveError(f"earning {earning.pk} moved concurrently")
    return Earning.objects.get(pk=earning.pk)


def earnings_release_due(*, now: datetime | None = None, limit: int = 10_000) -> int:
    """Pending earnings whose return window has passed become available (idempotent).

    Only commission waits for a return window (``pending``; its reversals copy its kind),
    so the query names the kind: the partial index ``earning_commission_due`` serves it.
    """
    now = now or timezone.now()
    due = Earning.objects.filter(
        kind=Earning.Kind.COMMISSION, state=S.PENDING, available_at__lte=now
    ).values_list("id", flat=True)[:limit]
    moved = earnings_state_move(
        earning_ids=list(due), to_state=S.AVAILABLE, reason="return window passed", now=now
    )
    return len(moved)


# --- Rewards intake --------------------------------------------------------------------------

# Columns of an earning as the API shows it (payouts.selectors.earning_as_dict).
EARNING_FIELDS = (
    "id",
    "source_ref",
    "kind",
    "amount",
    "currency",
    "occurred_at",
    "state",
    "channel",
    "agency_id",
    "contract_kind",
    "coins",
    "coin_rate",
    "gross_amount",
    "platform_share",
)


class IntakeOutcome(enum.Enum):
    """What became of one reward event; the API maps each to its HTTP status."""

    WRITTEN = "written"  # a new earning
    REPLAY = "replay"  # the same event again: the first earning, nothing written
    CONFLICT = "conflict"  # the event id was used for a different event
    INVALID = "invalid"  # a field is wrong (the error names it); nothing written
    REFUSED = "refused"  # the creator may not earn (recorded with the reason)


@dataclass
class IntakeResult:
    event_id: str | None
    outcome: IntakeOutcome
    earning: dict | None = None  # EARNING_FIELDS
    error: dict = field(default_factory=dict)


def _gift_amounts(event: RewardEvent) -> dict:
    """Creator's amount and the conversion details of a gift (coins or money)."""
    share = Decimal(settings.REWARDS_PLATFORM_SHARE).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    if event.currency == COIN:
        rate = Decimal(settings.REWARDS_COIN_RATE).quantize(Decimal("0.000001"), ROUND_HALF_UP)
        currency = settings.REWARDS_COIN_CURRENCY
        gross = quantize_money(event.amount * rate, currency, ROUND_HALF_UP)
        coins = int(event.amount)
    else:
        rate, currency, gross, coins = None, event.currency, event.amount, None
    net = quantize_money(gross * (1 - share), currency, ROUND_HALF_UP)
    return {
        "amount": net,
        "currency": currency,
        "gross_amount": gross,
        "platform_share": share,
        "coins": coins,
        "coin_rate": rate,
    }


def _insert_new(model, rows: list[dict], *, returning: tuple[str, ...]) -> list[tuple] | None:
    """INSERT ``rows`` ON CONFLICT (source_ref) DO NOTHING, in one statement.

    On PostgreSQL the rows travel as one JSON parameter (``jsonb_to_recordset``) and the
    inserted rows' ``returning`` columns come back; elsewhere ``bulk_create`` with
    ``ignore_conflicts`` is used and None says "not known: read back".
    """
    if not rows:
        return []
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**row) for row in rows], ignore_conflicts=True)
        return None
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    types = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
        f"SELECT {columns} FROM jsonb_to_recordset(%s::jsonb) AS x({types}) "
        f"ON CONFLICT ({quote('source_ref')}) DO NOTHING "
        f"RETURNING {', '.join(quote(model._meta.get_field(n).column) for n in returning)}"
    )
    columns_of = [(name, f.column) for name, f in zip(names, fields, strict=True)]
    data = [{column: row[name] for name, column in columns_of} for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(sql, [json.dumps(data, default=str)])
        return cursor.fetchall()


def rewards_intake(*, events: list[RewardEvent], now: datetime | None = None) -> list[IntakeResult]:
    """Write the earnings of validated reward events, set-wise, and say what became of each.

    A fixed number of queries whatever the batch size: creators, contracts, one insert of
    intake records and one of earnings (each ON CONFLICT DO NOTHING), plus read-backs of
    rows that already existed (replays). Concurrent deliveries of one event write one
    earning; a replay answers 200 with the first earning, a changed body 409.
    """
    now = now or timezone.now()
    delivery = uuid.uuid4().hex
    creators = {c.handle: c for c in Creator.objects.filter(handle__in={e.creator for e in events})}
    since = min((timezone.localdate(e.occurred_at) for e in events), default=now.date())
    contracts = contracts_by_creator(creator_ids=[c.pk for c in creators.values()], since=since)

    results: list[IntakeResult | None] = [None] * len(events)
    intakes: dict[str, dict] = {}
    planned: dict[str, dict] = {}
    for index, event in enumerate(events):
        creator = creators.get(event.creator)
        if creator is None:
            results[index] = IntakeResult(
                event.event_id,
                IntakeOutcome.INVALID,
                error={"field": "creator", "message": _("Unknown creator.")},
            )
            continue
        if event.source_ref in intakes:
            continue  # the same event twice in one batch: answered below as a replay
        eligibility = creator_eligibility(
            creator=creator,
            day=timezone.localdate(event.occurred_at),
            contracts=contracts.get(creator.pk, []),
            live=True,  # gifts and tips come from live streams: live permission needed
        )
        intake = {
            "source_ref": event.source_ref,
            "payload_hash": event.payload_hash,
            "payload": event.payload,
            "outcome": EarningIntake.Outcome.ACCEPTED.value,
            "reason": "",
            "delivery": delivery,
            "received_at": now,
        }
        if not eligibility.allowed:
            intake["outcome"] = EarningIntake.Outcome.REFUSED.value
            intake["reason"] = eligibility.reason
        else:
            values = {"coins": None, "coin_rate": None, "gross_amount": None}
            values["platform_share"] = None
            if event.kind == Earning.Kind.GIFT:
                values.update(_gift_amounts(event))
            else:
                values.update(amount=event.amount, currency=event.currency)
            if values["amount"] <= 0:
                results[index] = IntakeResult(
                    event.event_id,
                    IntakeOutcome.INVALID,
                    error={
                        "field": "amount",
                        "message": _("Worth less than the currency's smallest unit."),
                    },
                )
                continue
            channel = eligibility.channel
            planned[event.source_ref] = {
                "creator_id": creator.pk,
                "kind": event.kind,
                "occurred_at": event.occurred_at,
                "source_ref": event.source_ref,
                "state": S.AVAILABLE.value,
                "available_at": event.occurred_at,
                "channel": (
                    Earning.Channel.PERSONAL.value
                    if channel.kind == PERSONAL
                    else Earning.Channel.AGENCY.value
                ),
                "agency_id": channel.agency_id,
                "contract_kind": channel.contract_kind,
                "stream_id": event.stream_id,
                "created_at": now,
                **values,
            }
        intakes[event.source_ref] = intake

    refs = sorted(intakes)  # key order: concurrent batches lock in one order, no deadlock
    with transaction.atomic():
        # Store what arrived before acting on it; a concurrent or earlier delivery of the
        # same event keeps its row (ON CONFLICT DO NOTHING) and ours is dropped.
        inserted = _insert_new(
            EarningIntake, [intakes[ref] for ref in refs], returning=("source_ref",)
        )
        if inserted is None:
            unknown = refs
        else:
            mine = {row[0] for row in inserted}
            unknown = [ref for ref in refs if ref not in mine]
        stored = {
            ref: (intake["payload_hash"], intake["outcome"], intake["reason"], delivery)
            for ref, intake in intakes.items()
        }
        if unknown:
            stored.update(
                (row[0], row[1:])
                for row in EarningIntake.objects.filter(source_ref__in=unknown).values_list(
                    "source_ref", "payload_hash", "outcome", "reason", "delivery"
                )
            )
        to_write = [planned[r] for r in refs if r in planned and stored[r][3] == delivery]
        written = _insert_new(Earning, to_write, returning=("source_ref", "id"))
        # Accrue what this delivery wrote (every intake earning is available), set-wise.
        if written is None:
            new = Earning.objects.filter(source_ref__in=[row["source_ref"] for row in to_write])
        else:
            new = Earning.objects.filter(id__in=[row[1] for row in written])
        if to_write and (written is None or written):
            ledger_earnings_post(earnings=new, step="accrued", now=now)
        earnings: dict[str, dict] = {}
        if written:
            ids = dict(written)
            for row in to_write:
                if row["source_ref"] in ids:
                    earnings[row["source_ref"]] = dict(row, id=ids[row["source_ref"]])
        accepted = [r for r in refs if stored[r][1] == EarningIntake.Outcome.ACCEPTED]
        missing = [r for r in accepted if r not in earnings]
        if missing:
            earnings.update(
                (row["source_ref"], row)
                for row in Earning.objects.filter(source_ref__in=missing).values(*EARNING_FIELDS)
            )

    answered: set[str] = set()
    for index, event in enumerate(events):
        if results[index] is not None:
            continue
        ref, row = event.source_ref, stored[event.source_ref]
        first_here = row[3] == delivery and ref not in answered
        answered.add(ref)
        if row[0] != event.payload_hash:
            results[index] = IntakeResult(
                event.event_id,
                IntakeOutcome.CONFLICT,
                error={
                    "field": "event_id",
                    "message": _("This event id was already used for a different event."),
                },
            )
        elif row[1] == EarningIntake.Outcome.REFUSED:
            results[index] = IntakeResult(
                event.event_id, IntakeOutcome.REFUSED, error={"field": "creator", "message": row[2]}
            )
        else:
            results[index] = IntakeResult(
                event.event_id,
                IntakeOutcome.WRITTEN if first_here else IntakeOutcome.REPLAY,
                earning=earnings[ref],
            )
    return results  # type: ignore[return-value]


# --- Affiliate commission -------------------------------------------------------------------


def commission_rate_for(*, product) -> Decimal:
    """The product's rate, else its (first) category's, else the shop default."""
    if product is not None and product.commission_rate is not None:
        return product.commission_rate
    if product is not None:
        parent = product.parent if product.is_child else product
        rate = (
            CategoryCommissionRate.objects.filter(category__in=parent.categories.all())
            .order_by("category__path")
            .values_list("rate", flat=True)
            .first()
        )
        if rate is not None:
            return rate
    return Decimal(settings.COMMISSION_DEFAULT_RATE)


def _create_once(earning: Earning) -> Earning | None:
    """Insert ``earning`` unless its source_ref exists; None when it did."""
    try:
        with transaction.atomic():
            earning.save()
        return earning
    except IntegrityError:
        if Earning.objects.filter(source_ref=earning.source_ref).exists():
            return None
        raise


def commission_book_for_order(*, order, now: datetime | None = None) -> list[Earning]:
    """Commission for each attributed line of a paid order, pending for the return window.

    An overseas creator who may not earn gets no earning: a refused intake record with the
    reason is written instead, so finance sees it. Idempotent per order line.
    """
    now = now or timezone.now()
    window = timedelta(days=settings.COMMISSION_RETURN_WINDOW_DAYS)
    booked = []
    lines = (
        order.lines.filter(attributed_creator__isnull=False)
        .select_related("attributed_creator", "product", "product__parent")
        .order_by("id")
    )
    for line in lines:
        source_ref = f"order-line:{line.pk}"
        rate = commission_rate_for(product=line.product)
        base = line.line_price_excl_tax or Decimal("0")
        amount = quantize_money(base * rate, order.currency, ROUND_HALF_UP)
        if amount <= 0:
            continue
        creator = line.attributed_creator
        eligibility = creator_eligibility(creator=creator, day=timezone.localdate(now))
        payload = {
            "order": order.number,
            "line": line.pk,
            "rate": str(rate),
            "base": str(base),
            "amount": str(amount),
            "currency": order.currency,
        }
        if not eligibility.allowed:
            EarningIntake.objects.bulk_create(
                [
                    EarningIntake(
                        source_ref=source_ref,
                        payload_hash="",
                        payload=payload,
                        outcome=EarningIntake.Outcome.REFUSED,
                        reason=eligibility.reason,
                        delivery="order_paid",
                        received_at=now,
                    )
                ],
                ignore_conflicts=True,
            )
            logger.info("commission refused for order line %s: %s", line.pk, eligibility.reason)
            continue
        channel = eligibility.channel
        earning = _create_once(
            Earning(
                creator=creator,
                kind=Earning.Kind.COMMISSION,
                amount=amount,
                currency=order.currency,
                occurred_at=now,
                source_ref=source_ref,
                state=S.PENDING,
                available_at=now + window,
                channel=Earning.Channel.PERSONAL if channel.kind == PERSONAL else "agency",
                agency_id=channel.agency_id,
                contract_kind=channel.contract_kind,
                order_line=line,
            )
        )
        if earning is not None:
            booked.append(earning)
    return booked


def commission_reverse_for_refund(
    *,
    order,
    amount: Decimal,
    lines: dict[int, Decimal] | None,
    reference: str,
    now: datetime | None = None,
) -> list[Earning]:
    """Reverse the refunded share of an order's commission (idempotent per refund).

    Unpaid commission (pending or available) refunded in full is moved to ``reversed``
    (an available one's accrual is undone); a partial refund writes a negative earning in
    the original's state. Commission already in a payout run or paid is corrected by a
    negative earning, available (and accrued) at once, so the next run recovers it.
    """
    now = now or timezone.now()
    written = []
    with transaction.atomic():
        originals = list(
            Earning.objects.select_for_update()
            .filter(order_line__order=order, kind=Earning.Kind.COMMISSION, reverses__isnull=True)
            .select_related("order_line")
            .order_by("id")
        )
        for original in originals:
            line = original.order_line
            if lines:
                refunded = lines.get(line.pk)
                if refunded is None:
                    refunded = lines.get(str(line.pk))
                if not refunded:
                    continue
                base = line.line_price_incl_tax or Decimal("0")
            else:
                refunded, base = amount, order.total_incl_tax or Decimal("0")
            if base <= 0:
                continue
            fraction = min(Decimal(refunded) / base, Decimal(1))
            reversed_so_far = -sum(r.amount for r in original.reversals.all())
            if original.state == S.REVERSED:
                reversed_so_far = original.amount
            remaining = original.amount - reversed_so_far
            share = min(quantize_money(original.amount * fraction, original.currency), remaining)
            if share <= 0:
                continue
            ref = f"{original.source_ref}:refund:{reference}"
            unpaid = original.state in (S.PENDING, S.AVAILABLE)
            if unpaid and share == original.amount:
                earnings_state_move(
                    earning_ids=[original.pk],
                    to_state=S.REVERSED,
                    reason=f"refund {reference}"[:200],
                    now=now,
                )
                continue
            reversal = _create_once(
                Earning(
                    creator_id=original.creator_id,
                    kind=original.kind,
                    amount=-share,
                    currency=original.currency,
                    occurred_at=now,
                    source_ref=ref[:160],
                    state=original.state if unpaid else S.AVAILABLE,
                    available_at=original.available_at if unpaid else now,
                    channel=original.channel,
                    agency_id=original.agency_id,
                    contract_kind=original.contract_kind,
                    order_line=line,
                    reverses=original,
                )
            )
            if reversal is not None:
                if reversal.state == S.AVAILABLE:  # pending ones accrue when released
                    ledger_earnings_post(
                        earnings=Earning.objects.filter(pk=reversal.pk), step="accrued", now=now
                    )
                written.append(reversal)
    return written
