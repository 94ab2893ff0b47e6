from celery import shared_task
from django.utils import timezone

from .runs import payout_runs_compute_for_period, period_previous
from .services import earnings_release_due


@shared_task(acks_late=True, name="payouts.tasks.commission_release_due")
def commission_release_due() -> int:
    """Beat: commission whose return window has passed becomes available (idempotent)."""
    return earnings_release_due()


@shared_task(acks_late=True, name="payouts.tasks.payout_runs_monthly")
def payout_runs_monthly(period: str | None = None) -> list[int]:
    """Beat: compute last month's runs for every scope (idempotent: computed runs stay)."""
    period = period or period_previous(today=timezone.localdate())
    return payout_runs_compute_for_period(period=period)
