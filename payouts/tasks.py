"""Celery tasks: thin wrappers that import their services inside the task body.

Services import this module at the top (``payouts.transfers`` queues
``payout_transfer_submit``); tasks import services only when they run, so the two never
form an import cycle (``tests/test_import_graph.py``).
"""

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True, name="payouts.tasks.commission_release_due")
def commission_release_due() -> int:
    """Beat: commission whose return window has passed becomes available (idempotent)."""
    from .services import earnings_release_due

    return earnings_release_due()


@shared_task(acks_late=True, name="payouts.tasks.payout_runs_monthly")
def payout_runs_monthly(period: str | None = None) -> list[int]:
    """Beat: compute last month's runs for every scope (idempotent: computed runs stay)."""
    from .runs import payout_runs_compute_for_period, period_previous

    period = period or period_previous(today=timezone.localdate())
    return payout_runs_compute_for_period(period=period)


def retry_countdown(retries: int) -> int:
    """Seconds before retry number ``retries + 1``: 1, 2, 4, ... up to 10 minutes."""
    return min(2**retries, 600)


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=8,
    name="payouts.tasks.payout_transfer_submit",
)
def payout_transfer_submit(self, transfer_id: int) -> str:
    """Submit one transfer through its rail (idempotent: a sent transfer is left alone).

    A rail that cannot be reached is retried with exponential backoff (``retry_countdown``);
    each retry reuses the transfer's idempotency key. Once ``max_retries`` are used up the
    transfer is failed with the reason, so it never stays pending and the run completes.
    """
    from .transfers import TransferRetry, transfer_retries_exhausted, transfer_submit

    try:
        return transfer_submit(transfer_id=transfer_id)
    except TransferRetry as exc:
        if self.max_retries is not None and self.request.retries >= self.max_retries:
            return transfer_retries_exhausted(transfer_id=transfer_id, error=str(exc))
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task(acks_late=True, name="payouts.tasks.payout_transfers_requeue")
def payout_transfers_requeue() -> int:
    """Beat: queue again transfers left pending by a worker that died mid-task."""
    from .transfers import payout_transfers_requeue as requeue

    return requeue()
