"""Live permission: who may broadcast live, every change recorded.

``none → requested → granted / refused``; ``granted → revoked`` (staff, or moderation
strikes); a refused or revoked creator may ask again (``→ requested``). An overseas
creator is granted only once their identity is verified; a domestic creator may go live
unless refused or revoked. The live-stream service asks
``GET /api/live/permission/<handle>/`` (see ``live_permission_api``).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .models import Creator, LivePermission, LivePermissionChange

State = LivePermission.State

ALLOWED_MOVES = {
    State.NONE: {State.REQUESTED, State.GRANTED, State.REFUSED},
    State.REQUESTED: {State.GRANTED, State.REFUSED},
    State.GRANTED: {State.REVOKED},
    State.REFUSED: {State.REQUESTED, State.GRANTED},
    State.REVOKED: {State.REQUESTED, State.GRANTED},
}


@dataclass(frozen=True)
class LiveStatus:
    allowed: bool
    state: str
    reason: str


def live_permission_of(*, creator: Creator) -> LivePermission | None:
    """The creator's permission row (cached on the creator), or None."""
    try:
        return creator.live_permission
    except LivePermission.DoesNotExist:
        return None


def live_status(*, creator: Creator) -> LiveStatus:
    """May ``creator`` broadcast live now, and why (not)?"""
    permission = live_permission_of(creator=creator)
    state = permission.state if permission else State.NONE
    if creator.is_overseas:
        if not creator.is_verified:
            return LiveStatus(
                False, state, _("An overseas creator must pass identity verification first.")
            )
        if state != State.GRANTED:
            return LiveStatus(
                False,
                state,
                _("An overseas creator needs live permission granted (now: %(state)s).")
                % {"state": State(state).label},
            )
        return LiveStatus(True, state, _("Live permission granted."))
    if state in (State.REFUSED, State.REVOKED):
        return LiveStatus(
            False,
            state,
            _("Live permission %(state)s: %(reason)s")
            % {"state": State(state).label, "reason": permission.reason or "-"},
        )
    return LiveStatus(True, state, _("A creator in China may go live."))


@transaction.atomic
def live_permission_change(
    *, creator: Creator, to_state: str, by=None, reason: str = ""
) -> LivePermission:
    """Move a creator's live permission to ``to_state``, recorded; raises ValidationError
    for a move the state machine does not allow, or a grant to an unverified overseas
    creator (which is recorded as refused instead, with that reason)."""
    permission, _created = LivePermission.objects.get_or_create(creator=creator)
    permission = LivePermission.objects.select_for_update().get(pk=permission.pk)
    from_state = permission.state
    if to_state not in ALLOWED_MOVES.get(from_state, set()):
        raise ValidationError(
            {
                "state": _("Live permission cannot go from %(from)s to %(to)s.")
                % {"from": State(from_state).label, "to": State(to_state).label}
            }
        )
    if to_state == State.GRANTED and creator.is_overseas and not creator.is_verified:
        to_state = State.REFUSED
        reason = _("Identity not verified: an overseas creator must be verified to go live.")
    permission.state = to_state
    permission.reason = reason[:300]
    permission.save()
    LivePermissionChange.objects.create(
        permission=permission,
        from_state=from_state,
        to_state=to_state,
        actor=by,
        at=timezone.now(),
        reason=reason[:300],
    )
    creator.live_permission = permission
    return permission


def _signature_valid(*, message: bytes, header: str, secrets: list[str]) -> bool:
    # The same scheme as the rewards API (payouts.api.signature_valid): HMAC-SHA256, hex.
    if not header.startswith("sha256="):
        return False
    given = header[len("sha256=") :].strip().lower()
    valid = False
    for secret in secrets:
        expected = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
        valid |= hmac.compare_digest(expected, given)
    return valid


def live_signature_for(*, path: str, secret: str) -> str:
    """``X-Signature`` for a GET of ``path`` (the request path, e.g. /api/live/permission/x/)."""
    return "sha256=" + hmac.new(secret.encode(), path.encode(), hashlib.sha256).hexdigest()


def _live_secrets() -> list[str]:
    return list(getattr(settings, "LIVE_SIGNING_SECRETS", None) or settings.REWARDS_SIGNING_SECRETS)


@require_GET
def live_permission_api(request, handle: str):
    """``GET /api/live/permission/<handle>/``, signed with HMAC-SHA256 of the request path
    (``X-Signature: sha256=<hex>``) under the rewards API's secrets. Answers 200 with
    ``allowed`` and the ``reason``; 401 unsigned; 404 unknown creator."""
    secrets = _live_secrets()
    if not secrets or not _signature_valid(
        message=request.path.encode(),
        header=request.META.get("HTTP_X_SIGNATURE", ""),
        secrets=secrets,
    ):
        return JsonResponse(
            {"error": {"field": "X-Signature", "message": _("Missing or invalid signature.")}},
            status=401,
        )
    creator = Creator.objects.select_related("live_permission").filter(handle=handle).first()
    if creator is None:
        return JsonResponse(
            {"error": {"field": "creator", "message": _("Unknown creator.")}}, status=404
        )
    status = live_status(creator=creator)
    return JsonResponse(
        {
            "creator": creator.handle,
            "allowed": status.allowed,
            "state": status.state,
            "reason": str(status.reason),
            "overseas": creator.is_overseas,
            "verified": creator.is_verified,
        }
    )
