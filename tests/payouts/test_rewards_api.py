import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from payouts.models import Earning, EarningIntake

from .conftest import event, post_signed

pytestmark = pytest.mark.django_db


def test_tip_is_written_once_and_answered_201(client, lily):
    response = post_signed(client, event())
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == 201 and body["event_id"] == "evt-1"
    earning = Earning.objects.get()
    assert body["earning"]["id"] == earning.pk
    assert body["earning"]["amount"] == "12.50"
    assert (earning.kind, earning.amount, earning.currency) == ("tip", Decimal("12.50"), "CNY")
    assert earning.source_ref == "live:evt-1"
    assert earning.channel == "personal" and earning.agency is None
    assert earning.state == "available"
    assert EarningIntake.objects.get().outcome == "accepted"


def test_replay_with_identical_body_answers_200_with_the_same_earning(client, lily):
    payload = event()
    first = post_signed(client, payload).json()
    again = post_signed(client, payload)
    assert again.status_code == 200
    assert again.json()["earning"] == first["earning"]
    assert Earning.objects.count() == 1


def test_replay_with_a_different_body_is_a_conflict(client, lily):
    post_signed(client, event())
    response = post_signed(client, event(amount="13.00"))
    assert response.status_code == 409
    assert response.json()["error"]["field"] == "event_id"
    assert Earning.objects.get().amount == Decimal("12.50")


def test_missing_signature_is_401(client, lily):
    response = post_signed(client, event(), signature="")
    assert response.status_code == 401
    assert response.json()["error"]["field"] == "X-Signature"
    assert not Earning.objects.exists() and not EarningIntake.objects.exists()


def test_signature_under_another_secret_is_401(client, lily):
    assert post_signed(client, event(), secret="wrong").status_code == 401


def test_signature_of_another_body_is_401(client, lily):
    body = json.dumps(event()).encode()
    from payouts.api import signature_for

    signature = signature_for(body=body + b" ", secret="test-secret-one")
    assert post_signed(client, None, raw=body, signature=signature).status_code == 401


def test_malformed_signature_header_is_401(client, lily):
    assert post_signed(client, event(), signature="md5=abc").status_code == 401


def test_no_configured_secret_refuses_everything(client, lily, settings):
    settings.REWARDS_SIGNING_SECRETS = []
    assert post_signed(client, event(), secret="").status_code == 401


def test_two_secrets_are_valid_during_rotation(client, lily, settings):
    settings.REWARDS_SIGNING_SECRETS = ["old-secret", "new-secret"]
    assert post_signed(client, event(1), secret="old-secret").status_code == 201
    assert post_signed(client, event(2), secret="new-secret").status_code == 201
    assert post_signed(client, event(3), secret="test-secret-one").status_code == 401
    settings.REWARDS_SIGNING_SECRETS = ["new-secret"]  # rotation finished
    assert post_signed(client, event(4), secret="old-secret").status_code == 401


def test_get_is_not_allowed(client):
    assert client.get("/api/rewards/").status_code == 405


def test_malformed_json_is_400(client, lily):
    response = post_signed(client, None, raw=b'{"event_id": ')
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "body"


def _bad(client, **overrides):
    response = post_signed(client, event(**overrides))
    assert response.status_code == 400, response.content
    assert not Earning.objects.exists() and not EarningIntake.objects.exists()
    return response.json()["error"]["field"]


def test_unknown_field_is_named(client, lily):
    assert _bad(client, colour="red") == "colour"


@pytest.mark.parametrize(
    "field", ["event_id", "creator", "kind", "amount", "currency", "occurred_at"]
)
def test_missing_field_is_named(client, lily, field):
    payload = event()
    del payload[field]
    response = post_signed(client, payload)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(
    "amount",
    ["12.505", "0", "0.00", "-5.00", "abc", "", "1e3", True, [1], "100000.01"],
)
def test_bad_amounts_are_refused(client, lily, amount):
    assert _bad(client, amount=amount) == "amount"


def test_json_number_with_extra_precision_is_refused(client, lily):
    response = post_signed(
        client, None, raw=json.dumps(event()).replace('"12.50"', "12.505").encode()
    )
    assert response.status_code == 400 and response.json()["error"]["field"] == "amount"


def test_json_number_amount_is_refused_naming_the_field(client, lily):
    # Changed by issue #12: amounts are decimal strings only (a JSON number is a float in
    # most senders' hands); this test used to assert that 0.10 as a number was accepted.
    for number in ("0.10", "10", "1e1"):
        raw = json.dumps(event()).replace('"12.50"', number).encode()
        response = post_signed(client, None, raw=raw)
        assert response.status_code == 400
        assert response.json()["error"]["field"] == "amount"
    assert not Earning.objects.exists() and not EarningIntake.objects.exists()


def test_yen_amounts_have_no_decimals(client, lily):
    assert _bad(client, currency="JPY", amount="100.5") == "amount"
    assert post_signed(client, event(currency="JPY", amount="1500")).status_code == 201


def test_amount_at_the_ceiling_is_accepted(client, lily):
    assert post_signed(client, event(amount="100000.00")).status_code == 201


def test_unknown_currency_is_refused(client, lily):
    assert _bad(client, currency="XYZ") == "currency"


def test_unknown_kind_is_refused(client, lily):
    assert _bad(client, kind="commission") == "kind"


def test_unknown_creator_is_refused(client, lily):
    assert _bad(client, creator="nobody") == "creator"


def test_malformed_event_id_is_refused(client, lily):
    assert _bad(client, event_id="has spaces") == "event_id"


def test_occurred_at_in_the_future_is_refused(client, lily):
    later = (timezone.now() + timedelta(minutes=10)).isoformat()
    assert _bad(client, occurred_at=later) == "occurred_at"


def test_small_clock_skew_is_allowed(client, lily):
    soon = (timezone.now() + timedelta(seconds=60)).isoformat()
    assert post_signed(client, event(occurred_at=soon)).status_code == 201


def test_occurred_at_before_the_open_period_is_refused(client, lily):
    old = (timezone.now() - timedelta(days=70)).isoformat()
    assert _bad(client, occurred_at=old) == "occurred_at"


def test_occurred_at_without_offset_or_malformed_is_refused(client, lily):
    assert _bad(client, occurred_at="2026-11-01T10:00:00") == "occurred_at"
    assert _bad(client, occurred_at="yesterday") == "occurred_at"


def test_tips_in_coins_are_refused(client, lily):
    assert _bad(client, currency="COIN", amount="10") == "currency"


def test_gift_in_coins_is_converted_and_the_platform_share_applied(client, lily):
    response = post_signed(client, event(kind="gift", currency="COIN", amount="1001"))
    assert response.status_code == 201
    earning = Earning.objects.get()
    # 1001 coins × 0.10 = CNY 100.10; creator keeps 50% = 50.05
    assert (earning.amount, earning.currency) == (Decimal("50.05"), "CNY")
    assert earning.coins == 1001 and earning.coin_rate == Decimal("0.10")
    assert earning.gross_amount == Decimal("100.10")
    assert earning.platform_share == Decimal("0.5")
    assert response.json()["earning"]["conversion"]["coins"] == 1001


def test_gift_in_money_pays_the_platform_share_rounded_half_up(client, lily):
    assert post_signed(client, event(kind="gift", amount="0.05")).status_code == 201
    earning = Earning.objects.get()
    assert earning.amount == Decimal("0.03")  # 0.025 half-up
    assert earning.coins is None and earning.gross_amount == Decimal("0.05")


def test_gift_in_coins_with_decimals_is_refused(client, lily):
    assert _bad(client, kind="gift", currency="COIN", amount="1.5") == "amount"


def test_unverified_overseas_creator_is_refused_with_422_and_recorded(client, mia):
    payload = event(creator="mia")
    response = post_signed(client, payload)
    assert response.status_code == 422
    assert "verified" in response.json()["error"]["message"]
    assert not Earning.objects.exists()
    intake = EarningIntake.objects.get()
    assert intake.outcome == "refused" and intake.reason
    assert post_signed(client, payload).status_code == 422  # replay: the same answer


def test_verified_overseas_creator_without_employment_contract_is_422(client, emma):
    emma.contracts.update(kind="service")
    assert post_signed(client, event(creator="emma")).status_code == 422


def test_verified_overseas_creator_under_employment_earns_through_the_agency(client, emma, agency):
    assert post_signed(client, event(creator="emma", currency="HKD")).status_code == 201
    earning = Earning.objects.get()
    assert earning.channel == "agency" and earning.agency == agency
    assert earning.contract_kind == "employment"


# --- Batch form -------------------------------------------------------------------------------


def test_batch_answers_per_event_in_order(client, lily, mia):
    post_signed(client, event(5))
    payload = {
        "events": [
            event(1),
            event(2, amount="-1"),
            event(3, creator="mia"),
            event(5),  # replay of an earlier delivery
            event(5, amount="99.00", event_id="evt-6", creator="nobody"),
            event(1, amount="1.00"),  # same id twice in one batch, different body
            event(7, kind="gift", currency="COIN", amount="10"),
            event(1),  # same event twice in one batch: a replay
        ]
    }
    response = post_signed(client, payload)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == [201, 400, 422, 200, 400, 409, 201, 200]
    assert results[1]["error"]["field"] == "amount"
    assert results[4]["error"]["field"] == "creator"
    assert results[0]["earning"]["id"] == results[7]["earning"]["id"]
    assert response.json()["counts"] == {"201": 2, "400": 2, "422": 1, "200": 2, "409": 1}
    assert Earning.objects.count() == 3


def test_batch_of_a_thousand_events_is_accepted(client, lily, django_assert_max_num_queries):
    payload = {"events": [event(n) for n in range(1000)]}
    with django_assert_max_num_queries(10):
        response = post_signed(client, payload)
    assert response.status_code == 200
    assert response.json()["counts"] == {"201": 1000}
    assert Earning.objects.count() == 1000


def test_batch_over_the_limit_is_refused_whole(client, lily):
    response = post_signed(client, {"events": [event(n) for n in range(1001)]})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "events"
    assert not Earning.objects.exists()


def test_batch_with_unknown_top_level_field_or_empty_list_is_400(client, lily):
    assert post_signed(client, {"events": [event()], "x": 1}).json()["error"]["field"] == "x"
    assert post_signed(client, {"events": []}).status_code == 400
    assert post_signed(client, {"events": "nope"}).status_code == 400


def test_batch_item_that_is_not_an_object_is_400_for_that_item(client, lily):
    response = post_signed(client, {"events": ["nope", event(1)]})
    assert [r["status"] for r in response.json()["results"]] == [400, 201]


def test_body_that_is_not_an_object_is_400(client, lily):
    assert post_signed(client, [event()]).status_code == 400


def test_view_is_outside_atomic_requests_and_csrf():
    from django.urls import resolve

    view = resolve("/api/rewards/").func
    assert "default" in view._non_atomic_requests
    assert view.csrf_exempt


def test_request_through_csrf_checks_is_accepted(lily):
    from django.test import Client

    assert post_signed(Client(enforce_csrf_checks=True), event()).status_code == 201


def test_portable_insert_path_gives_the_same_answers(client, lily, monkeypatch):
    """Other databases (the SQLite demo) go through bulk_create and read everything back."""
    from django.db import connection

    post_signed(client, event(1))
    monkeypatch.setattr(connection, "vendor", "sqlite")
    payload = {"events": [event(1), event(2), event(1, amount="1.00"), event(2)]}
    results = post_signed(client, payload).json()["results"]
    assert [r["status"] for r in results] == [200, 201, 409, 200]
    assert results[1]["earning"] == results[3]["earning"]
    assert Earning.objects.count() == 2
