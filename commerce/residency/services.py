"""Writes of personal data and privacy requests (issue #17).

Order of writes: the regional store first (idempotent ``update_or_create`` on the token),
then the global row (token, region, keyed hash). Re-running a write that failed half way
completes it; nothing in the global database points at a regional row that is missing
(an orphaned regional record is harmless, is overwritten by the next write, and
``personal_records_sweep`` removes it after a grace period).

A new user's first write picks the token before anything global exists: the regional record
is written under it, then the ``HomeRegion`` row that points at it. A store that is down
raises ``RegionalStoreUnavailable`` before any global write.

Orders of overseas shoppers (``order_personal_data_put`` then ``order_residency_record``):
the contact email and full addresses go to the region first (before the card is charged),
the order's global address rows get masked values (``address_mask``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agencies.encryption.crypto import keyed_hash
from agencies.encryption.regions import (
    global_region,
    region_database,
    region_for_country,
    regions,
)
from agencies.encryption.stores import regional_store
from commerce.residency.models import (
    HomeRegion,
    OrderResidency,
    PersonalRecord,
    PrivacyRequest,
    RegionMove,
)

# Earnings not yet paid out: erasure of their creator is refused.
UNPAID_EARNING_STATES = ("pending", "available", "in_run")


class RegionUnknown(ValueError):
    pass


def home_region_ensure(*, user, country: str | None = None) -> HomeRegion:
    """The user's home region, created from the sign-up country the first time."""
    home = HomeRegion.objects.filter(user=user).first()
    if home is None:
        home, _created = HomeRegion.objects.get_or_create(
            user=user, defaults={"region": region_for_country(country=country)}
        )
    return home


def personal_data_put(*, user, data: dict, country: str | None = None) -> PersonalRecord:
    """Store (merge) the user's personal values in their region's store; idempotent.
    The regional write comes first: for a new user the token is chosen, the record written,
    and only then the global ``HomeRegion`` created."""
    home = HomeRegion.objects.filter(user=user).first()
    region = home.region if home is not None else region_for_country(country=country)
    token = home.token if home is not None else uuid.uuid4()
    record, payload = _record_merge(alias=region_database(region=region), token=token, data=data)
    if home is None:
        home, _created = HomeRegion.objects.get_or_create(
            user=user, defaults={"region": region, "token": token}
        )
        if home.token != token:  # a concurrent first write won: merge into its record
            return personal_data_put(user=user, data=data)
    email = payload.get("email") or ""
    email_hash = keyed_hash(value=email, purpose="email") if email else ""
    if home.email_hash != email_hash:
        HomeRegion.objects.filter(pk=home.pk).update(email_hash=email_hash)
    return record


def _record_merge(*, alias: str, token, data: dict) -> tuple[PersonalRecord, dict]:
    """Merge ``data`` into the record ``token`` of store ``alias`` (created if missing)."""
    with regional_store(alias=alias), transaction.atomic(using=alias):
        record = PersonalRecord.objects.using(alias).select_for_update().filter(token=token).first()
        payload = dict(record.payload) if record is not None else {}
        payload.update(data)
        record, _created = PersonalRecord.objects.using(alias).update_or_create(
            token=token, defaults={"payload": payload, "erased_at": None}
        )
    return record, payload


def is_overseas(*, region: str) -> bool:
    return region != global_region()


def user_region(*, user) -> str:
    """The home region of a signed-in user (the global one without a ``HomeRegion``)."""
    if user is None or not user.is_authenticated:
        return global_region()
    home = HomeRegion.objects.filter(user=user).only("region").first()
    return home.region if home is not None else global_region()


def personal_address_save(*, user, address: dict) -> None:
    """Add an address to an overseas user's saved addresses in their region (once: an
    identical address is not added again). Their global ``UserAddress`` rows stay empty."""
    home = HomeRegion.objects.filter(user=user).first()
    if home is None or not is_overseas(region=home.region):
        return
    alias = region_database(region=home.region)
    with regional_store(alias=alias):
        record = PersonalRecord.objects.using(alias).filter(token=home.token).first()
    addresses = list((record.payload if record is not None else {}).get("addresses") or [])
    if address in addresses:
        return
    personal_data_put(user=user, data={"addresses": [*addresses, address]})


class AddressEdit(StrEnum):
    """What became of an edit of one saved regional address."""

    SAVED = "saved"
    REMOVED = "removed"
    GONE = "gone"  # not there as shown any more (changed or removed meanwhile): nothing done


def address_fingerprint(address: dict) -> str:
    """A short digest naming one saved address as it was shown: an edit applies only to
    the address the shopper saw, never to another that took its place in the list."""
    canonical = json.dumps(address, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def personal_address_replace(
    *, user, index: int, fingerprint: str, address: dict | None
) -> AddressEdit:
    """Replace (``address``) or remove (``None``) an overseas user's saved address number
    ``index`` in their region, if it is still the one ``fingerprint`` names; read and
    written under the record's lock."""
    home = HomeRegion.objects.filter(user=user).first()
    if home is None or not is_overseas(region=home.region):
        return AddressEdit.GONE
    alias = region_database(region=home.region)
    with regional_store(alias=alias), transaction.atomic(using=alias):
        record = (
            PersonalRecord.objects.using(alias).select_for_update().filter(token=home.token).first()
        )
        addresses = list((record.payload if record is not None else {}).get("addresses") or [])
        if not 0 <= index < len(addresses) or address_fingerprint(addresses[index]) != fingerprint:
            return AddressEdit.GONE
        if address is None:
            del addresses[index]
            outcome = AddressEdit.REMOVED
        else:
            addresses[index] = address
            outcome = AddressEdit.SAVED
        record.payload = {**record.payload, "addresses": addresses}
        record.save(using=alias, update_fields=["payload", "updated_at"])
    return outcome


def order_personal_data_put(*, region: str, token, data: dict) -> PersonalRecord:
    """An order's contact email and full addresses in ``region``'s store under ``token``
    (idempotent: a retried checkout rewrites the same record)."""
    record, _payload = _record_merge(alias=region_database(region=region), token=token, data=data)
    return record


def order_shipping_address_put(*, residency: OrderResidency, address) -> None:
    """Staff change an overseas order's delivery address: the region first, then the
    global row masked (its flag as a resolved object cleared: it now holds masks only)."""
    from commerce.residency.selectors import address_values

    order_personal_data_put(
        region=residency.region,
        token=residency.token,
        data={"shipping_address": address_values(address)},
    )
    address_mask(address)
    address._personal_resolved = False
    address.save()


def order_residency_record(*, order, region: str, token) -> OrderResidency:
    """The global pointer from an order to its regional contact record: one INSERT, once
    per order (written in the order's own transaction, right after the order)."""
    return OrderResidency.objects.create(order=order, region=region, token=token)


# Address fields that identify a person: masked in the global database.
MASKED_NAME_FIELDS = ("first_name", "last_name")
BLANKED_FIELDS = ("phone_number", "notes")
MASKED_LINE_FIELDS = ("line1", "line2", "line3")


def value_mask(value: str) -> str:
    """A display mask that keeps the first character only: ``"J***"``."""
    value = (value or "").strip()
    return f"{value[0]}***" if value else ""


def address_mask(address) -> None:
    """Mask an (unsaved) Oscar address in place: names keep an initial, street lines become
    ``***``, phone and notes are emptied; title, city, state, postcode, country stay (the
    duty engine and shipping need only those)."""
    if address is None:
        return
    for name in MASKED_NAME_FIELDS:
        setattr(address, name, value_mask(getattr(address, name, "")))
    for name in MASKED_LINE_FIELDS:
        if getattr(address, name, ""):
            setattr(address, name, "***")
    for name in BLANKED_FIELDS:
        if hasattr(address, name):
            setattr(address, name, "")


def personal_records_sweep(*, grace: timedelta, now=None) -> dict[str, int]:
    """Delete regional records no global row of that region points at (no ``HomeRegion``
    nor ``OrderResidency`` with that token and region) that were last written more than
    ``grace`` ago: the leftovers of a write whose global half failed, or the old copy of an
    interrupted region move. Idempotent; returns deletions per store."""
    cutoff = (now or timezone.now()) - grace
    deleted: dict[str, int] = {}
    for code in regions():
        alias = region_database(region=code)
        # Known per region: a copy left in another region (a move or a checkout whose
        # shipping country changed) is an orphan there.
        known = set(HomeRegion.objects.filter(region=code).values_list("token", flat=True))
        known.update(OrderResidency.objects.filter(region=code).values_list("token", flat=True))
        with regional_store(alias=alias):
            candidates = PersonalRecord.objects.using(alias).filter(updated_at__lt=cutoff)
            rows = candidates.values_list("pk", "token")
            orphans = [pk for pk, token in rows if token not in known]
            count, _detail = PersonalRecord.objects.using(alias).filter(pk__in=orphans).delete()
        deleted[code] = count
    return deleted


def home_region_move(*, user, region: str, moved_by, reason: str = "") -> RegionMove:
    """Move a user's personal data to ``region``: write there, then record, then delete the
    old copy (a crash in between leaves two copies, never none; re-running completes)."""
    if region not in regions():
        raise RegionUnknown(_("Unknown region: %(region)s") % {"region": region})
    home = home_region_ensure(user=user)
    old_alias, new_alias = region_database(region=home.region), region_database(region=region)
    _records_copy(tokens=[home.token], old_alias=old_alias, new_alias=new_alias)
    with transaction.atomic():
        move = RegionMove.objects.create(
            home=home, from_region=home.region, to_region=region, moved_by=moved_by, reason=reason
        )
        HomeRegion.objects.filter(pk=home.pk).update(region=region)
    _records_delete(tokens=[home.token], old_alias=old_alias, new_alias=new_alias)
    _orders_move(user=user, region=region)
    return move


def _records_copy(*, tokens: list, old_alias: str, new_alias: str) -> None:
    """A move's first step: the records written in the new store (nothing when the
    store stays the same)."""
    if old_alias == new_alias:
        return
    with regional_store(alias=old_alias):
        records = list(PersonalRecord.objects.using(old_alias).filter(token__in=tokens))
    with regional_store(alias=new_alias), transaction.atomic(using=new_alias):
        for record in records:
            PersonalRecord.objects.using(new_alias).update_or_create(
                token=record.token,
                defaults={"payload": record.payload, "erased_at": record.erased_at},
            )


def _records_delete(*, tokens: list, old_alias: str, new_alias: str) -> None:
    """A move's last step, once the pointers are moved: the old copies deleted."""
    if old_alias == new_alias:
        return
    with regional_store(alias=old_alias):
        PersonalRecord.objects.using(old_alias).filter(token__in=tokens).delete()


def _orders_move(*, user, region: str) -> int:
    """The contact records of ``user``'s orders follow them to another overseas region, in
    the user record's order: written there, pointer moved, old copy deleted (a crash in
    between leaves two copies, never none; moving again completes it). Returns how many
    moved. A move to the global region leaves them where they are: those orders' global
    rows are masked, and they stay readable where ``OrderResidency`` points."""
    if not is_overseas(region=region):
        return 0
    new_alias = region_database(region=region)
    moved = 0
    elsewhere = OrderResidency.objects.filter(order__user=user).exclude(region=region)
    for from_region in sorted(set(elsewhere.values_list("region", flat=True))):
        old_alias = region_database(region=from_region)
        residencies = list(elsewhere.filter(region=from_region).order_by("pk"))
        tokens = [r.token for r in residencies]
        _records_copy(tokens=tokens, old_alias=old_alias, new_alias=new_alias)
        OrderResidency.objects.filter(pk__in=[r.pk for r in residencies]).update(region=region)
        _records_delete(tokens=tokens, old_alias=old_alias, new_alias=new_alias)
        moved += len(residencies)
    return moved


def privacy_export(*, user, requested_by) -> dict:
    """Everything held about ``user``, from every store, as a JSON-ready dict; recorded.
    ID and bank numbers appear masked (the full numbers are never sent over the web)."""
    home = home_region_ensure(user=user)
    data = {
        "user": {
            "id": user.pk,
            "username": user.get_username(),
            "date_joined": user.date_joined.isoformat(),
            "global_record": {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
            },
        },
        "home_region": {
            "region": home.region,
            "token": str(home.token),
            "moves": [
                {"from": m.from_region, "to": m.to_region, "at": m.moved_at.isoformat()}
                for m in home.moves.all()
            ],
        },
        "regional_store": {},
        "addresses": [],
        "orders": [],
        "creator": None,
        "privacy_requests": [
            {"kind": r.kind, "outcome": r.outcome, "at": r.requested_at.isoformat()}
            for r in PrivacyRequest.objects.filter(user=user)
        ],
    }
    for code in regions():
        alias = region_database(region=code)
        with regional_store(alias=alias):
            record = PersonalRecord.objects.using(alias).filter(token=home.token).first()
        if record is not None:
            data["regional_store"][code] = {
                "database": alias,
                "data": creator_payload_masked(payload=record.payload),
                "updated_at": record.updated_at.isoformat(),
                "erased_at": record.erased_at.isoformat() if record.erased_at else None,
            }
    UserAddress = apps.get_model("address", "UserAddress")
    for address in UserAddress.objects.filter(user=user).order_by("pk"):
        data["addresses"].append(
            {
                "name": address.name,
                "lines": [line for line in address.active_address_fields()],
                "phone": str(address.phone_number or ""),
            }
        )
    Order = apps.get_model("order", "Order")
    orders = list(
        Order.objects.filter(user=user).select_related("shipping_address", "billing_address")
    )
    from commerce.residency.selectors import order_personal_data_get_many

    # The orders' contact details from wherever they live (regional for overseas orders).
    contacts = order_personal_data_get_many(orders=orders)
    for order in orders:
        contact = contacts.get(order.pk, {})
        data["orders"].append(
            {
                "number": order.number,
                "placed": order.date_placed.isoformat() if order.date_placed else None,
                "total": str(order.total_incl_tax),
                "currency": order.currency,
                "email": contact.get("email", ""),
                "stored_in": contact.get("region", ""),
                "shipping_address": contact.get("shipping_address", {}),
                "billing_address": contact.get("billing_address", {}),
            }
        )
    Creator = apps.get_model("agencies", "Creator")
    creator = Creator.objects.filter(user=user).first()
    if creator is not None:
        # Through agencies.personal: the values may live in the regional store.
        from agencies.encryption.regions import global_region
        from agencies.personal import creator_personal_get

        personal = creator_personal_get(creator=creator)
        data["creator"] = {
            "handle": creator.handle,
            "display_name": creator.display_name,
            "legal_name": personal.legal_name,
            "country": str(creator.country),
            # The region whose store holds these values (the global one: the row).
            "stored_in": home.region if personal.regional else global_region(),
            "id_document_type": creator.id_document_type,
            "id_number_masked": personal.id_number_masked,
            "payout_bank_name": personal.payout_bank_name,
            "payout_account_name": personal.payout_account_name,
            "payout_account_number_masked": personal.payout_account_masked,
        }
    PrivacyRequest.objects.create(
        user=user,
        kind=PrivacyRequest.Kind.EXPORT,
        requested_by=requested_by,
        outcome=PrivacyRequest.Outcome.DONE,
        detail=f"stores: {', '.join(['default', *data['regional_store']])}",
    )
    return json.loads(json.dumps(data, default=str))


def _mask(number: str) -> str:
    number = number or ""
    return ("*" * max(len(number) - 4, 0)) + number[-4:] if number else ""


def creator_unpaid_balance(*, user) -> dict[str, Decimal]:
    """Unpaid earnings of the user's creator profile per currency (never added across)."""
    Creator = apps.get_model("agencies", "Creator")
    Earning = apps.get_model("payouts", "Earning")
    creator = Creator.objects.filter(user=user).first()
    if creator is None:
        return {}
    totals: dict[str, Decimal] = {}
    rows = Earning.objects.filter(creator=creator, state__in=UNPAID_EARNING_STATES).values_list(
        "currency", "amount"
    )
    for currency, amount in rows:
        totals[currency] = totals.get(currency, Decimal("0")) + amount
    return {c: a for c, a in totals.items() if a}


def privacy_erase(*, user, requested_by) -> PrivacyRequest:
    """Erase or anonymise the user's personal data; refused (and recorded) for a creator
    with an unpaid balance. Orders, tax withholding and the ledger keep their figures."""
    unpaid = creator_unpaid_balance(user=user)
    if unpaid:
        owed = ", ".join(f"{amount} {currency}" for currency, amount in sorted(unpaid.items()))
        return PrivacyRequest.objects.create(
            user=user,
            kind=PrivacyRequest.Kind.ERASURE,
            requested_by=requested_by,
            outcome=PrivacyRequest.Outcome.REFUSED,
            detail=_(
                "Refused: the creator has an unpaid balance (%(owed)s); erase after it is paid."
            )
            % {"owed": owed},
        )
    home = home_region_ensure(user=user)
    done = []
    # 1. The regional store first (idempotent). A creator's legal name and ID number stay
    # there (tax withholding records must name the person); the rest is erased.
    for code in regions():
        alias = region_database(region=code)
        with regional_store(alias=alias):
            record = PersonalRecord.objects.using(alias).filter(token=home.token).first()
            if record is None:
                continue
            PersonalRecord.objects.using(alias).filter(pk=record.pk).update(
                payload=creator_payload_kept(payload=record.payload), erased_at=timezone.now()
            )
        done.append(f"regional record erased ({code})")
    # The user's orders' regional contact records (each under its own token).
    order_tokens = list(
        OrderResidency.objects.filter(order__user=user).values_list("region", "token")
    )
    for code, token in order_tokens:
        alias = region_database(region=code)
        with regional_store(alias=alias):
            PersonalRecord.objects.using(alias).filter(token=token).update(
                payload={}, erased_at=timezone.now()
            )
    if order_tokens:
        done.append(f"{len(order_tokens)} regional order contact records erased")
    # 2. The global database: identifying values blanked, figures kept.
    with transaction.atomic():
        get_user_model().objects.filter(pk=user.pk).update(
            first_name="", last_name="", email="", is_active=False
        )
        HomeRegion.objects.filter(pk=home.pk).update(email_hash="")
        UserAddress = apps.get_model("address", "UserAddress")
        removed, _detail = UserAddress.objects.filter(user=user).delete()
        done.append(f"account anonymised, {removed} saved addresses deleted")
        Order = apps.get_model("order", "Order")
        orders = Order.objects.filter(user=user)
        orders.update(guest_email="")
        ShippingAddress = apps.get_model("order", "ShippingAddress")
        anonymised = ShippingAddress.objects.filter(order__in=orders).update(
            first_name="",
            last_name="",
            line1="",
            line2="",
            line3="",
            phone_number="",
            notes="",
            search_text="",
        )
        done.append(f"{orders.count()} orders kept, {anonymised} shipping addresses anonymised")
        Creator = apps.get_model("agencies", "Creator")
        payout = Creator.objects.filter(user=user).update(
            payout_bank_name="",
            payout_account_name="",
            payout_account_number="",
            payout_account_last4="",
        )
        if payout:
            done.append("creator payout account erased; legal name and ID kept for tax withholding")
        return PrivacyRequest.objects.create(
            user=user,
            kind=PrivacyRequest.Kind.ERASURE,
            requested_by=requested_by,
            outcome=PrivacyRequest.Outcome.DONE,
            detail="; ".join(done),
        )


# --- Creators' values (``agencies.personal`` reaches this by CREATOR_PERSONAL_STORE) -------


def creator_values_put(*, user, values: dict) -> str | None:
    """Merge a creator's personal values into ``payload["creator"]`` of the user's regional
    record; returns the region. None, writing nothing, when the user is in the global
    region (or has no home region yet): the creator's row keeps them there. The caller
    holds the creator row's lock, so the read-merge-write loses no concurrent value."""
    from agencies.encryption.regions import global_region
    from commerce.residency.selectors import personal_data_get

    home = HomeRegion.objects.filter(user=user).first()
    if home is None or home.region == global_region():
        return None
    current = personal_data_get(user=user).get("creator") or {}
    personal_data_put(user=user, data={"creator": {**current, **values}})
    return home.region


# The creator values a privacy erasure keeps: the withholding filings must name the person.
CREATOR_KEPT_ON_ERASURE = ("legal_name", "id_number")
CREATOR_NUMBERS = ("id_number", "payout_account_number")


def creator_payload_kept(*, payload: dict) -> dict:
    """What of a regional record an erasure keeps: the creator's legal name and ID number."""
    creator = payload.get("creator") or {}
    kept = {key: creator[key] for key in CREATOR_KEPT_ON_ERASURE if creator.get(key)}
    return {"creator": kept} if kept else {}


def creator_payload_masked(*, payload: dict) -> dict:
    """A regional record for a data export: the creator's ID and account numbers masked
    (the full numbers are never sent over the web)."""
    if not payload.get("creator"):
        return payload
    creator = dict(payload["creator"])
    for key in CREATOR_NUMBERS:
        if creator.get(key):
            creator[key] = _mask(creator[key])
    return {**payload, "creator": creator}
