"""POST /api/rewards/: gift and tip events from the live-stream service.

Signed with HMAC-SHA256 of the raw body (``X-Signature: sha256=<hex>``) under any of
``REWARDS_SIGNING_SECRETS``. One event answers with its own status (201 written, 200
replay, 409 conflicting replay, 400 bad field, 422 creator may not earn); a batch
(``{"events": [...]}``, up to ``REWARDS_BATCH_MAX``) answers 200 with one result per
event, in order. See README.md, "Rewards intake".
"""

from __future__ import annotations

import hashlib
import hmac
import json
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .selectors import earning_as_dict
from .services import IntakeResult, rewards_intake
from .validation import EventError, IntakeRules, event_validate

SIGNATURE_HEADER = "HTTP_X_SIGNATURE"


def signature_valid(*, body: bytes, header: str, secrets: list[str]) -> bool:
    if not header.startswith("sha256="):
        return False
    given = header[len("sha256=") :].strip().lower()
    valid = False
    for secret in secrets:
        expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        valid |= hmac.compare_digest(expected, given)  # no early exit: constant work
    return valid


def signature_for(*, body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _error(status: int, field: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"field": field, "message": message}}, status=status)


def _result_dict(result: IntakeResult) -> dict:
    data: dict = {"event_id": result.event_id, "status": result.status}
    if result.earning is not None:
        data["earning"] = earning_as_dict(result.earning)
    if result.error:
        data["error"] = result.error
    return data


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def rewards_receive(request):
    secrets = settings.REWARDS_SIGNING_SECRETS
    body = request.body
    if not secrets or not signature_valid(
        body=body, header=request.META.get(SIGNATURE_HEADER, ""), secrets=secrets
    ):
        return _error(401, "X-Signature", _("Missing or invalid signature."))
    try:
        data = json.loads(body, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "body", _("The body is not valid JSON."))
    rules = IntakeRules.from_settings()

    if isinstance(data, dict) and "events" in data:
        extra = sorted(set(data) - {"events"})
        if extra:
            return _error(400, extra[0], _("Unknown field."))
        events = data["events"]
        if not isinstance(events, list) or not events:
            return _error(400, "events", _("Give a non-empty list of events."))
        if len(events) > rules.batch_max:
            return _error(
                400,
                "events",
                _("At most %(max)d events in one batch.") % {"max": rules.batch_max},
            )
        results: list[IntakeResult | None] = [None] * len(events)
        valid, positions = [], []
        for index, raw in enumerate(events):
            try:
                valid.append(event_validate(raw, rules=rules))
                positions.append(index)
            except EventError as exc:
                event_id = raw.get("event_id") if isinstance(raw, dict) else None
                results[index] = IntakeResult(
                    event_id if isinstance(event_id, str) else None, 400, error=exc.as_dict()
                )
        if valid:
            for index, result in zip(
                positions, rewards_intake(events=valid, now=rules.now), strict=True
            ):
                results[index] = result
        counts: dict[str, int] = {}
        for result in results:
            counts[str(result.status)] = counts.get(str(result.status), 0) + 1
        return JsonResponse(
            {"results": [_result_dict(r) for r in results], "counts": counts}, status=200
        )

    try:
        event = event_validate(data, rules=rules)
    except EventError as exc:
        return JsonResponse({"error": exc.as_dict()}, status=400)
    [result] = rewards_intake(events=[event], now=rules.now)
    return JsonResponse(_result_dict(result), status=result.status)
