"""Identity before money: what a tax filing needs to know of a creator.

Every withholding filing (wages, labour remuneration, non-residents, the platform income
report) carries the name on the identity document (``Creator.legal_name``), the document
type and its number. A creator paid to a personal account without them is held from the
run (``payouts.transfers``: a held transfer with the reason, like a payee without an
account), so every paid line can be exported; the exports list the held creators.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from agencies.models import Creator

IDENTITY_FIELDS = ("legal_name", "id_document_type", "id_number")


def identity_missing(*, legal_name: str, id_document_type: str, id_number: str) -> list[str]:
    """What of the filing identity is blank, as labels (empty when complete)."""
    return [
        label
        for label, value in (
            (_("legal name"), legal_name),
            (_("ID type"), id_document_type),
            (_("ID number"), id_number),
        )
        if not (value or "").strip()
    ]


def creator_identity_missing(creator) -> list[str]:
    return identity_missing(**{name: getattr(creator, name) for name in IDENTITY_FIELDS})


def identity_hold_reason(missing: list[str]) -> str:
    return _(
        "Held until the creator's identity for the tax filing is on file (missing: %(missing)s)."
    ) % {"missing": ", ".join(missing)}


def creators_identity_missing(*, creator_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each creator's missing filing identity (creator id -> labels, empty when complete),
    from the creators' own columns (``id_number`` is encrypted: read and checked here)."""
    ids = sorted(set(creator_ids))
    found: dict[int, list[str]] = {}
    for start in range(0, len(ids), 2000):
        rows = Creator.objects.filter(pk__in=ids[start : start + 2000]).only("pk", *IDENTITY_FIELDS)
        for creator in rows:
            found[creator.pk] = creator_identity_missing(creator)
    return found
