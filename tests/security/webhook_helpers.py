"""Deliveries to both Stripe webhooks, signed with Stripe's scheme (tests only)."""

import hashlib
import hmac
import json
import time
from dataclasses import dataclass

from django.apps import apps

SECRET = "whsec_hostile_tests"


@dataclass(frozen=True)
class Hook:
    name: str
    url: str
    label: str  # model label
    reason_field: str
    object_kind: str

    @property
    def model(self):
        return apps.get_model(self.label)


HOOKS = [
    Hook("checkout", "/checkout/stripe/webhook/", "order.StripeEvent", "error", "payment_intent"),
    Hook(
        "connect",
        "/api/stripe/connect-webhook/",
        "payouts.ConnectWebhookEvent",
        "note",
        "transfer",
    ),
]


def stripe_header(body: bytes, *, secret: str = SECRET, at: int | None = None) -> str:
    timestamp = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def event_body(hook: Hook, event_id: str = "evt_1", **overrides) -> bytes:
    data = {
        "id": event_id,
        "object": "event",
        "type": f"{hook.object_kind}.created",
        "created": int(time.time()),
        "data": {"object": {"id": "obj_unknown", "object": hook.object_kind}},
    }
    data.update(overrides)
    return json.dumps({k: v for k, v in data.items() if v is not None}).encode()


def post(client, hook: Hook, body: bytes, *, signature: str | None = "sign", **extra):
    headers = dict(extra)
    if signature == "sign":
        signature = stripe_header(body)
    if signature is not None:
        headers["HTTP_STRIPE_SIGNATURE"] = signature
    return client.post(hook.url, data=body, content_type="application/json", **headers)
