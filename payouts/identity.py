"""Identity before money: what a tax filing needs to know of a creator.

Every withholding filing (wages, labour remuneration, non-residents, the platform income
report) carries the name on the identity document (the legal name), the document type and
its number. A creator paid to a personal account without them is held from the run
(``payouts.transfers``: a held transfer with the reason, like a payee without an account);
an agency run holds them too (``payouts.runs`` calls ``creators_identity_missing``), so
every paid line can be exported; the exports list the held creators.

The values may live in a creator's regional store (issue #17): they are read through the
one selector ``agencies.personal.creators_personal_get_many``, set-wise (one query on the
global database plus one per regional store, never one per creator).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TypeVar

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from agencies.models import Creator
from agencies.personal import CreatorPersonal, creators_personal_get_many

IDENTITY_FIELDS = ("legal_name", "id_document_type", "id_number")
_BLANK = r"^\s*$"
CHUNK = 2000
ARRAY_FROM = 1000  # id lists longer than this go to PostgreSQL as one array
Row = TypeVar("Row")


def identity_labels() -> tuple[str, ...]:
    """The labels of ``IDENTITY_FIELDS`` in the active language."""
    return (_("legal name"), _("ID type"), _("ID number"))


def identity_missing(
    *, legal_name: str, id_document_type: str, id_number: str, labels: tuple[str, ...] = ()
) -> list[str]:
    """What of the filing identity is blank, as labels (empty when complete). ``labels``
    (``identity_labels()``) may be given by a caller checking many creators."""
    values = (legal_name, id_document_type, id_number)
    blank = [not (value or "").strip() for value in values]
    if not any(blank):
        return []
    return [label for label, b in zip(labels or identity_labels(), blank, strict=True) if b]


def personal_identity_missing(personal: CreatorPersonal, *, labels=()) -> list[str]:
    values = {name: getattr(personal, name) for name in IDENTITY_FIELDS}
    return identity_missing(**values, labels=labels)


def _id_set(creator_ids: Iterable[int]):
    """``creator_ids`` for a ``pk__in`` filter: a queryset as a subquery; a list on
    PostgreSQL as one array parameter (100,000 ids would otherwise be 100,000 parameters)."""
    if isinstance(creator_ids, QuerySet):
        return creator_ids
    ids = list(creator_ids)
    if connection.vendor == "postgresql" and len(ids) > ARRAY_FROM:
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return ids


def creators_identity_missing(*, creator_ids: Iterable[int]) -> dict[int, list[str]]:
    """creator id -> what of the filing identity is missing, for the creators of
    ``creator_ids`` (a list, or a values queryset used as a subquery) missing something.

    The rows are filtered in SQL (a blank name, type or number; a regional row's number
    column is always blank), so only those creators are read (streamed: a run's 100,000
    creators stay cheap); regional values come from their stores, one query per store.
    """
    ids = _id_set(creator_ids)
    labels = identity_labels()
    blank = (
        Q(legal_name__regex=_BLANK)
        | Q(id_document_type__regex=_BLANK)
        | Q(id_number__regex=_BLANK)
        | Q(personal_data_regional=True)
    )
    rows = (
        Creator.objects.filter(pk__in=ids)
        .filter(blank)
        .values_list("pk", "personal_data_regional", *IDENTITY_FIELDS)
        .iterator(chunk_size=CHUNK)
    )
    found, regional = {}, []
    for creator_id, is_regional, *values in rows:
        if is_regional:
            regional.append(creator_id)
            continue
        # A global creator's row holds the values (what the selector would read).
        missing = identity_missing(**dict(zip(IDENTITY_FIELDS, values, strict=True)), labels=labels)
        if missing:
            found[creator_id] = missing
    if regional:
        for creator_id, personal in creators_personal_get_many(creator_ids=regional).items():
            missing = personal_identity_missing(personal, labels=labels)
            if missing:
                found[creator_id] = missing
    return found


def identity_hold_reason(missing: list[str]) -> str:
    return _(
        "Held until the creator's identity for the tax filing is on file (missing: %(missing)s)."
    ) % {"missing": ", ".join(missing)}


def with_personal(
    rows: Iterable[Row], *, creator_id: Callable[[Row], int], chunk: int = CHUNK
) -> Iterator[tuple[Row, CreatorPersonal]]:
    """Each row with its creator's personal values, resolved a chunk of rows at a time
    (streamed exports: bounded memory, one look-up per store and chunk, not per row)."""
    rows = iter(rows)
    while batch := list(islice(rows, chunk)):
        personal = creators_personal_get_many(creator_ids={creator_id(row) for row in batch})
        for row in batch:
            yield row, personal[creator_id(row)]
