"""Validation of reward events from the live-stream service (no database access).

Each event is checked field by field; the first problem is reported with the field's
name. Amounts are parsed as ``Decimal`` (the body is parsed with ``parse_float=Decimal``),
never as floats.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from tax.money import minor_unit

COIN = "COIN"
EVENT_FIELDS = {"event_id", "creator", "kind", "amount", "currency", "occurred_at", "stream_id"}
REQUIRED_FIELDS = ("event_id", "creator", "kind", "amount", "currency", "occurred_at")
KINDS = {"gift", "tip"}
_EVENT_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
_HANDLE = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")
_AMOUNT_TEXT = re.compile(r"^[0-9]+(\.[0-9]+)?$")


class EventError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message

    def as_dict(self) -> dict:
        return {"field": self.field, "message": self.message}


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
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _text(data: dict, field: str, pattern: re.Pattern | None = None) -> str:
    value = data[field]
    if not isinstance(value, str) or not value.strip():
        raise EventError(field, _("Give a non-empty string."))
    if pattern is not None and not pattern.match(value):
        raise EventError(field, _("Malformed value."))
    return value


def _amount(value, currency: str, rules: IntakeRules) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise EventError("amount", _("Give the amount as a decimal string."))
    text = str(value)
    if not _AMOUNT_TEXT.match(text.lstrip("-")):
        raise EventError("amount", _("Give the amount as a decimal string."))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise EventError("amount", _("Give the amount as a decimal string.")) from None
    if amount <= 0:
        raise EventError("amount", _("The amount must be positive."))
    unit = Decimal(1) if currency == COIN else minor_unit(currency)
    if amount.as_tuple().exponent < unit.as_tuple().exponent:
        raise EventError("amount", _("More decimal places than the currency allows."))
    if amount > rules.ceilings[currency]:
        raise EventError("amount", _("The amount is over the ceiling for one event."))
    return amount


def _occurred_at(value, rules: IntakeRules) -> datetime:
    if not isinstance(value, str):
        raise EventError("occurred_at", _("Give an ISO 8601 date and time with its offset."))
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
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
        raise EventError(unknown[0], _("Unknown field."))
    for field in REQUIRED_FIELDS:
        if field not in data or data[field] is None:
            raise EventError(field, _("This field is required."))
    event_id = _text(data, "event_id", _EVENT_ID)
    creator = _text(data, "creator", _HANDLE)
    kind = data["kind"]
    if kind not in KINDS:
        raise EventError("kind", _("Use gift or tip."))
    currency = data["currency"]
    if not isinstance(currency, str) or currency not in rules.ceilings:
        raise EventError("currency", _("Unknown or unaccepted currency."))
    if currency == COIN and kind != "gift":
        raise EventError("currency", _("Only gifts are sent in coins."))
    amount = _amount(data["amount"], currency, rules)
    occurred_at = _occurred_at(data["occurred_at"], rules)
    stream_id = data.get("stream_id") or ""
    if not isinstance(stream_id, str) or len(stream_id) > 100:
        raise EventError("stream_id", _("Give the stream id as a string of up to 100 characters."))
    payload = {
        "event_id": event_id,
        "creator": creator,
        "kind": kind,
        "amount": str(data["amount"]),
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
