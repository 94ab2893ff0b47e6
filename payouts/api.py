"""POST /api/rewards/: gift and tip events from the live-stream service.

Signed with HMAC-SHA256 of the raw body (``X-Signature: sha256=<hex>``) under any of
``REWARDS_SIGNING_SECRETS``. The body must be ``application/json`` (else 415), at most
``REWARDS_BODY_MAX_BYTES`` (else 413), and is parsed once, strictly (``body_parse``:
duplicate keys, deep nesting and non-UTF-8 are 400 naming the field). One event answers
with its own status (201 written, 200 replay, 409 conflicting replay, 400 bad field, 422
creator may not earn); a batch (``{"events": [...]}``, up to ``REWARDS_BATCH_MAX``) answers
200 with one result per event, in order: a bad event fails alone, the rest are written, and
the same batch sent again gets the same answers (written ones as replays). The service
says what became of each event (``IntakeOutcome``); only this view speaks HTTP. See
README.md, "Rewards intake".
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import DataError, transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .selectors import earning_as_dict
from .services import IntakeOutcome, IntakeResult, rewards_intake
from .validation import (
    EventError,
    IntakeRules,
    RewardEvent,
    body_parse,
    event_id_of,
    event_validate,
    field_label,
)

SIGNATURE_HEADER = "HTTP_X_SIGNATURE"
# The service decides what became of an event; here it becomes an HTTP status.
HTTP_STATUS = {
    IntakeOutcome.WRITTEN: 201,
    IntakeOutcome.REPLAY: 200,
    IntakeOutcome.CONFLICT: 409,
    IntakeOutcome.INVALID: 400,
    IntakeOutcome.REFUSED: 422,
}


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
    data: dict = {"event_id": result.event_id, "status": HTTP_STATUS[result.outcome]}
    if result.earning is not None:
        data["earning"] = earning_as_dict(result.earning)
    if result.error:
        data["error"] = result.error
    return data


def json_content_type(request) -> bool:
    """``application/json``, with no charset or UTF-8 (the only encoding JSON allows)."""
    media, _sep, params = (request.content_type or "").partition(";")
    if media.strip().lower() != "application/json":
        return False
    charset = (request.content_params or {}).get("charset", "utf-8")
    return charset.strip().lower() in {"utf-8", "utf8"}


def _invalid(raw, error: EventError) -> IntakeResult:
    # The event id is echoed only when it is one (never a NUL, a newline or a megabyte).
    return IntakeResult(event_id_of(raw), IntakeOutcome.INVALID, error=error.as_dict())


def _intake(*, events: list[RewardEvent], rules: IntakeRules) -> list[IntakeResult]:
    """The batch in one go; should the database still refuse a value that validation let
    through, each event is tried alone so that only that one fails (its own 400)."""
    # ``now``: the request's instant; without it the intake takes timezone.now() a few
    # microseconds later, a difference nothing outside can observe.
    try:
        return rewards_intake(events=events, now=rules.now)  # pragma: no mutate
    except DataError:
        pass
    results = []
    for event in events:
        try:
            [result] = rewards_intake(events=[event], now=rules.now)  # pragma: no mutate
        except DataError:
            result = IntakeResult(
                event.event_id,
                IntakeOutcome.INVALID,
                error={"field": "event", "message": _("A value was refused by the database.")},
            )
        results.append(result)
    return results


@csrf_exempt
@require_POST
@transaction.non_atomic_requests
def rewards_receive(request):
    limit = settings.REWARDS_BODY_MAX_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _error(413, "body", _("The body is larger than %(max)d bytes.") % {"max": limit})
    body = request.body
    if len(body) > limit:
        return _error(413, "body", _("The body is larger than %(max)d bytes.") % {"max": limit})
    secrets = settings.REWARDS_SIGNING_SECRETS
    if not secrets or not signature_valid(
        body=body, header=request.META.get(SIGNATURE_HEADER, ""), secrets=secrets
    ):
        return _error(401, "X-Signature", _("Missing or invalid signature."))
    if not json_content_type(request):
        return _error(415, "Content-Type", _("Send the body as application/json (UTF-8)."))
    try:
        data = body_parse(body)
    except EventError as exc:
        return JsonResponse({"error": exc.as_dict()}, status=400)
    rules = IntakeRules.from_settings()

    if isinstance(data, dict) and "events" in data:
        extra = sorted(set(data) - {"events"})
        if extra:
            return _error(400, field_label(extra[0]), _("Unknown field."))
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
                results[index] = _invalid(raw, exc)
        if valid:
            for index, result in zip(positions, _intake(events=valid, rules=rules), strict=True):
                results[index] = result
        counts: dict[str, int] = {}
        for result in results:
            status = str(HTTP_STATUS[result.outcome])
            counts[status] = counts.get(status, 0) + 1
        return JsonResponse(
            {"results": [_result_dict(r) for r in results], "counts": counts}, status=200
        )

    try:
        event = event_validate(data, rules=rules)
    except EventError as exc:
        return JsonResponse({"error": exc.as_dict()}, status=400)
    [result] = _intake(events=[event], rules=rules)
    return JsonResponse(_result_dict(result), status=HTTP_STATUS[result.outcome])
