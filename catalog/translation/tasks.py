from celery import shared_task

from . import services
from .models import Translation


@shared_task(bind=True, acks_late=True, max_retries=services.MAX_ATTEMPTS)
def translation_run(self, translation_id: int) -> str:
    """Translate a long text off the request; a retryable failure comes back with back-off.

    In-process (eager) runs do not retry on the spot: the next reader's request retries once
    the row's back-off has passed.
    """
    row = services.translation_compute(translation_id=translation_id)
    if row.status == Translation.Status.FAILED and row.retryable and not self.request.is_eager:
        raise self.retry(countdown=services.backoff_seconds(row.attempts))
    return row.status
