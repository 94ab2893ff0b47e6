import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agencies.models import Agency, Contract
from payouts.api import signature_for
from tests.factories import CreatorFactory

SECRET = "test-secret-one"
# One timestamp for the whole run, so that building the same event twice gives one body.
AT = (timezone.now() - timedelta(minutes=1)).isoformat()


@pytest.fixture(autouse=True)
def _rewards_settings(settings):
    settings.REWARDS_SIGNING_SECRETS = [SECRET]
    settings.REWARDS_COIN_RATE = "0.10"
    settings.REWARDS_PLATFORM_SHARE = "0.50"
    settings.COMMISSION_DEFAULT_RATE = "0.05"
    settings.COMMISSION_RETURN_WINDOW_DAYS = 15


def post_signed(client, payload, *, secret=SECRET, raw: bytes | None = None, signature=None):
    body = raw if raw is not None else json.dumps(payload).encode()
    headers = {}
    if signature is None:
        signature = signature_for(body=body, secret=secret)
    if signature:
        headers["HTTP_X_SIGNATURE"] = signature
    return client.post("/api/rewards/", data=body, content_type="application/json", **headers)


def event(n=1, **overrides):
    data = {
        "event_id": f"evt-{n}",
        "creator": "lily",
        "kind": "tip",
        "amount": "12.50",
        "currency": "CNY",
        "occurred_at": AT,
        "stream_id": "stream-1",
    }
    data.update(overrides)
    return data


@pytest.fixture
def lily(db):
    return CreatorFactory(handle="lily", country="CN")


@pytest.fixture
def agency(db):
    return Agency.objects.create(
        code="harbour",
        legal_name="Harbour Talent Ltd",
        country="HK",
        registration_number="12345678",
        share=Decimal("0.2"),
        payout_rail=Agency.Rail.STRIPE_CONNECT,
        stripe_account_id="acct_1",
    )


@pytest.fixture
def emma(db, agency):
    """A verified overseas creator under an employment contract."""
    creator = CreatorFactory(
        handle="emma",
        country="GB",
        verification_state="verified",
        id_document_type="外国护照",
        id_number="123456789",
    )
    Contract.objects.create(
        creator=creator, agency=agency, kind="employment", valid_from=date(2020, 1, 1)
    )
    return creator


@pytest.fixture
def mia(db):
    """An unverified overseas creator."""
    return CreatorFactory(handle="mia", country="US")
