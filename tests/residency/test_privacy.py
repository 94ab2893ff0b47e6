"""Issue #17, item 4: data export and erasure through real URLs; someone else's -> 404."""

import json
from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Creator
from commerce.residency import selectors, services
from commerce.residency.models import HomeRegion, PersonalRecord, PrivacyRequest
from payouts.models import Earning
from tests.factories import CreatorFactory, UserFactory

pytestmark = pytest.mark.django_db(databases="__all__")

US_DATA = {
    "first_name": "Dakota",
    "last_name": "Whitfield",
    "email": "dakota.whitfield@example.us",
    "addresses": [{"line1": "350 Fifth Avenue", "city": "New York"}],
}


@pytest.fixture
def shopper():
    user = UserFactory(username="shopper-us", email="", first_name="", last_name="")
    services.personal_data_put(user=user, data=US_DATA, country="US")
    return user


def test_a_user_downloads_everything_held_from_every_store(client, shopper):
    CreatorFactory(
        user=shopper,
        country="US",
        legal_name="Dakota Whitfield",
        id_document_type="外国护照",
        id_number="X12345678",
        payout_account_number="GB33BUKB20201555555555",
    )
    client.force_login(shopper)
    response = client.get(reverse("residency:privacy-export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["home_region"]["region"] == "us"
    assert data["regional_store"]["us"]["data"] == US_DATA
    assert data["creator"]["legal_name"] == "Dakota Whitfield"
    # Numbers leave masked only.
    assert "X12345678" not in response.content.decode()
    assert data["creator"]["id_number_masked"].endswith("5678")
    assert data["creator"]["payout_account_number_masked"].endswith("5555")
    recorded = PrivacyRequest.objects.get(user=shopper)
    assert (recorded.kind, recorded.outcome) == ("export", "done")


def test_erasure_erases_the_regional_record_and_anonymises_the_account(client, shopper):
    client.force_login(shopper)
    # Without the confirmation box nothing is erased.
    response = client.post(reverse("residency:privacy-erase"))
    assert response.status_code == 302
    assert not PrivacyRequest.objects.filter(user=shopper).exists()
    response = client.post(reverse("residency:privacy-erase"), {"confirm": "1"})
    assert response.status_code == 200
    home = HomeRegion.objects.get(user=shopper)
    record = PersonalRecord.objects.using("region_us").get(token=home.token)
    assert record.payload == {} and record.erased_at is not None
    assert selectors.personal_data_get(user=shopper) == {}
    shopper.refresh_from_db()
    assert (shopper.email, shopper.first_name, shopper.is_active) == ("", "", False)
    outcome = PrivacyRequest.objects.get(user=shopper, kind="erasure")
    assert outcome.outcome == "done" and "regional record erased (us)" in outcome.detail


def test_erasure_of_a_creator_with_an_unpaid_balance_is_refused_with_the_reason(client):
    creator = CreatorFactory(payout_account_number="6217003810000123456")
    Earning.objects.create(
        creator=creator,
        kind="tip",
        amount=Decimal("120.50"),
        currency="CNY",
        occurred_at=timezone.make_aware(datetime(2026, 11, 3, 12)),
        source_ref="privacy-unpaid-1",
        state=Earning.State.AVAILABLE,
        channel="personal",
    )
    client.force_login(creator.user)
    response = client.post(reverse("residency:privacy-erase"), {"confirm": "1"})
    assert response.status_code == 200
    outcome = PrivacyRequest.objects.get(user=creator.user, kind="erasure")
    assert outcome.outcome == "refused"
    assert "unpaid balance (120.50 CNY)" in outcome.detail
    assert "unpaid balance" in response.content.decode()
    assert Creator.objects.get(pk=creator.pk).payout_account_number == "6217003810000123456"


def test_someone_elses_request_or_data_is_a_404(client, shopper):
    other = UserFactory(username="other-user")
    services.privacy_export(user=shopper, requested_by=shopper)
    request = PrivacyRequest.objects.get(user=shopper)
    client.force_login(other)
    assert client.get(reverse("residency:privacy-request", args=[request.pk])).status_code == 404
    assert client.get(reverse("residency:staff-export", args=[shopper.pk])).status_code == 404
    assert client.post(reverse("residency:staff-erase", args=[shopper.pk])).status_code == 404
    assert (
        HomeRegion.objects.get(user=shopper)
        and PersonalRecord.objects.using("region_us")
        .get(token=HomeRegion.objects.get(user=shopper).token)
        .payload
        == US_DATA
    )


def test_staff_export_for_a_user_is_recorded_as_theirs(client, shopper):
    staff = UserFactory(username="staff-2", is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("residency:staff-export", args=[shopper.pk]))
    assert response.status_code == 200
    assert json.loads(response.content)["regional_store"]["us"]["data"]["last_name"] == "Whitfield"
    recorded = PrivacyRequest.objects.get(user=shopper)
    assert recorded.requested_by == staff
