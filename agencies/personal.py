"""Creators' personal values and where they live (issue #17): the one selector and the one
write service every reader and writer goes through.

Personal values of a creator (``PERSONAL_FIELDS``): the legal name, the ID number and the
payout account (bank name, holder, number). The document type and the bank code (BIC or
CNAPS) are not personal (they name a kind of document and a bank) and stay on the
``Creator`` row; so does the display name (public, chosen by the creator). Agencies are
companies: their legal name and bank account are not personal data and stay global.

Where (decision):

- A creator's home region is their user's home region (``commerce.residency.HomeRegion``,
  set at sign-up from the sign-up country, moved by staff with a record). ``Creator.user``
  is required, so every creator has one; a user without a ``HomeRegion`` (an account from
  before regions, or made by a staff tool) is in the global region until one is given
  (``creator_personal_relocate`` moves such a creator's values once it is).
- Global region: the values stay on the ``Creator`` row, as they always did.
- Any other region: the full values live in the user's ``PersonalRecord`` in that region's
  store (encrypted with that region's keys), under the payload key ``"creator"``; the row
  keeps ``personal_data_regional`` = True, the legal name and account holder masked
  (``J*** S***``), the ID and account numbers blank and their last four characters
  (``id_number_last4``, ``payout_account_last4``: display, and the "on file" flags).
  Why the user's record and not a regional model of our own: the record is already
  exported, erased, moved between regions and audited as a whole (``residency_audit``
  reads every identifying key of the payload, nested ones included), so the creator's
  values follow the person through every privacy path for free.

Imports: ``agencies`` never imports ``commerce`` (``tests/test_import_graph.py``). The
regional store is reached by dotted path: ``settings.CREATOR_PERSONAL_STORE`` names a
``get_many`` (user ids -> the ``"creator"`` values of their regional records, one query
on ``default`` plus one per store) and a ``put`` (merge values into the user's regional
record; returns the region, or None when the user is in the global region and the row
keeps them). Without the setting every creator is in the global region.

Writes: regional store first, then the row (masks and flags), under the ``Creator`` row's
lock, so two writers of one creator never lose each other's values. A crash between the
two leaves the row as it was (still masked, or still holding its values with the flag
off), which reads consistently; the next write completes it.

A regional store that is down: reads and writes that need it raise
``agencies.encryption.stores.RegionalStoreUnavailable`` (the store functions wrap every
regional access; one readable line; nothing is written); pages map it to a 503 naming the
problem, and everything that needs only global creators keeps working.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.module_loading import import_string
from django.views.decorators.debug import sensitive_variables

from .models import Creator
from .validators import id_number_mask

PERSONAL_FIELDS = (
    "legal_name",
    "id_number",
    "payout_bank_name",
    "payout_account_name",
    "payout_account_number",
)
# Row columns the selector needs (callers loading creators for it may ``.only()`` these).
ROW_FIELDS = (
    "id",
    "user_id",
    "handle",
    "display_name",
    "id_document_type",
    "payout_bank_code",
    "personal_data_regional",
    "id_number_last4",
    "payout_account_last4",
    *PERSONAL_FIELDS,
)
_NAME_PARTS = re.compile(r"([\s·・.\-]+)")


@dataclass(frozen=True)
class CreatorPersonal:
    """A creator's personal values, wherever they live (``repr`` never shows numbers)."""

    creator_id: int
    handle: str
    display_name: str
    legal_name: str
    id_document_type: str
    id_number: str = field(repr=False)
    payout_bank_name: str
    payout_account_name: str
    payout_account_number: str = field(repr=False)
    payout_bank_code: str
    regional: bool  # the values came from a regional store

    @property
    def id_number_masked(self) -> str:
        return id_number_mask(self.id_number)

    @property
    def payout_account_masked(self) -> str:
        return id_number_mask(self.payout_account_number)

    @property
    def payee_name(self) -> str:
        """The name a bank transfer goes to: holder, else legal name, else display name."""
        return self.payout_account_name or self.legal_name or self.display_name


def name_mask(name: str) -> str:
    """The first character of each part, the rest as stars: ``J*** S***``, ``王**``."""
    parts = _NAME_PARTS.split((name or "").strip())
    return "".join(
        part if _NAME_PARTS.fullmatch(part) else part[:1] + "*" * (len(part) - 1) for part in parts
    )


def _store(name: str):
    paths = getattr(settings, "CREATOR_PERSONAL_STORE", None) or {}
    return import_string(paths[name]) if name in paths else None


def _from_row(creator: Creator, values: dict | None) -> CreatorPersonal:
    regional = creator.personal_data_regional
    if regional:
        source = values or {}
    else:
        source = {f: getattr(creator, f) for f in PERSONAL_FIELDS}
    return CreatorPersonal(
        creator_id=creator.pk,
        handle=creator.handle,
        display_name=creator.display_name,
        id_document_type=creator.id_document_type,
        payout_bank_code=creator.payout_bank_code,
        regional=regional,
        **{f: str(source.get(f) or "") for f in PERSONAL_FIELDS},
    )


def creators_personal_get_many(
    *, creators: Iterable[Creator] | None = None, creator_ids: Iterable[int] | None = None
) -> dict[int, CreatorPersonal]:
    """creator id -> personal values: the row's, or the regional store's for creators whose
    values live there. Given ``creators`` (loaded rows), no query for the global region and
    one on ``default`` plus one per regional store otherwise; given ``creator_ids`` (a list
    or a values queryset), one more query for the rows."""
    if creators is None:
        ids = creator_ids if isinstance(creator_ids, QuerySet) else list(creator_ids or ())
        creators = Creator.objects.filter(pk__in=ids).only(*ROW_FIELDS)
    creators = list(creators)
    regional_users = {c.user_id for c in creators if c.personal_data_regional}
    stored = {}
    if regional_users:
        get_many = _store("get_many")
        stored = get_many(user_ids=regional_users) if get_many else {}
    return {c.pk: _from_row(c, stored.get(c.user_id)) for c in creators}


def creator_personal_get(*, creator: Creator) -> CreatorPersonal:
    return creators_personal_get_many(creators=[creator])[creator.pk]


def _masks(values: dict) -> dict:
    """The row's columns for values kept in a regional store."""
    row: dict = {}
    if "legal_name" in values:
        row["legal_name"] = name_mask(values["legal_name"])
    if "payout_account_name" in values:
        row["payout_account_name"] = name_mask(values["payout_account_name"])
    if "payout_bank_name" in values:
        row["payout_bank_name"] = ""
    if "id_number" in values:
        row["id_number"] = ""
        row["id_number_last4"] = (values["id_number"] or "")[-4:]
    if "payout_account_number" in values:
        row["payout_account_number"] = ""
        row["payout_account_last4"] = (values["payout_account_number"] or "")[-4:]
    return row


def _row_save(locked: Creator, row: dict) -> None:
    for name, value in row.items():
        setattr(locked, name, value)
    locked.save(update_fields=list(row))


@sensitive_variables("values", "merged", "current")
def creator_personal_set(*, creator: Creator, values: dict) -> Creator:
    """Store some of the creator's personal values (keys of ``PERSONAL_FIELDS``): in the
    regional store of the user's home region first, then the row's masks; or on the row
    for the global region. Idempotent. Returns the creator, refreshed."""
    unknown = set(values) - set(PERSONAL_FIELDS)
    if unknown:
        raise ValueError(f"not personal fields of a creator: {', '.join(sorted(unknown))}")
    values = {name: (value or "").strip() for name, value in values.items()}
    put = _store("put")
    with transaction.atomic():
        locked = Creator.objects.select_for_update().get(pk=creator.pk)
        region = put(user=locked.user, values=values) if put else None
        if region is not None:
            row = {**_masks(values), "personal_data_regional": True}
        elif locked.personal_data_regional:
            # Moved back to the global region: every value returns to the row.
            current = creator_personal_get(creator=locked)
            merged = {f: getattr(current, f) for f in PERSONAL_FIELDS} | values
            row = {**merged, "personal_data_regional": False}
            row["id_number_last4"] = merged["id_number"][-4:]
            row["payout_account_last4"] = merged["payout_account_number"][-4:]
        else:
            row = dict(values)
            if "id_number" in values:
                row["id_number_last4"] = values["id_number"][-4:]
            if "payout_account_number" in values:
                row["payout_account_last4"] = values["payout_account_number"][-4:]
        _row_save(locked, row)
    creator.refresh_from_db()
    return creator


@sensitive_variables("values")
def creator_personal_relocate(*, creator: Creator) -> bool:
    """Move the values a row still holds into the regional store of the user's home region
    (after the user was given one); True when moved, False when there is nothing to move
    (global region, or already regional; nothing is written then). Idempotent."""
    put = _store("put")
    if put is None:
        return False
    with transaction.atomic():
        locked = Creator.objects.select_for_update().get(pk=creator.pk)
        if locked.personal_data_regional:
            return False
        values = {f: getattr(locked, f) for f in PERSONAL_FIELDS}
        region = put(user=locked.user, values=values)
        if region is None:
            return False
        _row_save(locked, {**_masks(values), "personal_data_regional": True})
    creator.refresh_from_db()
    return True


def creators_personal_relocate_all(*, chunk: int = 500) -> int:
    """``creator_personal_relocate`` for every creator whose row still holds its values
    (after home regions were given to existing users); returns how many moved."""
    moved = 0
    ids = list(
        Creator.objects.filter(personal_data_regional=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), chunk):
        for creator in Creator.objects.filter(pk__in=ids[start : start + chunk]):
            moved += creator_personal_relocate(creator=creator)
    return moved
