"""Issue #12: the rewards API's hostile-input findings, each as a regression test.

Every case here was a 500, a double credit or a silently wrong value before the fix.
"""

import json

import pytest

from payouts.models import Earning, EarningIntake
from tests.payouts.conftest import SECRET, event, post_signed

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not Earning.objects.exists() and not EarningIntake.objects.exists()


def raw_post(client, raw: bytes):
    return post_signed(client, None, raw=raw)


@pytest.mark.parametrize("kind", [["tip"], {"tip": 1}, 1, None, True])
def test_kind_of_another_type_is_400_naming_the_field(client, lily, kind):
    response = post_signed(client, event(kind=kind))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "kind"
    assert nothing_written()


@pytest.mark.parametrize("field", ["event_id", "creator", "currency", "occurred_at", "amount"])
@pytest.mark.parametrize("value", [["x"], {"x": 1}, 5, True])
def test_every_field_of_the_wrong_type_is_400_naming_it(client, lily, field, value):
    response = post_signed(client, event(**{field: value}))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field
    assert nothing_written()


@pytest.mark.parametrize("bad", ["a\x00b", "\ud800", "a\udfffb", "tab\there", "bell\x07", "\x9b"])
@pytest.mark.parametrize("field", ["stream_id", "event_id", "creator", "occurred_at", "amount"])
def test_nul_surrogates_and_control_characters_are_400_in_every_text_field(
    client, lily, field, bad
):
    response = post_signed(client, event(**{field: bad}))
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field
    assert nothing_written()


def test_stream_id_with_nul_or_a_lone_surrogate_was_a_500(client, lily):
    # The reported bodies, as sent on the wire (JSON escapes).
    for escape in ("\\u0000", "\\ud800"):
        raw = json.dumps(event()).replace('"stream-1"', f'"s{escape}"').encode()
        response = raw_post(client, raw)
        assert response.status_code == 400
        assert response.json()["error"]["field"] == "stream_id"
    assert nothing_written()


@pytest.mark.parametrize("depth", [9, 100, 5000, 100_000])
def test_deeply_nested_arrays_are_400_not_a_recursion_error(client, lily, depth):
    raw = b"[" * depth + b"]" * depth
    response = raw_post(client, raw)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "body"
    nested = json.dumps(event()).replace('"stream-1"', "[" * depth + "]" * depth).encode()
    assert raw_post(client, nested).status_code == 400
    assert nothing_written()


def test_a_bad_event_in_a_batch_fails_alone_and_a_retry_gives_the_same_answers(client, lily):
    events = [
        event(1),
        event(2, kind=["tip"]),
        event(3, stream_id="s\x00"),
        event(4, stream_id="\ud800"),
        event(5),
        event(6, kind={"a": 1}),
    ]
    body = json.dumps({"events": events}).encode()
    first = raw_post(client, body)
    assert first.status_code == 200
    results = first.json()["results"]
    assert [r["status"] for r in results] == [201, 400, 400, 400, 201, 400]
    assert [r.get("error", {}).get("field") for r in results] == [
        None,
        "kind",
        "stream_id",
        "stream_id",
        None,
        "kind",
    ]
    assert [r["event_id"] for r in results] == [f"evt-{n}" for n in range(1, 7)]
    assert sorted(Earning.objects.values_list("source_ref", flat=True)) == [
        "live:evt-1",
        "live:evt-5",
    ]
    again = raw_post(client, body)
    assert again.status_code == 200
    retried = again.json()["results"]
    # Written events are now replays (200) of the same earnings; the bad ones the same 400s.
    assert [r["status"] for r in retried] == [200, 400, 400, 400, 200, 400]
    assert [r.get("earning") for r in retried] == [r.get("earning") for r in results]
    assert Earning.objects.count() == 2


def test_a_trailing_newline_does_not_make_a_second_event(client, lily):
    assert post_signed(client, event(event_id="X")).status_code == 201
    response = post_signed(client, event(event_id="X\n"))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "event_id"
    assert Earning.objects.count() == 1


@pytest.mark.parametrize("amount", ["10\n", "10 ", " 10", "１０", "10\x00", "+10", "1_0"])
def test_amount_text_must_be_a_whole_decimal_string(client, lily, amount):
    response = post_signed(client, event(amount=amount))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "amount"
    assert nothing_written()


@pytest.mark.parametrize("handle", ["lily\n", "lily ", "lily\x00"])
def test_creator_handle_is_matched_whole(client, lily, handle):
    response = post_signed(client, event(creator=handle))
    assert response.status_code == 400 and response.json()["error"]["field"] == "creator"


def test_duplicate_keys_are_refused_not_last_one_wins(client, lily):
    raw = json.dumps(event()).replace('"amount": "12.50"', '"amount": "1.00", "amount": "99999.00"')
    assert raw.count('"amount"') == 2
    response = raw_post(client, raw.encode())
    assert response.status_code == 400
    assert response.json()["error"] == {"field": "amount", "message": "This key appears twice."}
    batch = '{"events": [], "events": [' + json.dumps(event()) + "]}"
    assert raw_post(client, batch.encode()).json()["error"]["field"] == "events"
    assert nothing_written()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_body_that_is_not_application_json_is_415(client, lily, content_type):
    from payouts.api import signature_for

    body = json.dumps(event()).encode()
    response = client.generic(
        "POST",
        "/api/rewards/",
        body,
        content_type=content_type,
        HTTP_X_SIGNATURE=signature_for(body=body, secret=SECRET),
    )
    assert response.status_code == 415
    assert response.json()["error"]["field"] == "Content-Type"
    assert nothing_written()


def test_json_with_a_charset_parameter_is_accepted_only_as_utf8(client, lily):
    from payouts.api import signature_for

    body = json.dumps(event()).encode()
    headers = {"HTTP_X_SIGNATURE": signature_for(body=body, secret=SECRET)}
    latin = client.post(
        "/api/rewards/", body, content_type="application/json; charset=latin-1", **headers
    )
    assert latin.status_code == 415
    utf8 = client.post(
        "/api/rewards/", body, content_type="application/json; charset=UTF-8", **headers
    )
    assert utf8.status_code == 201


@pytest.mark.parametrize("number", ["10", "10.5", "1e2", "-0"])
def test_amounts_as_json_numbers_are_400_naming_the_field(client, lily, number):
    raw = json.dumps(event()).replace('"12.50"', number).encode()
    response = raw_post(client, raw)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "amount"
    assert "not a JSON number" in response.json()["error"]["message"]
    assert nothing_written()


@pytest.mark.parametrize(
    "raw",
    [b"\xff\xfe{}", b'{"a": NaN}', b'{"a": Infinity}', b"1" * 5000, "{}".encode("utf-16")],
)
def test_non_utf8_nan_and_oversized_integers_are_400(client, lily, raw):
    response = raw_post(client, raw)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "body"


def test_a_body_over_the_limit_is_413(client, lily, settings):
    settings.REWARDS_BODY_MAX_BYTES = 1000
    big = {"events": [event(n) for n in range(20)]}
    response = post_signed(client, big)
    assert response.status_code == 413
    assert response.json()["error"]["field"] == "body"
    assert nothing_written()


def test_unknown_field_names_are_echoed_safely(client, lily):
    response = post_signed(client, event(**{"x\x00" * 100: 1}))
    assert response.status_code == 400
    field = response.json()["error"]["field"]
    assert "\x00" not in field and len(field) <= 67


def test_far_off_dates_with_offsets_are_400_not_an_overflow(client, lily):
    for moment in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"):
        response = post_signed(client, event(occurred_at=moment))
        assert response.status_code == 400
        assert response.json()["error"]["field"] == "occurred_at"


def test_the_service_returns_outcomes_and_the_view_maps_them():
    from payouts.api import HTTP_STATUS
    from payouts.services import IntakeOutcome

    assert HTTP_STATUS == {
        IntakeOutcome.WRITTEN: 201,
        IntakeOutcome.REPLAY: 200,
        IntakeOutcome.CONFLICT: 409,
        IntakeOutcome.INVALID: 400,
        IntakeOutcome.REFUSED: 422,
    }


def test_an_empty_field_name_is_named_visibly(client, lily):
    # Found by the fuzz tests: {"": null} was reported with an empty field name.
    response = post_signed(client, event(**{"": None}))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == '""'
