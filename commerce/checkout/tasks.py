"""Celery tasks: thin wrappers over the webhook service, idempotent and acks_late."""

from celery import shared_task

from .webhooks import ProcessingFailed, stripe_event_process


@shared_task(
    acks_late=True,
    autoretry_for=(ProcessingFailed,),
    retry_backoff=True,
    max_retries=8,
)
def stripe_event_process_task(event_pk: int) -> str:
    return stripe_event_process(event_pk=event_pk)
