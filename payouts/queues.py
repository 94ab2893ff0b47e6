"""Which payouts tasks touch personal data, and whose (issue #17, item 5).

Registered with :mod:`commerce.residency.queues`: a transfer to an overseas creator is
submitted by the worker of the creator's region (it reads the creator's payout account
from that region's store); transfers to agencies (companies, no personal data) stay on the
default queue.
"""

from __future__ import annotations

from commerce.residency.queues import personal_task_register


def transfer_region(transfer_id: int, *args, **kwargs) -> str | None:
    """The home region of a transfer's creator payee; None for an agency payee."""
    from agencies.encryption.regions import region_for_country
    from commerce.residency.models import HomeRegion

    from .models import Transfer

    row = (
        Transfer.objects.filter(pk=transfer_id, creator__isnull=False)
        .values_list("creator__user_id", "creator__country")
        .first()
    )
    if row is None:
        return None
    user_id, country = row
    if user_id is not None:
        region = HomeRegion.objects.filter(user_id=user_id).values_list("region", flat=True).first()
        if region:
            return region
    return region_for_country(country=country)


personal_task_register(task_name="payouts.tasks.payout_transfer_submit", region_of=transfer_region)
