from celery import shared_task

from .services import earnings_release_due


@shared_task(acks_late=True, name="payouts.tasks.commission_release_due")
def commission_release_due() -> int:
    """Beat: commission whose return window has passed becomes available (idempotent)."""
    return earnings_release_due()
