"""Writes for creators, agencies and contracts (keyword-only, ``<noun>_<verb>``)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from .models import Agency, Contract, Creator
from .personal import creator_personal_get, creator_personal_set
from .states import state_move, verification_machine
from .validators import id_number_normalize

V = Creator.Verification


@sensitive_variables("number", "normalized", "current")
def creator_identity_set(
    *, creator: Creator, document_type: str, number: str, actor=None
) -> Creator:
    """Store a (validated) identity document; a changed document needs a new verification."""
    normalized = id_number_normalize(document_type=document_type, number=number)
    with transaction.atomic():
        locked = Creator.objects.select_for_update().get(pk=creator.pk)
        # The number may live in the regional store: compared and written through
        # agencies.personal (regional store first, then the row's masks).
        current = creator_personal_get(creator=locked)
        changed = (current.id_document_type, current.id_number) != (document_type, normalized)
        locked.id_document_type = document_type
        locked.save(update_fields=["id_document_type"])
        locked = creator_personal_set(creator=locked, values={"id_number": normalized})
        if changed and locked.verification_state == V.VERIFIED:
            creator_verification_set(
                creator=locked,
                state=V.PENDING,
                actor=actor,
                reason=_("Identity document changed."),
            )
    creator.refresh_from_db()
    return creator


def creator_verification_set(
    *, creator: Creator, state: str, actor=None, reason: str = ""
) -> Creator:
    """Move the verification state, recording who decided, when and why."""
    if state not in V.values:
        raise ValidationError(_("Unknown verification state."))
    with transaction.atomic():
        locked = Creator.objects.select_for_update().get(pk=creator.pk)
        current = locked.verification_state
        if state == current:
            return locked
        machine = verification_machine()
        if not machine.allows(current, state):
            raise machine.refuse(current, state)
        if state == V.VERIFIED and not (locked.id_document_type and locked.has_id_number):
            raise ValidationError(_("A creator without an identity document cannot be verified."))
        state_move(machine=machine, obj=locked, to_state=state, actor=actor, reason=reason)
    creator.refresh_from_db()
    return creator


def agency_create(**fields) -> Agency:
    staff = fields.pop("staff", ())
    agency = Agency(**fields)
    agency.full_clean()
    agency.save()
    if staff:
        agency.staff.add(*staff)
    return agency


def contract_create(
    *, creator: Creator, agency: Agency, kind: str, valid_from: date, valid_to: date | None = None
) -> Contract:
    """A new contract; refused when it overlaps another of the creator's contracts (the
    database refuses it too, on PostgreSQL, even under concurrency)."""
    with transaction.atomic():
        # Serialise contract writes for one creator so the check below is reliable
        # on databases without the exclusion constraint.
        Creator.objects.select_for_update().filter(pk=creator.pk).first()
        contract = Contract(
            creator=creator, agency=agency, kind=kind, valid_from=valid_from, valid_to=valid_to
        )
        contract.full_clean()
        contract.save()
    return contract


def contract_end(*, contract: Contract, valid_to: date) -> Contract:
    contract.valid_to = valid_to
    contract.full_clean()
    contract.save(update_fields=["valid_to"])
    return contract
