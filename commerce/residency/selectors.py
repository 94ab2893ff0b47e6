"""Reads of personal data: every reader goes through here (issue #17, item 2).

``personal_data_get`` reads one user's values from their region's store;
``personal_data_get_many`` reads many users with one query per store (bounded query counts
on pages listing people). A user of the global region without a regional record falls back
to the global user row (their data legitimately lives there).

Orders (``order_personal_data_get_many``): one query for the orders' ``OrderResidency`` rows
plus one per regional store, whatever the number of orders; ``orders_personal_resolve``
puts the values on the page's objects in memory (the order's addresses and
``contact_email``) so Oscar's templates show them unchanged. Resolved objects refuse to be
saved (``commerce.residency.guards``): a full value can never travel back into the global
database by accident. A store that is down raises ``RegionalStoreUnavailable``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model

from agencies.encryption.regions import global_region, region_database, region_for_country
from agencies.encryption.stores import regional_store
from commerce.residency.models import HomeRegion, OrderResidency, PersonalRecord

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
    return _personal_data_with_homes(users=list(users))[0]


def users_personal_resolve(*, users: Iterable) -> list:
    """The users with their names and email from their region, in memory, for display:
    one query on ``default`` plus one per regional store. Users of the global region are
    left as they are; an overseas user is marked so the residency guards refuse to save
    them (a regional value never travels back into the global row). Returns a list."""
    users = list(users)
    data, homes = _personal_data_with_homes(users=users)
    for user in users:
        home = homes.get(user.pk)
        if home is None or home.region == global_region():
            continue
        values = data.get(user.pk, {})
        user.first_name = values.get("first_name", "")
        user.last_name = values.get("last_name", "")
        user.email = values.get("email", "")
        user._personal_resolved = True
    return users


def _personal_data_with_homes(*, users: list) -> tuple[dict[int, dict], dict[int, HomeRegion]]:
    homes = {h.user_id: h for h in HomeRegion.objects.filter(user__in=[u.pk for u in users])}
    tokens_by_alias: dict[str, list] = defaultdict(list)
    for user in users:
        home = homes.get(user.pk)
        if home is not None:
            tokens_by_alias[region_database(region=home.region)].append(home.token)
    records = _records(tokens_by_alias)
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
    return result, homes


def _records(tokens_by_alias: dict[str, list]) -> dict:
    """token -> PersonalRecord, one query per store; a store that is down raises."""
    records = {}
    for alias, tokens in tokens_by_alias.items():
        with regional_store(alias=alias):
            for record in PersonalRecord.objects.using(alias).filter(token__in=tokens):
                records[record.token] = record
    return records


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


# --- Orders ------------------------------------------------------------------------------
ADDRESS_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "line1",
    "line2",
    "line3",
    "line4",
    "state",
    "postcode",
    "country",
    "phone_number",
    "notes",
)


def address_values(address) -> dict:
    """An Oscar address's values as JSON-ready strings (country as its ISO code)."""
    if address is None:
        return {}
    values = {}
    for name in ADDRESS_FIELDS:
        if name == "country":
            values[name] = address.country_id or ""
        else:
            value = getattr(address, name, "")
            values[name] = str(value) if value else ""
    return values


def _order_global_values(order) -> dict:
    return {
        "email": order.email or "",
        "shipping_address": address_values(order.shipping_address),
        "billing_address": address_values(order.billing_address),
    }


def order_personal_data_get_many(*, orders: Iterable) -> dict[int, dict]:
    """order id -> ``{"email", "shipping_address", "billing_address", "region"}``: one query
    for the orders' residencies (none when selected with the orders:
    ``select_related("residency")``), one per regional store. Orders of the global region
    read their own rows (select their addresses and user with the orders)."""
    orders = list(orders)
    if orders and all("residency" in o._state.fields_cache for o in orders):
        # Selected with the orders (``select_related("residency")``): no query.
        residencies = {
            o.pk: o._state.fields_cache["residency"]
            for o in orders
            if o._state.fields_cache["residency"] is not None
        }
    else:
        residencies = {
            r.order_id: r for r in OrderResidency.objects.filter(order__in=[o.pk for o in orders])
        }
    tokens_by_alias: dict[str, list] = defaultdict(list)
    for residency in residencies.values():
        tokens_by_alias[region_database(region=residency.region)].append(residency.token)
    records = _records(tokens_by_alias)
    result = {}
    for order in orders:
        residency = residencies.get(order.pk)
        if residency is None:
            result[order.pk] = {**_order_global_values(order), "region": global_region()}
            continue
        record = records.get(residency.token)
        payload = dict(record.payload) if record is not None else {}
        result[order.pk] = {
            "email": payload.get("email", ""),
            "shipping_address": payload.get("shipping_address") or {},
            "billing_address": payload.get("billing_address") or {},
            "region": residency.region,
        }
    return result


def _address_apply(address, values: dict) -> None:
    if address is None or not values:
        return
    for name in ADDRESS_FIELDS:
        if name != "country" and name in values:
            setattr(address, name, values[name])
    address._personal_resolved = True


def orders_personal_resolve(*, orders: Iterable) -> list:
    """The orders with their personal values in memory (never saved): each order gets
    ``contact_email`` (use it, not ``guest_email``/``email``) and ``contact_name``; an
    overseas order's address objects show the regional values. Returns a list."""
    orders = list(orders)
    data = order_personal_data_get_many(orders=orders)
    for order in orders:
        order_values_apply(order=order, values=data.get(order.pk, {}))
    return orders


def order_values_apply(*, order, values: dict) -> None:
    """Put one order's personal values (as ``order_personal_data_get_many`` returns them)
    on the order in memory."""
    order.contact_email = values.get("email", "")
    shipping = values.get("shipping_address") or {}
    order.contact_name = " ".join(
        part for part in (shipping.get("first_name"), shipping.get("last_name")) if part
    )
    if values.get("region", global_region()) != global_region():
        _address_apply(order.shipping_address, shipping)
        _address_apply(order.billing_address, values.get("billing_address") or {})


def user_email_get(*, user) -> str:
    """Where to send a user's email: the regional value for an overseas user."""
    return (personal_data_get(user=user) or {}).get("email", "") or user.email or ""


def overseas_user_by_email(*, email: str):
    """The user homed outside the global region who signed up with ``email`` (keyed hash;
    their email is not in the global database), else None."""
    from agencies.encryption.crypto import keyed_hash

    email = (email or "").strip()
    if not email:
        return None
    home = (
        HomeRegion.objects.select_related("user")
        .filter(email_hash=keyed_hash(value=email, purpose="email"))
        .exclude(region=global_region())
        .first()
    )
    return home.user if home is not None else None


def email_taken(*, email: str, exclude_user_id: int | None = None) -> bool:
    """Is ``email`` already an account's, in the global database or by keyed hash?"""
    from agencies.encryption.crypto import keyed_hash

    email = (email or "").strip()
    users = get_user_model()._default_manager.filter(email__iexact=email)
    homes = HomeRegion.objects.filter(email_hash=keyed_hash(value=email, purpose="email"))
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
        homes = homes.exclude(user_id=exclude_user_id)
    return users.exists() or homes.exists()


def address_lines(*, values: dict) -> list[str]:
    """An address (as ``address_values`` gives it) as display lines, like Oscar's
    ``active_address_fields``: name, street lines, city, state, postcode, country name."""
    from django_countries import countries

    name = " ".join(
        v for v in (values.get("title"), values.get("first_name"), values.get("last_name")) if v
    )
    keys = ("line1", "line2", "line3", "line4", "state", "postcode")
    lines = [name, *(values.get(key, "") for key in keys)]
    country = values.get("country") or ""
    lines.append(str(countries.name(country)) if country else "")
    return [line.strip() for line in lines if line and line.strip()]


def saved_addresses_get(*, user) -> list[dict]:
    """An overseas user's saved addresses (their regional record's ``addresses``); ``[]``
    for a guest or a user of the global region (whose addresses are ``UserAddress`` rows)."""
    if user is None or not user.is_authenticated:
        return []
    home = home_region_get(user=user)
    if home is None or home.region == global_region():
        return []
    return list(personal_data_get(user=user).get("addresses") or [])


# --- Creators' values (``agencies.personal`` reaches these by CREATOR_PERSONAL_STORE) ------


def creator_values_get_many(*, user_ids: Iterable[int]) -> dict[int, dict]:
    """user id -> the creator values (``payload["creator"]``) of their regional record;
    ``{}`` for a user without one. One query on ``default`` plus one per store."""
    User = get_user_model()
    # Key holders only (no query): the records are found by the users' home regions.
    data = personal_data_get_many(users=[User(pk=pk) for pk in set(user_ids)])
    return {pk: dict(values.get("creator") or {}) for pk, values in data.items()}
