"""Issue #12: both Stripe webhooks store bounded evidence, never a 500 (regression tests)."""

import hashlib
import json
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from commerce.webhook_store import webhook_deliveries_prune

from .webhook_helpers import HOOKS, SECRET, event_body, post, stripe_header

pytestmark = pytest.mark.django_db
REFUSED = "signed body refused:"


@pytest.fixture(autouse=True)
def _secrets(settings):
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    settings.STRIPE_CONNECT_WEBHOOK_SECRET = SECRET


@pytest.fixture(params=HOOKS, ids=lambda hook: hook.name)
def hook(request):
    return request.param


def test_an_unsigned_large_body_is_stored_only_as_a_bounded_digest(client, hook):
    body = b'{"id": "evt_x", "pad": "' + b"A" * 400_000 + b'"}'
    response = post(client, hook, body, signature=None)
    assert response.status_code == 400
    record = hook.model.objects.get()
    assert (record.verified, record.state, record.event_id) == (False, "rejected", None)
    assert record.size == len(body)
    assert record.sha256 == hashlib.sha256(body).hexdigest()
    assert len(record.body) == django_settings.WEBHOOK_UNVERIFIED_HEAD_BYTES
    assert body.decode().startswith(record.body)
    assert record.headers["Content-Type"] == "application/json"


def test_twenty_unsigned_posts_grow_the_table_by_kilobytes_not_megabytes(client, hook):
    body = b"x" * 2_000_000
    for _n in range(20):
        assert post(client, hook, body[:500_000], signature="t=1,v1=00").status_code == 400
    stored = sum(len(r.body) + len(json.dumps(r.headers)) for r in hook.model.objects.all())
    assert hook.model.objects.count() == 20
    assert stored < 20 * 3000


def test_a_body_over_the_limit_is_413_and_nothing_is_stored(client, hook, settings):
    settings.WEBHOOK_BODY_MAX_BYTES = 10_000
    body = event_body(hook, pad="A" * 20_000)
    response = post(client, hook, body)
    assert response.status_code == 413
    assert not hook.model.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        b'{"id": "evt\x00"}',
        b"\x00" * 100,
        b"\xff\xfe\x00\x00garbage",
        '{"a": "\ud800"}'.encode("utf-8", "surrogatepass"),
    ],
)
def test_nul_bytes_and_undecodable_unsigned_bodies_are_400_and_stored_nul_safe(client, hook, body):
    response = post(client, hook, body, signature="t=1,v1=00")
    assert response.status_code == 400
    record = hook.model.objects.get()
    assert "\x00" not in record.body and record.size == len(body)


def test_nul_in_header_values_is_stored_safely(client, hook):
    response = post(client, hook, b"{}", signature="t=1,v1=\x00\x00", HTTP_USER_AGENT="a\x00b")
    assert response.status_code == 400
    record = hook.model.objects.get()
    assert "\x00" not in json.dumps(record.headers)
    assert record.headers["User-Agent"] == "a\ufffdb"


@pytest.mark.parametrize(
    "overrides, reason",
    [
        ({"id": None}, "signed event without a valid id"),
        ({"type": None}, "signed event without a valid type"),
        ({"id": None, "type": None}, "signed event without a valid id or type"),
        ({"id": ["evt"]}, "signed event without a valid id"),
        ({"id": "evt\x00"}, "signed event without a valid id"),
        ({"type": "x" * 101}, "signed event without a valid type"),
    ],
)
def test_a_signed_event_missing_id_or_type_is_400_with_the_reason(client, hook, overrides, reason):
    body = event_body(hook, **overrides)
    response = post(client, hook, body)
    assert response.status_code == 400
    assert response.json() == {"error": reason}
    record = hook.model.objects.get()
    assert (record.verified, record.state, record.event_id) == (True, "rejected", None)
    assert getattr(record, hook.reason_field) == reason


@pytest.mark.parametrize(
    "body, reason",
    [
        (b"[1, 2]", "signed body is not a JSON object"),
        (b"not json", "signed body refused: body: The body is not valid JSON."),
        (
            b'{"id": "a", "id": "b", "type": "t"}',
            "signed body refused: id: This key appears twice.",
        ),
        (
            b"[" * 5000 + b"]" * 5000,
            "signed body refused: body: The JSON document is nested too deeply.",
        ),
    ],
)
def test_signed_bodies_that_are_not_one_event_are_400_not_500(client, hook, body, reason):
    response = post(client, hook, body)
    assert (response.status_code, response.json()) == (400, {"error": reason})
    assert not hook.model.objects.filter(verified=True).exclude(state="rejected").exists()


def test_a_signed_event_is_stored_whole_once(client, hook):
    body = event_body(hook, "evt_whole")
    first = post(client, hook, body)
    again = post(client, hook, body)
    assert first.status_code == again.status_code == 200
    assert again.json() == {"status": "duplicate"}
    record = hook.model.objects.get()
    assert record.body == body.decode() and record.verified and record.size == len(body)


def test_the_retention_job_prunes_unverified_deliveries_only(client, settings):
    settings.WEBHOOK_UNVERIFIED_RETENTION_HOURS = 24
    for hook in HOOKS:
        post(client, hook, b"unsigned", signature=None)
        post(client, hook, event_body(hook, f"evt_keep_{hook.name}"))
        hook.model.objects.update(received_at=timezone.now() - timedelta(hours=25))
        post(client, hook, b"unsigned, recent", signature=None)
    counts = webhook_deliveries_prune()
    assert counts == {"order.StripeEvent": 1, "payouts.ConnectWebhookEvent": 1}
    for hook in HOOKS:
        kept = hook.model.objects.order_by("pk")
        assert [(r.verified, r.event_id) for r in kept] == [
            (True, f"evt_keep_{hook.name}"),
            (False, None),
        ]
    assert webhook_deliveries_prune() == {"order.StripeEvent": 0, "payouts.ConnectWebhookEvent": 0}


def test_the_retention_job_is_on_the_beat_schedule():
    from commerce.celery import app
    from commerce.order.tasks import webhook_deliveries_prune_task

    entry = django_settings.CELERY_BEAT_SCHEDULE["webhooks-unverified-prune"]
    assert entry["task"] == webhook_deliveries_prune_task.name
    assert entry["task"] in app.tasks
    assert webhook_deliveries_prune_task.apply().get() == {
        "order.StripeEvent": 0,
        "payouts.ConnectWebhookEvent": 0,
    }


def test_a_stale_signature_is_still_refused(client, hook):
    import time

    body = event_body(hook)
    response = post(client, hook, body, signature=stripe_header(body, at=int(time.time()) - 3600))
    assert response.status_code == 400
    assert hook.model.objects.get().verified is False
