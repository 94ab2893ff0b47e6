"""Reads for creators, agencies and contracts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Agency, Contract, Creator

PERSONAL = "personal"
AGENCY = "agency"


@dataclass(frozen=True)
class Channel:
    """Who a creator's reward income flows through on a given day."""

    kind: str  # AGENCY or PERSONAL
    agency_id: int | None = None
    contract_kind: str = ""


@dataclass(frozen=True)
class Eligibility:
    allowed: bool
    reason: str = ""
    channel: Channel | None = None


def contracts_active_on(*, day: date) -> QuerySet[Contract]:
    return Contract.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day
    )


def contract_active(*, creator: Creator, day: date) -> Contract | None:
    return contracts_active_on(day=day).filter(creator=creator).select_related("agency").first()


def contracts_by_creator(*, creator_ids, since: date) -> dict[int, list[Contract]]:
    """The contracts of several creators still valid on or after ``since``, in one query."""
    found: dict[int, list[Contract]] = {}
    rows = Contract.objects.filter(creator_id__in=set(creator_ids)).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=since)
    )
    for contract in rows:
        found.setdefault(contract.creator_id, []).append(contract)
    return found


def creator_eligibility(
    *, creator: Creator, day: date, contracts: list[Contract] | None = None, live: bool = False
) -> Eligibility:
    """May ``creator`` earn reward income on ``day``, and through which channel?

    ``contracts`` (the creator's contracts) may be given to avoid a query. ``live``: the
    income comes from a live stream (gift, tip), so an overseas creator also needs live
    permission granted (``agencies.live``).
    """
    if contracts is None:
        active = contract_active(creator=creator, day=day)
    else:
        active = next((c for c in contracts if c.covers(day)), None)
    channel = (
        Channel(kind=AGENCY, agency_id=active.agency_id, contract_kind=active.kind)
        if active
        else Channel(kind=PERSONAL)
    )
    if creator.is_overseas:
        if not creator.is_verified:
            return Eligibility(False, str(_("An overseas creator must be verified to earn.")))
        if active is None or active.kind != Contract.Kind.EMPLOYMENT:
            return Eligibility(
                False,
                str(_("An overseas creator needs an active employment contract to earn.")),
            )
        if live:
            from .live import live_status

            status = live_status(creator=creator)
            if not status.allowed:
                return Eligibility(
                    False,
                    str(_("No live permission: %(reason)s") % {"reason": status.reason}),
                )
    return Eligibility(True, channel=channel)


def agencies_for_user(*, user) -> QuerySet[Agency]:
    return Agency.objects.filter(staff=user)
