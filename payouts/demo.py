"""Demo payouts: two months of rewards, the earlier month paid, the last one left to run.

``payouts_demo_load`` (``manage.py demo_payouts``, after ``demo_data``) is idempotent:

- Creators who earn get legal names; the overseas employees of Harbour Talent are
  non-residents of China (fewer than 183 days); one personal-account creator has a bank
  account on file, another has none (its transfer is held with the reason).
- Rewards for the month before last and for last month go through the same validation and
  intake as ``POST /api/rewards/`` (amounts fixed, so statements can be checked by hand:
  README, "Payouts in the demo").
- The month before last is computed, approved, sent (bank file written, Stripe Connect
  transfers to ``STRIPE_CONNECT_API_BASE``: ``make demo`` starts the local stand-in) and
  its bank batch settled, so the portal has history and cumulative withholding carries.
- Last month stays ``available``: ``payout_run --period <last month>`` computes it, the
  admin approves and sends it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.models import Creator
from agencies.personal import PERSONAL_FIELDS, creator_personal_set, creators_personal_get_many

from .models import Earning, PayoutBatch, PayoutRun
from .runs import payout_run_approve, payout_runs_compute_for_period, period_previous
from .services import IntakeOutcome, rewards_intake
from .transfers import payout_batch_settle, payout_run_send
from .validation import IntakeRules, event_validate

# handle: legal name (as on the identity document)
LEGAL_NAMES = {
    "xiaomei": "王小美",
    "lily-shanghai": "李莉",
    "chengdu-foodie": "张成",
    "hangzhou-tea": "陈杭",
    "yuki-tokyo": "SATO·YUKI",
    "emma-london": "EMMA·WILSON",
}
NON_RESIDENTS = ("yuki-tokyo", "emma-london")
# The personal-account creator paid by bank file (hangzhou-tea has no account: held).
PERSONAL_ACCOUNTS = {
    "chengdu-foodie": dict(
        payout_bank_name="中国建设银行成都分行",
        payout_account_name="张成",
        payout_account_number="6217003810000123456",
        payout_bank_code="105651000016",
    ),
}
# (handle, kind, amount, currency) per month: 0 = the month before last, 1 = last month.
REWARDS = {
    0: [
        ("xiaomei", "tip", "15000.00", "CNY"),
        ("lily-shanghai", "tip", "3000.00", "CNY"),
        ("yuki-tokyo", "tip", "8000.00", "CNY"),
        ("emma-london", "tip", "12000.00", "CNY"),
        ("chengdu-foodie", "tip", "5000.00", "CNY"),
    ],
    1: [
        ("xiaomei", "tip", "12000.00", "CNY"),
        ("xiaomei", "gift", "80000", "COIN"),
        ("lily-shanghai", "tip", "6000.00", "CNY"),
        ("yuki-tokyo", "tip", "10000.00", "HKD"),
        ("emma-london", "tip", "9000.00", "CNY"),
        ("chengdu-foodie", "tip", "8000.00", "CNY"),
        ("hangzhou-tea", "tip", "1200.00", "CNY"),
    ],
}


def _month_start(period: str) -> datetime:
    year, month = (int(part) for part in period.split("-"))
    return timezone.make_aware(datetime.combine(date(year, month, 1), time(12)))


def _creators_prepare() -> None:
    # Legal names and accounts through agencies.personal: a creator homed outside the
    # global region keeps them in their region's store (issue #17).
    creators = list(Creator.objects.filter(handle__in=[*LEGAL_NAMES, *PERSONAL_ACCOUNTS]))
    personal = creators_personal_get_many(creators=creators)
    for creator in creators:
        values = {}
        if creator.handle in LEGAL_NAMES and not personal[creator.pk].legal_name:
            values["legal_name"] = LEGAL_NAMES[creator.handle]
        details = PERSONAL_ACCOUNTS.get(creator.handle)
        if details and not personal[creator.pk].payout_account_number:
            values.update({k: v for k, v in details.items() if k in PERSONAL_FIELDS})
            Creator.objects.filter(pk=creator.pk).update(
                payout_bank_code=details["payout_bank_code"]
            )
        if values:
            creator_personal_set(creator=creator, values=values)
    Creator.objects.filter(handle__in=NON_RESIDENTS).update(
        tax_residency=Creator.Residency.NON_RESIDENT,
        residency_basis=Creator.ResidencyBasis.DAYS_UNDER_183,
    )


def _rewards_post(*, period: str, month: int) -> int:
    """Post the month's rewards through the API's validation and intake, dated in it."""
    start = _month_start(period)
    events = []
    for n, (handle, kind, amount, currency) in enumerate(REWARDS[month]):
        occurred_at = start + timedelta(days=2 + n)
        data = {
            "event_id": f"demo-{period}-{n}",
            "creator": handle,
            "kind": kind,
            "amount": amount,
            "currency": currency,
            "occurred_at": occurred_at.isoformat(),
            "stream_id": f"demo-stream-{period}",
        }
        rules = IntakeRules.from_settings(now=occurred_at + timedelta(minutes=1))
        events.append(event_validate(data, rules=rules))
    results = rewards_intake(events=events, now=start + timedelta(days=28))
    return sum(1 for result in results if result.outcome is IntakeOutcome.WRITTEN)


def _month_paid(*, period: str, admin) -> None:
    """Compute, approve and send every run of ``period``; settle its bank batches."""
    for run_id in payout_runs_compute_for_period(period=period):
        run = PayoutRun.objects.get(pk=run_id)
        if run.state == PayoutRun.State.COMPUTED:
            run = payout_run_approve(run=run, user=admin)
        if run.state == PayoutRun.State.APPROVED:
            payout_run_send(run=run, user=admin)
    for batch in PayoutBatch.objects.filter(run__period=period, state=PayoutBatch.State.WRITTEN):
        payout_batch_settle(batch=batch, user=admin)


def payouts_demo_load(*, today: date | None = None) -> dict[str, object]:
    """Load the demo payouts (see the module docstring); returns the periods and counts."""
    today = today or timezone.localdate()
    last = period_previous(today=today)
    before = period_previous(today=_month_start(last).date())
    admin = get_user_model().objects.filter(username="admin").first()
    with transaction.atomic():
        _creators_prepare()
        posted = _rewards_post(period=before, month=0) + _rewards_post(period=last, month=1)
    # Outside the transaction: sending queues its tasks on commit.
    _month_paid(period=before, admin=admin)
    available = Earning.objects.filter(state=Earning.State.AVAILABLE).count()
    return {"paid_period": before, "open_period": last, "posted": posted, "available": available}
