"""Celery tasks of the order app: thin wrappers around services."""

from celery import shared_task


@shared_task(name="commerce.order.tasks.webhook_deliveries_prune_task")
def webhook_deliveries_prune_task() -> dict[str, int]:
    """Beat job: delete unverified webhook deliveries past their retention time."""
    from commerce.webhook_store import webhook_deliveries_prune

    return webhook_deliveries_prune()
