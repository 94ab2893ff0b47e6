"""Residency beat jobs (issue #17)."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings


@shared_task(name="commerce.residency.tasks.personal_records_sweep_task")
def personal_records_sweep_task() -> dict[str, int]:
    """Beat job: delete regional records no global row points at, past the grace period."""
    from commerce.residency.services import personal_records_sweep

    return personal_records_sweep(grace=timedelta(hours=settings.RESIDENCY_ORPHAN_GRACE_HOURS))
