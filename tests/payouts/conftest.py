import json
import logging
import uuid
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from agencies.models import Agency, Contract
from payouts.api import signature_for
from payouts.stripe_stand_in import StripeConnectStandIn
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
    # Issue #15: stream rewards (gifts, tips) of an overseas creator also need live
    # permission granted (agencies.live); emma is the creator who may earn them.
    from agencies.live import State, live_permission_change

    live_permission_change(creator=creator, to_state=State.GRANTED)
    return creator


@pytest.fixture
def mia(db):
    """An unverified overseas creator."""
    return CreatorFactory(handle="mia", country="US")


@pytest.fixture
def stand_in(settings, tmp_path):
    """The local Stripe Connect stand-in, with transfers and bank files pointed at it."""
    server = StripeConnectStandIn().start()
    settings.STRIPE_CONNECT_API_BASE = server.url
    settings.STRIPE_API_KEY = "sk_test_stand_in"
    settings.PAYOUT_BANK_FILE_DIR = str(tmp_path / "bank")
    yield server
    server.stop()


def _logging_left_alone(**kwargs):
    """A receiver of Celery's ``setup_logging``: while one is connected, a worker started
    in this process configures no logger (see ``worker``)."""


@pytest.fixture
def worker(monkeypatch):
    """A Celery worker thread on a queue of this test's own (no other worker on the same
    Redis, e.g. another test run, can take its tasks). Needs django_db(transaction=True).

    The worker leaves this process's logging as it was. Unasked, Celery's set-up for an
    embedded worker empties the root logger's handlers (pytest's caplog handler among them)
    and sets its level to ERROR for good, so every later test in the same process (another
    file's, under pytest-xdist) would see no warning in caplog."""
    import celery.contrib.testing.tasks  # noqa: F401  (registers celery.ping)
    from celery import signals
    from celery.contrib.testing.worker import start_worker

    from commerce.celery import app

    # What Celery's log set-up also changes: the environment (inherited by subprocesses
    # that later tests start) and where warnings go. Both restored afterwards.
    for name in ("CELERY_LOG_LEVEL", "CELERY_LOG_FILE"):
        monkeypatch.delenv(name, raising=False)
    signals.setup_logging.connect(_logging_left_alone)
    queue = f"test-transfers-{uuid.uuid4().hex}"
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    app.amqp.queues.select_add(queue)
    try:
        # No result backend is configured, so no ping round-trip: the worker is started (its
        # consumer ready) when start_worker yields; tasks wait in Redis until then anyway.
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]
        ):
            yield
    finally:
        app.conf.task_default_queue = previous
        signals.setup_logging.disconnect(_logging_left_alone)
        logging.captureWarnings(False)
