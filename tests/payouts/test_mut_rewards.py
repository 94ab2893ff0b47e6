"""Reward event validation, rule by rule: every refusal names its field and says why, and
every boundary (clock skew, open period, ceilings, decimal places) is where the rules say.

Rules are built here, not read from settings, so each figure is in the test: ceilings CNY
50,000.00, USD 5,000.00, JPY 500,000, COIN 100,000; 5 minutes of clock skew; the open period
from the first of last month (Asia/Shanghai, the project's TIME_ZONE).
"""

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from payouts.validation import (
    EventError,
    IntakeRules,
    RewardEvent,
    body_parse,
    event_id_of,
    event_validate,
    open_period_start,
    payload_hash,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
RULES = IntakeRules(
    ceilings={
        "CNY": Decimal("50000.00"),
        "USD": Decimal("5000.00"),
        "JPY": Decimal("500000"),
        "COIN": Decimal("100000"),
    },
    now=NOW,
    skew=timedelta(minutes=5),
    open_from=datetime(2026, 2, 1, tzinfo=SHANGHAI),
    batch_max=1000,
)


CONTROL = "Control characters, NUL and lone surrogates are refused."
NUMBER = 'Give the amount as a decimal string (e.g. "12.50"), not a JSON number.'
DECIMAL = "Give the amount as a decimal string."
PLACES = "More decimal places than the currency allows."
CEILING = "The amount is over the ceiling for one event."
ISO = "Give an ISO 8601 date and time with its offset."
STREAM = "Give the stream id as a string of up to 100 characters."
CURRENCY = "Unknown or unaccepted currency."
REQUIRED = "This field is required."
MALFORMED = "Malformed value."


def event(**overrides):
    data = {
        "event_id": "evt-1",
        "creator": "lily",
        "kind": "tip",
        "amount": "12.50",
        "currency": "CNY",
        "occurred_at": "2026-03-10T11:00:00+00:00",
        "stream_id": "stream-1",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}


def refusal(data) -> tuple[str, str]:
    with pytest.raises(EventError) as caught:
        event_validate(data, rules=RULES)
    return caught.value.field, caught.value.message


def test_a_valid_event_is_read_field_by_field():
    result = event_validate(event(), rules=RULES)
    assert isinstance(result, RewardEvent)
    assert (result.event_id, result.creator, result.kind) == ("evt-1", "lily", "tip")
    assert (result.amount, result.currency) == (Decimal("12.50"), "CNY")
    assert result.occurred_at == datetime(2026, 3, 10, 11, 0, tzinfo=UTC)
    assert result.stream_id == "stream-1"
    assert result.source_ref == "live:evt-1"
    assert result.payload == event()
    assert result.payload_hash == payload_hash(event())
    assert len(result.payload_hash) == 64
    # Without a stream id: an empty one.
    assert event_validate(event(stream_id=...), rules=RULES).stream_id == ""
    assert event_validate(event(stream_id=None), rules=RULES).payload["stream_id"] == ""


def test_the_payload_hash_is_canonical_and_changes_with_any_field():
    a = payload_hash({"b": 1, "a": "x"})
    assert a == payload_hash({"a": "x", "b": 1})  # key order does not matter
    assert a != payload_hash({"a": "x", "b": 2})
    assert a != payload_hash({"a": "x ", "b": 1})
    # Compact separators: the hash is of '{"a":"x","b":1}'.
    assert a == hashlib.sha256(b'{"a":"x","b":1}').hexdigest()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ([], "event", "Each event must be a JSON object."),
        (event(colour="red"), "colour", "Unknown field."),
        (event(event_id=...), "event_id", REQUIRED),
        (event(creator=None), "creator", REQUIRED),
        (event(kind=...), "kind", REQUIRED),
        (event(amount=...), "amount", REQUIRED),
        (event(currency=...), "currency", REQUIRED),
        (event(occurred_at=...), "occurred_at", REQUIRED),
        (event(event_id="   "), "event_id", "Give a non-empty string."),
        (event(event_id=7), "event_id", "Give a non-empty string."),
        (event(event_id="a\x00b"), "event_id", CONTROL),
        (event(event_id="a b"), "event_id", MALFORMED),
        (event(event_id="x" * 101), "event_id", MALFORMED),
        (event(event_id="evt-1\n"), "event_id", CONTROL),
        (event(creator="li ly"), "creator", MALFORMED),
        (event(creator="l" * 65), "creator", MALFORMED),
        (event(kind="bribe"), "kind", "Use gift or tip."),
        (event(kind=["tip"]), "kind", "Use gift or tip."),
        (event(currency="cny"), "currency", CURRENCY),
        (event(currency="EUR"), "currency", CURRENCY),
        (event(currency=156), "currency", CURRENCY),
        (event(currency="COIN", amount="10"), "currency", "Only gifts are sent in coins."),
        (event(amount=12.5), "amount", NUMBER),
        (event(amount=12), "amount", NUMBER),
        (event(amount=Decimal("12.5")), "amount", NUMBER),
        (event(amount=True), "amount", DECIMAL),
        (event(amount="1e3"), "amount", DECIMAL),
        (event(amount="12."), "amount", DECIMAL),
        (event(amount="12.5\u0000"), "amount", CONTROL),
        (event(amount="0"), "amount", "The amount must be positive."),
        (event(amount="0.00"), "amount", "The amount must be positive."),
        (event(amount="-1.00"), "amount", "The amount must be positive."),
        (event(amount="12.505"), "amount", PLACES),
        (event(amount="100.5", currency="JPY"), "amount", PLACES),
        (event(amount="1.5", currency="COIN", kind="gift"), "amount", PLACES),
        (event(amount="50000.01"), "amount", CEILING),
        (event(amount="5000.01", currency="USD"), "amount", CEILING),
        (event(occurred_at=20260310), "occurred_at", ISO),
        (event(occurred_at="2026-03-10T11:00:00+00:00" + " " * 20), "occurred_at", ISO),
        (event(occurred_at="yesterday"), "occurred_at", ISO),
        (event(occurred_at="9999-12-31T23:59:59-23:59"), "occurred_at", ISO),
        (event(occurred_at="2026-03-10T11:00:00"), "occurred_at", "Give the time zone offset."),
        # 41 characters, though a valid ISO date: over the 40 allowed.
        (event(occurred_at="2026-03-10T11:00:00.00000+00:00:00.000000"), "occurred_at", ISO),
        # Year 1 at +14:00 is year 0 in UTC: refused as a date, not as an old one.
        (event(occurred_at="0001-01-01T10:00:00+14:00"), "occurred_at", ISO),
        (
            event(occurred_at="2026-03-10T12:05:00.000001+00:00"),
            "occurred_at",
            "The event is dated in the future.",
        ),
        (
            event(occurred_at="2026-01-31T23:59:59+08:00"),
            "occurred_at",
            "The event is older than the open period.",
        ),
        (event(stream_id=5), "stream_id", STREAM),
        (event(stream_id="s" * 101), "stream_id", STREAM),
        (event(stream_id="s\x07"), "stream_id", CONTROL),
    ],
)
def test_each_refusal_names_its_field_and_says_why(data, field, message):
    assert refusal(data) == (field, message)


@pytest.mark.parametrize(
    "overrides",
    [
        {"amount": "50000.00"},  # the ceiling itself
        {"amount": "5000", "currency": "USD"},
        {"amount": "500000", "currency": "JPY"},
        {"amount": "100000", "currency": "COIN", "kind": "gift"},
        {"amount": "0.01"},
        {"amount": "12.5"},
        {"occurred_at": "2026-03-10T12:05:00+00:00"},  # now + the skew exactly
        {"occurred_at": "2026-02-01T00:00:00+08:00"},  # the open period's first instant
        {"occurred_at": "2026-03-10T11:00:00.0000+00:00:00.000000"},  # 40 characters
        {"event_id": "x" * 100, "creator": "l" * 64, "stream_id": "s" * 100},
        {"event_id": "A.b_c:d-9", "creator": "Li-ly_9", "kind": "gift"},
    ],
)
def test_values_on_the_boundaries_are_accepted(overrides):
    result = event_validate(event(**overrides), rules=RULES)
    for key, value in overrides.items():
        assert result.payload[key] == value


@pytest.mark.parametrize(
    ("now", "months_back", "start"),
    [
        (datetime(2026, 3, 10, 12, tzinfo=UTC), 1, datetime(2026, 2, 1, tzinfo=SHANGHAI)),
        (datetime(2026, 3, 10, 12, tzinfo=UTC), 0, datetime(2026, 3, 1, tzinfo=SHANGHAI)),
        (datetime(2026, 1, 15, tzinfo=UTC), 1, datetime(2025, 12, 1, tzinfo=SHANGHAI)),
        (datetime(2026, 2, 15, tzinfo=UTC), 14, datetime(2024, 12, 1, tzinfo=SHANGHAI)),
        # 31 Jan 20:00 UTC is already 1 Feb in Shanghai: last month is January.
        (datetime(2026, 1, 31, 20, tzinfo=UTC), 1, datetime(2026, 1, 1, tzinfo=SHANGHAI)),
    ],
)
def test_the_open_period_starts_at_local_midnight_of_the_first(now, months_back, start):
    got = open_period_start(now=now, months_back=months_back)
    assert got == start
    assert (got.hour, got.minute, got.second, got.microsecond, got.day) == (0, 0, 0, 0, 1)


def test_rules_from_settings(settings):
    settings.REWARDS_AMOUNT_CEILINGS = {"CNY": "100.00"}
    settings.REWARDS_CLOCK_SKEW_SECONDS = 60
    settings.REWARDS_OPEN_MONTHS_BACK = 2
    settings.REWARDS_BATCH_MAX = 7
    rules = IntakeRules.from_settings(now=NOW)
    assert rules.ceilings == {"CNY": Decimal("100.00")}
    assert (rules.now, rules.skew, rules.batch_max) == (NOW, timedelta(seconds=60), 7)
    assert rules.open_from == datetime(2026, 1, 1, tzinfo=SHANGHAI)


def test_event_ids_are_echoed_only_when_well_formed():
    assert event_id_of({"event_id": "evt-9"}) == "evt-9"
    assert event_id_of({"event_id": "evt 9"}) is None
    assert event_id_of({"event_id": "evt-9\n"}) is None
    assert event_id_of({"event_id": 9}) is None
    assert event_id_of(["evt-9"]) is None


def test_a_body_that_is_not_strict_json_names_the_problem():
    assert body_parse(b'{"events": []}') == {"events": []}
    with pytest.raises(EventError) as caught:
        body_parse(b'{"a": 1, "a": 2}')
    assert caught.value.field == "a"
    with pytest.raises(EventError):
        body_parse(b"[" * 9 + b"]" * 9)
    assert body_parse(b"[" * 8 + b"]" * 8, max_depth=8) is not None


# --- Through the endpoint -------------------------------------------------------------


def test_an_event_error_reads_as_its_message():
    error = EventError("amount", "Too much.")
    assert str(error) == "Too much."
    assert error.as_dict() == {"field": "amount", "message": "Too much."}


def test_errors_are_a_field_and_a_message(client, lily):
    from .conftest import post_signed

    unsigned = post_signed(client, event(), signature="")
    assert (unsigned.status_code, unsigned.json()) == (
        401,
        {"error": {"field": "X-Signature", "message": "Missing or invalid signature."}},
    )


def test_a_batch_echoes_the_event_id_of_an_invalid_event(client, lily):
    from .conftest import event as api_event
    from .conftest import post_signed

    body = {"events": [api_event(1), api_event(2, amount="-1"), api_event(3, event_id="a b")]}
    response = post_signed(client, body)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["event_id"], r["status"]) for r in results] == [
        ("evt-1", 201),
        ("evt-2", 400),
        (None, 400),  # not a well-formed id: not echoed
    ]
    assert results[1]["error"] == {"field": "amount", "message": "The amount must be positive."}
    assert response.json()["counts"] == {"201": 1, "400": 2}


def test_a_value_the_database_refuses_fails_that_event_only(client, lily, settings):
    from payouts.models import Earning

    from .conftest import event as api_event
    from .conftest import post_signed

    # A ceiling far above the column (14 digits): validation lets 10^15 through, the
    # database cannot store it. The batch is retried event by event.
    settings.REWARDS_AMOUNT_CEILINGS = {"CNY": "1" + "0" * 20}
    body = {"events": [api_event(1), api_event(2, amount="1" + "0" * 15), api_event(3)]}
    response = post_signed(client, body)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["event_id"], r["status"]) for r in results] == [
        ("evt-1", 201),
        ("evt-2", 400),
        ("evt-3", 201),
    ]
    assert results[1]["error"] == {
        "field": "event",
        "message": "A value was refused by the database.",
    }
    assert sorted(Earning.objects.values_list("source_ref", flat=True)) == [
        "live:evt-1",
        "live:evt-3",
    ]
    # Alone, the same: 400 naming the event, nothing written.
    alone = post_signed(client, api_event(4, amount="1" + "0" * 15))
    assert (alone.status_code, alone.json()["error"]["field"]) == (400, "event")
    assert Earning.objects.count() == 2
