"""Reads for earnings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC

from django.db.models import QuerySet

from .models import Earning


def _text(value) -> str | None:
    return None if value is None else str(value)


def earning_as_dict(earning: Mapping) -> dict:
    """The JSON shape of an earning in API answers (amounts as strings, times in UTC).

    ``earning`` is a mapping of ``payouts.services.EARNING_FIELDS`` (a ``values()`` row).
    """
    data = {
        "id": earning["id"],
        "source_ref": earning["source_ref"],
        "kind": earning["kind"],
        "amount": str(earning["amount"]),
        "currency": earning["currency"],
        "occurred_at": earning["occurred_at"].astimezone(UTC).isoformat(),
        "state": earning["state"],
        "channel": earning["channel"],
        "agency_id": earning["agency_id"],
        "contract_kind": earning["contract_kind"],
    }
    if earning["platform_share"] is not None:
        data["conversion"] = {
            "coins": earning["coins"],
            "coin_rate": _text(earning["coin_rate"]),
            "gross_amount": _text(earning["gross_amount"]),
            "platform_share": _text(earning["platform_share"]),
        }
    return data


def commission_for_partner_users(*, user) -> QuerySet[Earning]:
    """Commission owed on orders containing stock of the user's partners."""
    qs = Earning.objects.filter(kind=Earning.Kind.COMMISSION, order_line__isnull=False)
    if user.is_superuser:
        return qs
    return qs.filter(order_line__partner__users=user).distinct()
