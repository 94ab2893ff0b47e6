"""Validation of reward events from the live-stream service (no database access).

The body is parsed once and strictly (``body_parse``): UTF-8 JSON, duplicate keys refused,
nesting bounded (no ``RecursionError``), ``NaN``/``Infinity`` refused. Each event is then
checked field by field, every field's type before its value; the first problem is reported
with the field's name. Patterns match whole strings (``fullmatch``: ``$`` would also match
before a final newline, so ``"X\\n"`` would pass as a second id for ``"X"``); NUL, lone
surrogates and control characters are refused in every text field (PostgreSQL refuses NUL
in text and surrogates in UTF-8). Amounts are decimal strings only: a JSON number is a float
in most senders' hands and is refused, naming the field.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from commerce.strict_input import (
    StrictJsonError,
    field_label,
    json_strict_loads,
    text_is_safe,
)
from tax.money import minor_unit

COIN = "COIN"
EVENT_FIELDS = {"event_id", "creator", "kind", "amount", "currency", "occurred_at", "stream_id"}
REQUIRED_FIELDS = ("event_id", "creator", "kind", "amount", "currency", "occurred_at")
KINDS = {"gift", "tip"}
# Whole-string patterns: always used with ``fullmatch``.
_EVENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")
_HANDLE = re.compile(r"[-a-zA-Z0-9_]{1,64}")
_AMOUNT_TEXT = re.compile(r"[0-9]{1,30}(\.[0-9]{1,30})?")
_CURRENCY = re.compile(r"[A-Z]{3,4}")
# A reward body is {"events": [{...}]}: three levels. Anything deeper is refused before use.
MAX_DEPTH = 8


class EventError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


def event_id_of(raw) -> str | None:
    """The event id of a raw event, only when it is a well-formed one (safe to echo)."""
    event_id = raw.get("event_id") if isinstance(raw, dict) else None
    return event_id if isinstance(event_id, str) and _EVENT_ID.fullmatch(event_id) else None


def body_parse(body: bytes, *, max_depth: int = MAX_DEPTH):
    """The JSON document in ``body``, parsed once and strictly (``json_strict_loads``:
    UTF-8, duplicate keys refused, numbers exact, nesting bounded); ``EventError`` else."""
    try:
        return json_strict_loads(body, max_depth=max_depth)
    except StrictJsonError as exc:
        raise EventError(exc.field, exc.message) from None


@dataclass(frozen=True)
class IntakeRules:
    ceilings: dict[str, Decimal]
    now: datetime
    skew: timedelta
    open_from: datetime
    batch_max: int

    @classmethod
    def from_settings(cls, *, now: datetime | None = None) -> IntakeRules:
        now = now or timezone.now()
        return cls(
            ceilings={k: Decimal(v) for k, v in settings.REWARDS_AMOUNT_CEILINGS.items()},
            now=now,
            skew=timedelta(seconds=settings.REWARDS_CLOCK_SKEW_SECONDS),
            open_from=open_period_start(now=now, months_back=settings.REWARDS_OPEN_MONTHS_BACK),
            batch_max=settings.REWARDS_BATCH_MAX,
        )


def open_period_start(*, now: datetime, months_back: int) -> datetime:
    """Midnight (in TIME_ZONE) of the first day of the month ``months_back`` months ago."""
    local = timezone.localtime(now)
    year, month = local.year, local.month - months_back
    while month < 1:
        month += 12
        year -= 1
    return local.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class RewardEvent:
    event_id: str
    creator: str
    kind: str
    amount: Decimal
    currency: str
    occurred_at: datetime
    stream_id: str
    payload: dict
    payload_hash: str

    @property
    def source_ref(self) -> str:
        return f"live:{self.event_id}"


def payload_hash(payload: dict) -> str:
    # ``default`` is for values JSON cannot write; an event's payload holds strings only.
    canonical = json.dumps(
        payload,
        sort_keys=True,
        separators=(",", ":"),
        default=str,  # pragma: no mutate
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


# Both callers pass a pattern that bounds the length already ({1,100}, {1,64}): the limit
# default is a second fence no input reaches.
def _text(
    data: dict,
    field: str,
    pattern: re.Pattern | None = None,
    *,
    limit: int = 100,  # pragma: no mutate
) -> str:
    value = data[field]
    if not isinstance(value, str) or not value.strip():
        raise EventError(field, _("Give a non-empty string."))
    if not text_is_safe(value):
        raise EventError(field, _("Control characters, NUL and lone surrogates are refused."))
    if len(value) > limit or (pattern is not None and not pattern.fullmatch(value)):
        raise EventError(field, _("Malformed value."))
    return value


def _amount(value, currency: str, rules: IntakeRules) -> Decimal:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        raise EventError(
            "amount", _('Give the amount as a decimal string (e.g. "12.50"), not a JSON number.')
        )
    if not isinstance(value, str):
        raise EventError("amount", _("Give the amount as a decimal string."))
    text = value
    if not text_is_safe(text):
        raise EventError("amount", _("Control characters, NUL and lone surrogates are refused."))
    if not _AMOUNT_TEXT.fullmatch(text.removeprefix("-")):
        raise EventError("amount", _("Give the amount as a decimal string."))
    try:
        amount = Decimal(text)
    except InvalidOperation:  # unreachable after the pattern: a fence kept, marked equivalent
        raise EventError(  # pragma: no mutate
            "amount",  # pragma: no mutate
            _("Give the amount as a decimal string."),  # pragma: no mutate
        ) from None
    if amount <= 0:
        raise EventError("amount", _("The amount must be positive."))
    # Only the unit's exponent is read: Decimal(1) and any other whole number say "none".
    unit = Decimal(1) if currency == COIN else minor_unit(currency)  # pragma: no mutate
    if amount.as_tuple().exponent < unit.as_tuple().exponent:
        raise EventError("amount", _("More decimal places than the currency allows."))
    if amount > rules.ceilings[currency]:
        raise EventError("amount", _("The amount is over the ceiling for one event."))
    return amount


def _occurred_at(value, rules: IntakeRules) -> datetime:
    if not isinstance(value, str) or len(value) > 40 or not text_is_safe(value):
        raise EventError("occurred_at", _("Give an ISO 8601 date and time with its offset."))
    try:
        moment = datetime.fromisoformat(value)
        # Far-off years with an offset cannot be converted to UTC: refused, not crashed on.
        moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise EventError(
            "occurred_at", _("Give an ISO 8601 date and time with its offset.")
        ) from None
    if moment.tzinfo is None:
        raise EventError("occurred_at", _("Give the time zone offset."))
    if moment > rules.now + rules.skew:
        raise EventError("occurred_at", _("The event is dated in the future."))
    if moment < rules.open_from:
        raise EventError("occurred_at", _("The event is older than the open period."))
    return moment


def event_validate(data, *, rules: IntakeRules) -> RewardEvent:
    """One event from the parsed body, or EventError naming the first bad field."""
    if not isinstance(data, dict):
        raise EventError("event", _("Each event must be a JSON object."))
    unknown = sorted(set(data) - EVENT_FIELDS)
    if unknown:
        raise EventError(field_label(unknown[0]), _("Unknown field."))
    for field in REQUIRED_FIELDS:
        if field not in data or data[field] is None:
            raise EventError(field, _("This field is required."))
    event_id = _text(data, "event_id", _EVENT_ID)
    creator = _text(data, "creator", _HANDLE)
    kind = data["kind"]
    if not isinstance(kind, str) or kind not in KINDS:
        raise EventError("kind", _("Use gift or tip."))
    currency = data["currency"]
    if (
        not isinstance(currency, str)
        or not _CURRENCY.fullmatch(currency)
        or currency not in rules.ceilings
    ):
        raise EventError("currency", _("Unknown or unaccepted currency."))
    if currency == COIN and kind != "gift":
        raise EventError("currency", _("Only gifts are sent in coins."))
    amount = _amount(data["amount"], currency, rules)
    occurred_at = _occurred_at(data["occurred_at"], rules)
    stream_id = data.get("stream_id")
    if stream_id is None:
        stream_id = ""
    if not isinstance(stream_id, str) or len(stream_id) > 100:
        raise EventError("stream_id", _("Give the stream id as a string of up to 100 characters."))
    if not text_is_safe(stream_id):
        raise EventError("stream_id", _("Control characters, NUL and lone surrogates are refused."))
    payload = {
        "event_id": event_id,
        "creator": creator,
        "kind": kind,
        "amount": data["amount"],
        "currency": currency,
        "occurred_at": data["occurred_at"],
        "stream_id": stream_id,
    }
    return RewardEvent(
        event_id=event_id,
        creator=creator,
        kind=kind,
        amount=amount,
        currency=currency,
        occurred_at=occurred_at,
        stream_id=stream_id,
        payload=payload,
        payload_hash=payload_hash(payload),
    )
