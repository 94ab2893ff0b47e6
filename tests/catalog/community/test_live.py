"""Live permission: the state machine, the signed API, and rewards from streams."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from agencies.live import State, live_permission_change, live_signature_for, live_status
from agencies.models import Agency, Contract, LivePermissionChange
from agencies.selectors import creator_eligibility
from payouts.api import signature_for
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db
SECRET = "live-secret"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.REWARDS_SIGNING_SECRETS = [SECRET]


@pytest.fixture
def verified():
    return CreatorFactory(
        handle="yuki", country="JP", verification_state="verified", id_document_type="外国护照"
    )


@pytest.fixture
def unverified():
    return CreatorFactory(handle="mia", country="US")


def ask(client, handle, secret=SECRET, signed=True):
    path = reverse("live-permission", kwargs={"handle": handle})
    headers = {"HTTP_X_SIGNATURE": live_signature_for(path=path, secret=secret)} if signed else {}
    return client.get(path, **headers)


def test_verified_overseas_creator_granted_and_the_api_says_yes(client, verified):
    staff = UserFactory(username="ops", is_staff=True)
    assert ask(client, "yuki").json()["allowed"] is False  # no permission yet
    live_permission_change(creator=verified, to_state=State.REQUESTED)
    live_permission_change(creator=verified, to_state=State.GRANTED, by=staff, reason="ok")
    answer = ask(client, "yuki").json()
    assert answer == {
        "creator": "yuki",
        "allowed": True,
        "state": "granted",
        "reason": "Live permission granted.",
        "overseas": True,
        "verified": True,
    }
    changes = list(LivePermissionChange.objects.values_list("from_state", "to_state", "actor"))
    assert changes == [("none", "requested", None), ("requested", "granted", staff.pk)]


def test_unverified_overseas_creator_is_refused_with_the_reason(client, unverified):
    live_permission_change(creator=unverified, to_state=State.REQUESTED)
    permission = live_permission_change(creator=unverified, to_state=State.GRANTED)
    assert permission.state == "refused"
    answer = ask(client, "mia").json()
    assert answer["allowed"] is False and answer["state"] == "refused"
    assert "verification" in answer["reason"]


def test_unsigned_or_wrongly_signed_request_is_401(client, verified):
    for response in (ask(client, "yuki", signed=False), ask(client, "yuki", secret="wrong")):
        assert response.status_code == 401
        assert response.json()["error"]["field"] == "X-Signature"


def test_unknown_creator_is_404_with_the_field(client):
    response = ask(client, "nobody")
    assert response.status_code == 404
    assert response.json()["error"] == {"field": "creator", "message": "Unknown creator."}


def test_state_machine_refuses_impossible_moves(verified):
    with pytest.raises(ValidationError):
        live_permission_change(creator=verified, to_state=State.REVOKED)  # none → revoked
    live_permission_change(creator=verified, to_state=State.GRANTED)
    live_permission_change(creator=verified, to_state=State.REVOKED, reason="strikes")
    assert live_status(creator=verified).allowed is False
    assert verified.live_permission.changes.count() == 2


def test_domestic_creator_may_go_live_unless_revoked(client):
    creator = CreatorFactory(handle="lily", country="CN")
    assert ask(client, "lily").json()["allowed"] is True
    live_permission_change(creator=creator, to_state=State.REFUSED, reason="fraud")
    assert ask(client, "lily").json()["allowed"] is False


def test_eligibility_for_stream_income_needs_live_permission(verified):
    agency = Agency.objects.create(
        code="a", legal_name="A", country="HK", registration_number="1", payout_rail="bank_file"
    )
    Contract.objects.create(
        creator=verified, agency=agency, kind="employment", valid_from=date(2020, 1, 1)
    )
    day = date(2026, 1, 10)
    assert creator_eligibility(creator=verified, day=day).allowed  # commission: no stream
    refused = creator_eligibility(creator=verified, day=day, live=True)
    assert not refused.allowed and "live permission" in refused.reason
    live_permission_change(creator=verified, to_state=State.GRANTED)
    assert creator_eligibility(creator=verified, day=day, live=True).allowed


def test_stream_rewards_without_permission_are_refused_422_and_recorded(client, verified):
    from payouts.models import EarningIntake

    agency = Agency.objects.create(
        code="a", legal_name="A", country="HK", registration_number="1", payout_rail="bank_file"
    )
    Contract.objects.create(
        creator=verified, agency=agency, kind="employment", valid_from=date(2020, 1, 1)
    )
    body = json.dumps(
        {
            "event_id": "evt-1",
            "creator": "yuki",
            "kind": "tip",
            "amount": "10.00",
            "currency": "CNY",
            "occurred_at": (timezone.now() - timedelta(hours=1)).isoformat(),
            "stream_id": "s1",
        }
    ).encode()
    response = client.post(
        "/api/rewards/",
        body,
        content_type="application/json",
        HTTP_X_SIGNATURE=signature_for(body=body, secret=SECRET),
    )
    assert response.status_code == 422, response.content
    assert "live permission" in response.content.decode()
    intake = EarningIntake.objects.get()
    assert intake.outcome == "refused" and "live permission" in intake.reason
