"""Payout runs: compute a month's lines, tax and ledger postings for one scope; approve.

A run covers one period ("YYYY-MM") and one scope: one agency's creators (earnings whose
channel was that agency) or personal accounts (earnings paid to creators directly).
``payout_run_compute`` is idempotent and resumable: a computed (or later) run is returned
as it is; a draft or failed run is computed again from scratch, in one transaction.

Decisions:

- Earnings included: ``available`` earnings of the scope that occurred before the end of
  the period (Asia/Shanghai), earlier months' leftovers included. A creator whose
  included earnings sum to zero or less (reversals) gets no line; those earnings stay
  available for a later run.
- FX: everything is paid in CNY. Other currencies are converted with the stored rate of
  kind ``customs`` (``PAYOUT_RATE_KIND``: the officially published rate, not a shop's
  display rate) in force on the last day of the period, rounded to 10 places half-up; the
  creator's sum in each currency (all contract kinds together) is converted and rounded
  to the fen half-up, then added. A currency without a rate refuses the run before
  anything is written.
- Agency share: ``gross * Agency.share`` rounded to the fen half-up; none for personal
  accounts. The creator's income (``PayoutLine.income``) is gross less that share.
- Regime, from the contract kind recorded on the earnings (employment wins when a month
  mixes kinds) and the creator's tax residency: employment → ``cn-resident-wages`` /
  ``cn-nonresident-wages``; service → ``cn-resident-labour`` / ``cn-nonresident-labour``;
  personal account → ``cn-platform-labour`` (the platform withholds) for residents,
  ``cn-nonresident-labour`` for non-residents.
- Cumulative withholding: the engine is given the creator's earlier lines of the same tax
  year and regime (runs computed or later, in period order) as payments, then this
  period's income; this line's figures are the last result. No special deductions or
  elections are known yet, so none are passed.
- Ledger: one entry per line, ``payout-line:<run>:<creator>`` (shape in payouts.ledger).
  The earnings were accrued to ``creator_earned`` in their own currency when they became
  available; the line debits it with the creator's sum per currency (clearing it for the
  run's earnings), bridges each other currency to CNY through ``fx_conversion`` at the
  line's converted amount, and credits agency share, tax and net in CNY. Creators left out
  post nothing: their earnings stay available and accrued.
- Identity before money (#14 item 7): in an agency run, a creator whose legal name, ID
  type or ID number is missing (``payouts.identity.creators_identity_missing``) is held:
  no line, their earnings stay available and accrued, and the run's record of its
  computing names them with what is missing (the admin run page shows it). Every regime
  of an agency run is filed by the agency with that identity. A later run, once it is on
  file, pays them. Personal runs compute the line and hold the transfer instead
  (``payouts.transfers``).
- Steps, for 1,000,000 earnings near the database's floor (#14 item 6): one aggregate
  totals the scope's available earnings per creator; the left-out and held creators are
  decided in Python; one UPDATE then takes the others' earnings (``payouts.states.
  earnings_take``: lock, move, link and sum in one statement, recorded set-wise by the
  link and the run's record, no history row per earning) while Python works out every
  line's withholding on another core (``_alongside``: the same connection and
  transaction, in a thread). What was taken must be what was totalled, creator by
  creator, or the run fails and computing it again takes the newcomers too. Lines and
  ledger entries are then written by COPY in batches of ``BATCH``; PostgreSQL checks
  each batch's entries balance as its COPY ends, set-wise (``payouts.ledger``).
"""

from __future__ import annotations

import gc
import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from operator import itemgetter
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Count, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.models import Agency, Contract, Creator
from commerce.partner.fx import RateMissing, rate_get
from tax.errors import TaxInputError
from tax.money import quantize_money
from tax.withholding import Payment, withhold

from .bulk import JsonText, rows_insert
from .errors import PayoutRunError, PayoutRunFailed, PayoutRunRefused
from .identity import creators_identity_missing, identity_hold_reason
from .ledger import Account, EntrySpec, Leg, ledger_entries_post
from .models import Earning, PayoutLine, PayoutRun
from .periods import Period, PeriodError
from .states import RUNS, earnings_take, state_move, state_record_created

__all__ = ["PayoutRunError", "PayoutRunFailed", "PayoutRunRefused"]

logger = logging.getLogger(__name__)

PAYOUT_CURRENCY = "CNY"
PAYOUT_RATE_KIND = "customs"
RATE_PLACES = Decimal("1e-10")
# Rows per COPY and ledger batch: any positive size writes the same rows (equivalent mutants).
BATCH = 5000  # pragma: no mutate
T = TypeVar("T")
R = PayoutRun.State
# Runs whose lines count as earlier withholding of the tax year.
COUNTED_STATES = (R.COMPUTED, R.APPROVED, R.SENDING, R.COMPLETED)
LINE_FIELDS = (
    "run_id",
    "creator_id",
    "period",
    "regime",
    "currency",
    "fx_rates",
    "earnings_count",
    "gross",
    "agency_share",
    "income",
    "taxable_income",
    "tax",
    "net",
    "working",
)


# --- Periods (payouts.periods.Period) ---------------------------------------------------------


def period_parse(*, period: str) -> Period:
    """A run's period (a month); ``PayoutRunRefused`` with the format otherwise."""
    try:
        return Period.parse(period)
    except PeriodError as exc:
        raise PayoutRunRefused(str(exc)) from None


def period_bounds(*, period: str) -> tuple[datetime, datetime]:
    """The period's first instant and the next period's, in the current time zone."""
    return period_parse(period=period).bounds()


def period_previous(*, today: date) -> str:
    return str(Period.before(today))


# --- State moves ----------------------------------------------------------------------------


def payout_run_approve(*, run: PayoutRun, user) -> PayoutRun:
    """Approve a computed run (the four-eyes step before sending); PayoutRunError otherwise."""
    with transaction.atomic():
        locked = PayoutRun.objects.select_for_update().get(pk=run.pk)
        if locked.state != R.COMPUTED:
            raise PayoutRunError(
                _("Only a computed payout run can be approved; this one is %(state)s.")
                % {"state": locked.state}
            )
        state_move(machine=RUNS, obj=locked, to_state=R.APPROVED, actor=user)
    return locked


def payout_run_fail(*, run_id: int, reason: str) -> None:
    """Record a failure (in its own transaction, after the computing one rolled back)."""
    with transaction.atomic():
        run = PayoutRun.objects.select_for_update().get(pk=run_id)
        if RUNS.allows(run.state, R.FAILED) and run.state != R.COMPUTED:
            state_move(machine=RUNS, obj=run, to_state=R.FAILED, reason=reason[:2000])


# --- Computing ------------------------------------------------------------------------------


def _scope_q(*, agency: Agency | None) -> Q:
    if agency is None:
        return Q(channel=Earning.Channel.PERSONAL)
    return Q(channel=Earning.Channel.AGENCY, agency_id=agency.pk)


def _rates(*, currencies, on: date) -> dict[str, Decimal]:
    rates = {}
    for currency in sorted(currencies):
        if currency == PAYOUT_CURRENCY:
            continue
        try:
            rate = rate_get(base=currency, quote=PAYOUT_CURRENCY, kind=PAYOUT_RATE_KIND, on=on)
        except RateMissing:
            raise PayoutRunRefused(
                _("No %(kind)s rate from %(currency)s to CNY on %(day)s: add the rate first.")
                % {"kind": PAYOUT_RATE_KIND, "currency": currency, "day": on.isoformat()}
            ) from None
        rates[currency] = rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    return rates


def _run_get_or_create(*, period: str, agency: Agency | None, now: datetime) -> PayoutRun:
    run = PayoutRun.objects.filter(period=period, agency=agency).first()
    if run is not None:
        return run
    scope = PayoutRun.Scope.PERSONAL if agency is None else PayoutRun.Scope.AGENCY
    try:
        with transaction.atomic():
            run = PayoutRun.objects.create(period=period, scope=scope, agency=agency)
            state_record_created(machine=RUNS, objs=[run], now=now)
            return run
    except IntegrityError:  # created concurrently: one run per scope and period
        return PayoutRun.objects.get(period=period, agency=agency)


def regime_for(*, contract_kind: str, residency: str, personal: bool) -> str:
    resident = residency == Creator.Residency.RESIDENT
    if personal:
        return "cn-platform-labour" if resident else "cn-nonresident-labour"
    if contract_kind == Contract.Kind.EMPLOYMENT:
        return "cn-resident-wages" if resident else "cn-nonresident-wages"
    return "cn-resident-labour" if resident else "cn-nonresident-labour"


def payout_run_compute(
    *,
    period: str,
    agency: Agency | None = None,
    personal: bool = False,
    now: datetime | None = None,
) -> PayoutRun:
    """Create (or resume) and compute the run of ``period`` for one scope.

    Refuses (``PayoutRunRefused``, nothing written) a period not over, a bad scope, or a
    currency without a rate. Any error while computing rolls everything back and records
    the run as failed with the reason (``PayoutRunFailed``). Concurrent calls for one scope
    and period compute one run: the unique constraint and the run row's lock.
    """
    now = now or timezone.now()
    if (agency is None) == (not personal):
        raise PayoutRunRefused(_("Give exactly one scope: an agency or personal accounts."))
    start, end = period_parse(period=period).bounds()
    if now < end:
        raise PayoutRunRefused(
            _("Period %(period)s is not over yet: a run can be computed from %(day)s.")
            % {"period": period, "day": timezone.localdate(end).isoformat()}
        )
    scope = _scope_q(agency=agency) & Q(state=Earning.State.AVAILABLE, occurred_at__lt=end)
    rate_day = timezone.localdate(end) - timedelta(days=1)
    currencies = set(
        Earning.objects.filter(scope).order_by().values_list("currency", flat=True).distinct()
    )
    rates = _rates(currencies=currencies, on=rate_day)

    run = _run_get_or_create(period=period, agency=agency, now=now)
    try:
        with transaction.atomic():
            locked = PayoutRun.objects.select_related("agency").select_for_update(of=("self",))
            run = locked.get(pk=run.pk)
            if run.state not in (R.DRAFT, R.FAILED):
                return run  # computed already (or later): idempotent
            with _collector_paused():
                record = _compute(run=run, scope=scope, rates=rates, now=now)
            # The record of the earnings' take (payouts.states: recorded set-wise).
            state_move(machine=RUNS, obj=run, to_state=R.COMPUTED, now=now, reason=record)
    except Exception as exc:
        reason = f"{type(exc).__name__}: {exc}"
        logger.exception("payout run %s failed", run.pk)
        payout_run_fail(run_id=run.pk, reason=reason)
        raise PayoutRunFailed(
            _("Payout run %(period)s failed, nothing was written: %(reason)s")
            % {"period": period, "reason": reason}
        ) from exc
    return run


_KINDS: dict[frozenset[str], frozenset[str]] = {}


@dataclass(slots=True)
class CreatorTotals:
    """One creator's earnings taken into a run, before and after conversion to CNY."""

    residency: str
    sums: dict[str, Decimal] = field(default_factory=dict)  # per earning currency
    count: int = 0
    contract_kinds: frozenset[str] = frozenset()  # shared (``kinds_add``): 100,000 creators
    converted: dict[str, Decimal] | None = None  # each sum other than CNY's, in CNY
    gross: Decimal = Decimal(0)  # CNY

    def kinds_add(self, kind: str) -> None:
        if kind not in self.contract_kinds:
            found = self.contract_kinds | {kind}
            self.contract_kinds = _KINDS.setdefault(found, found)

    @property
    def contract_kind(self) -> str:
        """Employment wins when a month mixes kinds."""
        if Contract.Kind.EMPLOYMENT in self.contract_kinds:
            return Contract.Kind.EMPLOYMENT
        return Contract.Kind.SERVICE


@dataclass(frozen=True, slots=True)
class LineFigures:
    """What one creator is paid: the line's money and the engine's working."""

    regime: str
    gross: Decimal
    agency_share: Decimal
    taxable_income: Decimal
    tax: Decimal
    working: JsonText  # the engine's working, serialised (kept for every line at once)

    @property
    def income(self) -> Decimal:
        return self.gross - self.agency_share

    @property
    def net(self) -> Decimal:
        return self.income - self.tax


def _compute(*, run: PayoutRun, scope: Q, rates: dict, now: datetime) -> str:
    """Take the scope's earnings, total them per creator, write lines and ledger entries.

    Returns the record of the take (the reason of the run's move to ``computed``)."""
    personal = run.agency_id is None
    share = Decimal(0) if personal else run.agency.share
    if connection.vendor == "postgresql":
        # The run's statements read each earning once: compiling them (JIT, 0.1-0.3 s a
        # statement on the bench's million earnings) costs more than it saves there.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
    available = Earning.objects.filter(scope)
    totals = _totals_gather(earnings=available)
    _totals_convert(totals=totals, rates=rates)
    held = {} if personal else _identity_held(creator_ids=list(totals))
    left_out = {cid for cid, creator in totals.items() if creator.gross <= 0}
    for cid in left_out | set(held):
        del totals[cid]
    history = _history_load(run=run, earnings=available)
    creator_ids = sorted(totals)
    # The take (PostgreSQL's work: lock, move, sum a million rows) runs while Python works
    # out every line's withholding; both are checked against each other afterwards.
    with _alongside(
        lambda: earnings_take(run=run, queryset=available, exclude_creators=left_out | set(held))
    ) as take:
        figures = [
            _line_figures(
                run=run,
                creator_id=creator_id,
                totals=totals[creator_id],
                share=share,
                personal=personal,
                history=history.get(creator_id, ()),
            )
            for creator_id in creator_ids
        ]
    count = _totals_check(totals=totals, taken=take.result())
    for start in range(0, len(creator_ids), BATCH):
        lines, entries = [], []
        for creator_id, f in zip(
            creator_ids[start : start + BATCH], figures[start : start + BATCH], strict=True
        ):
            creator = totals[creator_id]
            fx = {c: str(rates[c]) for c in sorted(creator.sums) if c != PAYOUT_CURRENCY}
            lines.append(_line_row(run=run, creator_id=creator_id, totals=creator, fx=fx, f=f))
            entries.append(_line_entry(run=run, creator_id=creator_id, totals=creator, f=f))
        rows_insert(model=PayoutLine, fields=LINE_FIELDS, rows=lines)
        ledger_entries_post(entries=entries, batch_size=BATCH, returning=False)
    return _take_record(count=count, left_out=len(left_out), held=held)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a run computes. The run builds
    millions of small objects without cycles (Decimals, tuples, slotted records) that
    reference counting frees; the collector would only scan them again and again as they
    pile up: 1.2 s of a 9 s run at 100,000 creators (measured). The few cycles the run
    leaves are collected once it is back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def _alongside(statement: Callable[[], T]) -> Iterator[Future[T]]:
    """Run ``statement`` (database work on this connection) in a thread while the block
    computes in Python; the block must not use the database. On PostgreSQL the server works
    on one core while Python works on another. The thread is always waited for, so an
    error in the block rolls back after the statement is done. Elsewhere: in line."""
    if connection.vendor != "postgresql":
        future: Future[T] = Future()
        try:
            future.set_result(statement())
        except Exception as exc:
            future.set_exception(exc)
        yield future
        return
    shared = connections[DEFAULT_DB_ALIAS]  # in the transaction; a thread has its own

    def in_thread() -> T:
        connections[DEFAULT_DB_ALIAS] = shared
        try:
            return statement()
        finally:
            del connections[DEFAULT_DB_ALIAS]

    shared.inc_thread_sharing()
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="payout-run") as pool:
            future = pool.submit(in_thread)
            try:
                yield future
            finally:
                wait([future])
    finally:
        shared.dec_thread_sharing()


def _identity_held(*, creator_ids: list[int]) -> dict[int, list[str]]:
    """Agency runs: creators whose identity for the tax filing is incomplete (id -> what is
    missing). Every regime of an agency run (wages, labour remuneration, resident or not)
    is withheld by the agency and filed with the creator's name, ID type and ID number
    (``payouts.regimes``: each has an income item); a line without them could not be
    filed, so the creator is held from the run and their earnings stay available. Personal
    runs compute the line and hold the transfer instead (``payouts.transfers``)."""
    if not creator_ids:
        return {}
    missing = creators_identity_missing(creator_ids=creator_ids)
    handles = dict(
        Creator.objects.filter(pk__in=[cid for cid, labels in missing.items() if labels])
        .order_by()
        .values_list("pk", "handle")
    )
    return {cid: [handles.get(cid, str(cid)), *labels] for cid, labels in missing.items() if labels}


HELD_LISTED = 100  # creators named in the run's record; the rest are counted


def _take_record(*, count: int, left_out: int, held: dict[int, list[str]]) -> str:
    """The reason of the run's move to ``computed``: the set-wise record of its take."""
    parts = [
        _("Earnings taken (available → in_run): %(count)d.") % {"count": count},
    ]
    if left_out:
        parts.append(
            _("Creators left out, their sum is not positive: %(count)d.") % {"count": left_out}
        )
    if held:
        listed = sorted(held.items(), key=lambda item: item[1][0])
        named = [
            f"{handle}: {identity_hold_reason(labels)}"
            for _cid, (handle, *labels) in listed[:HELD_LISTED]
        ]
        if len(listed) > HELD_LISTED:
            named.append(_("and %(count)d more") % {"count": len(listed) - HELD_LISTED})
        parts.append(
            _("Creators held, their earnings stay available (%(count)d): %(held)s")
            % {"count": len(held), "held": "; ".join(named)}
        )
    return " ".join(parts)


def _totals_gather(*, earnings) -> dict[int, CreatorTotals]:
    """One SQL aggregate: each creator's sum and count per currency and contract kind."""
    groups = (
        earnings.order_by()
        .values("creator_id", "creator__tax_residency", "currency", "contract_kind")
        .annotate(total=Sum("amount"), n=Count("id"))
        .values_list(
            "creator_id", "creator__tax_residency", "currency", "contract_kind", "total", "n"
        )
    )
    totals: dict[int, CreatorTotals] = {}
    # Fetched at once (100,000 small rows): a server-side cursor (``iterator()``) took
    # 0.2 s longer, and PostgreSQL plans no parallel workers for it.
    for creator_id, residency, currency, kind, total, n in groups:
        creator = totals.get(creator_id)
        if creator is None:
            creator = totals[creator_id] = CreatorTotals(residency=residency)
        creator.sums[currency] = creator.sums.get(currency, Decimal(0)) + total
        creator.count += n
        creator.kinds_add(kind)
    return totals


def _totals_convert(*, totals: dict[int, CreatorTotals], rates: dict[str, Decimal]) -> None:
    """Each currency's sum in CNY (rounded to the fen half-up), added up as the gross."""
    for creator in totals.values():
        for currency, total in creator.sums.items():
            if currency == PAYOUT_CURRENCY:
                creator.gross += total
                continue
            rate = rates.get(currency)
            if rate is None:  # arrived after the pre-check
                raise PayoutRunError(_("No rate for %(currency)s.") % {"currency": currency})
            converted = quantize_money(total * rate, PAYOUT_CURRENCY, ROUND_HALF_UP)
            creator.gross += converted
            if creator.converted is None:
                creator.converted = {}
            creator.converted[currency] = converted


def _totals_check(*, totals: dict[int, CreatorTotals], taken: list[tuple]) -> int:
    """The earnings taken are the ones totalled (the take locks them; an earning that became
    available or changed in between refuses the run: computing it again takes it too).
    ``taken`` is ordered by creator. Returns how many were taken."""
    count, seen = 0, 0
    for creator_id, rows in groupby(taken, key=itemgetter(0)):
        mine = totals.get(creator_id)
        sums: dict[str, Decimal] = {}
        kinds, n = set(), 0
        for _creator, currency, kind, total, number in rows:
            sums[currency] = sums.get(currency, Decimal(0)) + total
            kinds.add(kind)
            n += number
        if mine is None or (mine.sums, mine.count, mine.contract_kinds) != (sums, n, kinds):
            raise _changed(creator_id)
        count, seen = count + n, seen + 1
    if seen != len(totals):
        missing = min(set(totals) - {row[0] for row in taken})
        raise _changed(missing)
    return count


def _changed(creator_id: int) -> PayoutRunError:
    return PayoutRunError(
        _(
            "The earnings of creator %(creator)s changed while the run was computed; "
            "compute it again."
        )
        % {"creator": creator_id}
    )


def _history_load(*, run: PayoutRun, earnings) -> dict[int, list[tuple[str, str, Decimal]]]:
    """The earlier lines of the tax year of the creators of ``earnings``: (regime, period,
    income), in order."""
    period = Period.parse(run.period)
    history: dict[int, list[tuple[str, str, Decimal]]] = defaultdict(list)
    earlier = (
        PayoutLine.objects.filter(
            creator_id__in=Subquery(earnings.order_by().values("creator_id").distinct()),
            period__gte=period.year_start,
            period__lte=run.period,
            run__state__in=COUNTED_STATES,
        )
        .exclude(run=run)
        .order_by("period", "run_id")
        .values_list("creator_id", "regime", "period", "income")
    )
    for creator_id, regime, line_period, income in earlier.iterator(chunk_size=BATCH):
        history[creator_id].append((regime, line_period, income))
    return history


def _line_figures(
    *, run: PayoutRun, creator_id: int, totals: CreatorTotals, share, personal, history
) -> LineFigures:
    """Agency share, regime and this period's withholding (cumulative over the year)."""
    regime = regime_for(
        contract_kind=totals.contract_kind, residency=totals.residency, personal=personal
    )
    gross = totals.gross
    agency_share = quantize_money(gross * share, PAYOUT_CURRENCY, ROUND_HALF_UP)
    income = gross - agency_share
    payments = [Payment(period=p, gross=amount) for r, p, amount in history if r == regime]
    payments.append(Payment(period=run.period, gross=income))
    try:
        result = withhold(regime, payments)[-1]
    except TaxInputError as exc:
        raise PayoutRunError(f"creator {creator_id}: {exc}") from exc
    return LineFigures(
        regime=regime,
        gross=gross,
        agency_share=agency_share,
        taxable_income=result.taxable_income,
        tax=result.tax,
        working=JsonText(json.dumps(result.as_dict())),
    )


def _line_row(*, run: PayoutRun, creator_id: int, totals: CreatorTotals, fx, f: LineFigures):
    """The payout line's columns, in ``LINE_FIELDS`` order."""
    return (
        run.pk,
        creator_id,
        run.period,
        f.regime,
        PAYOUT_CURRENCY,
        fx,
        totals.count,
        f.gross,
        f.agency_share,
        f.income,
        f.taxable_income,
        f.tax,
        f.net,
        f.working,
    )


def _line_entry(*, run: PayoutRun, creator_id: int, totals: CreatorTotals, f: LineFigures):
    """The line's ledger entry (shape in payouts.ledger): clear the accrual in each earning
    currency, bridge foreign currencies to CNY, credit agency share, tax and net."""
    legs = []
    for currency in sorted(totals.sums):
        total = totals.sums[currency]
        if total:
            legs.append(Leg(Account.CREATOR_EARNED, total, currency, creator_id=creator_id))
        if currency == PAYOUT_CURRENCY:
            continue
        if total:
            legs.append(Leg(Account.FX_CONVERSION, -total, currency))
        if totals.converted[currency]:
            legs.append(Leg(Account.FX_CONVERSION, totals.converted[currency], PAYOUT_CURRENCY))
    if f.agency_share:
        legs.append(
            Leg(Account.AGENCY_PAYABLE, -f.agency_share, PAYOUT_CURRENCY, agency_id=run.agency_id)
        )
    if f.tax:
        legs.append(Leg(Account.TAX_PAYABLE, -f.tax, PAYOUT_CURRENCY))
    if f.net:
        legs.append(Leg(Account.CREATOR_PAYABLE, -f.net, PAYOUT_CURRENCY, creator_id=creator_id))
    return EntrySpec(
        reference=f"payout-line:{run.pk}:{creator_id}",
        kind="payout_line",
        legs=legs,
        description=f"payout {run.period} creator {creator_id}",
    )


def payout_runs_compute_for_period(*, period: str) -> list[int]:
    """Compute every scope with available earnings in ``period`` (the monthly beat).

    Each scope is computed on its own; a failure is logged and the others go on.
    """
    _, end = period_bounds(period=period)
    due = Earning.objects.filter(state=Earning.State.AVAILABLE, occurred_at__lt=end).order_by()
    agency_ids = sorted(
        set(due.filter(channel=Earning.Channel.AGENCY).values_list("agency_id", flat=True))
    )
    scopes: list[tuple[Agency | None, bool]] = [
        (a, False) for a in Agency.objects.filter(id__in=agency_ids)
    ]
    if due.filter(channel=Earning.Channel.PERSONAL).exists():
        scopes.append((None, True))
    done = []
    for agency, personal in scopes:
        try:
            done.append(payout_run_compute(period=period, agency=agency, personal=personal).pk)
        except PayoutRunError:
            logger.exception("payout run %s (%s) not computed", period, agency or "personal")
    return done
