"""Which payouts tasks touch personal data, and whose (issue #17, item 5).

Registered with :mod:`commerce.residency.queues`: a transfer to an overseas creator is
submitted by the worker of the creator's region (it reads the creator's payout account
from that region's store); transfers to agencies (companies, no personal data) stay on the
default queue.
"""

from __future__ import annotations

from commerce.residency.queues import personal_task_register


def transfer_region(transfer_id: int, *args, **kwargs) -> str | None:
    """The home region of a transfer's creator payee (one query); None for an agency payee
    or a creator whose user has no home region, who is in the global region (the rule of
    ``agencies.personal``: their values are on the global row)."""
    from .models import Transfer

    return (
        Transfer.objects.filter(pk=transfer_id, creator__isnull=False)
        .values_list("creator__user__home_region__region", flat=True)
        .first()
    )


personal_task_register(task_name="payouts.tasks.payout_transfer_submit", region_of=transfer_region)
