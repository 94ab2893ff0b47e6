"""Reads of personal data: every reader goes through here (issue #17, item 2).

``personal_data_get`` reads one user's values from their region's store;
``personal_data_get_many`` reads many users with one query per store (bounded query counts
on pages listing people). A user of the global region without a regional record falls back
to the global user row (their data legitimately lives there).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model

from agencies.encryption.regions import global_region, region_database, region_for_country
from commerce.residency.models import HomeRegion, PersonalRecord

PERSONAL_KEYS = ("first_name", "last_name", "email", "phone", "addresses", "legal_name")


def home_region_get(*, user) -> HomeRegion | None:
    return HomeRegion.objects.filter(user=user).first()


def region_for_user(*, user) -> str:
    home = home_region_get(user=user)
    return home.region if home is not None else global_region()


def _global_values(user) -> dict:
    return {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
    }


def personal_data_get(*, user) -> dict:
    """The user's personal values (``{}`` once erased)."""
    return personal_data_get_many(users=[user]).get(user.pk, {})


def personal_data_get_many(*, users: Iterable) -> dict[int, dict]:
    """user id -> personal values, one query on ``default`` plus one per regional store."""
    users = list(users)
    homes = {h.user_id: h for h in HomeRegion.objects.filter(user__in=[u.pk for u in users])}
    tokens_by_alias: dict[str, list] = defaultdict(list)
    for user in users:
        home = homes.get(user.pk)
        if home is not None:
            tokens_by_alias[region_database(region=home.region)].append(home.token)
    records = {}
    for alias, tokens in tokens_by_alias.items():
        for record in PersonalRecord.objects.using(alias).filter(token__in=tokens):
            records[record.token] = record
    result = {}
    for user in users:
        home = homes.get(user.pk)
        record = records.get(home.token) if home is not None else None
        if record is not None:
            result[user.pk] = dict(record.payload)
        elif home is None or home.region == global_region():
            result[user.pk] = _global_values(user)
        else:
            result[user.pk] = {}
    return result


def user_by_email(*, email: str):
    """The user signed up with ``email``, by keyed hash for regional users (their email is
    not in the global database), else by the global column."""
    from agencies.encryption.crypto import keyed_hash

    home = (
        HomeRegion.objects.select_related("user")
        .filter(email_hash=keyed_hash(value=email, purpose="email"))
        .first()
    )
    if home is not None:
        return home.user
    return get_user_model().objects.filter(email__iexact=email.strip()).first()


def home_region_for_country(*, country: str | None) -> str:
    return region_for_country(country=country)


# --- Creators' values (``agencies.personal`` reaches these by CREATOR_PERSONAL_STORE) ------


def creator_values_get_many(*, user_ids: Iterable[int]) -> dict[int, dict]:
    """user id -> the creator values (``payload["creator"]``) of their regional record;
    ``{}`` for a user without one. One query on ``default`` plus one per store."""
    User = get_user_model()
    # Key holders only (no query): the records are found by the users' home regions.
    data = personal_data_get_many(users=[User(pk=pk) for pk in set(user_ids)])
    return {pk: dict(values.get("creator") or {}) for pk, values in data.items()}
