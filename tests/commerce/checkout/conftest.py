"""Checkout fixtures: a real localstripe process, customs rates, countries, a guest checkout."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from django.urls import reverse

from commerce.shipping.services import shipping_countries_ensure
from tests.factories import RateFactory, product_with_price

WEBHOOK_SECRET = "whsec_test_secret"
CUSTOMS_RATES = {
    "USD": "0.1400",
    "EUR": "0.1200",
    "GBP": "0.1050",
    "JPY": "21.00",
    "CAD": "0.1950",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_url():
    """A localstripe server for the whole run (state from scratch), stopped at the end."""
    port = free_port()
    binary = Path(sys.executable).parent / "localstripe"
    process = subprocess.Popen(
        [str(binary), "--port", str(port), "--from-scratch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{url}/js.stripe.com/v3/", timeout=1)
            break
        except requests.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("localstripe did not start") from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(autouse=True)
def stripe_settings(settings, localstripe_url):
    settings.STRIPE_API_BASE = localstripe_url
    settings.STRIPE_API_KEY = "sk_test_localstripe"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_localstripe"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_JS_URL = f"{localstripe_url}/js.stripe.com/v3/"
    return settings


@pytest.fixture
def localstripe_webhook(localstripe_url, live_server):
    """Real localstripe deliveries to the live test server, for one test."""
    url = f"{live_server.url}{reverse('stripe-webhook')}"
    requests.post(
        f"{localstripe_url}/_config/webhooks/test", data={"url": url, "secret": WEBHOOK_SECRET}
    ).raise_for_status()
    yield url
    requests.post(
        f"{localstripe_url}/_config/webhooks/test",
        data={"url": "http://127.0.0.1:9/nowhere", "secret": WEBHOOK_SECRET},
    ).raise_for_status()


@pytest.fixture
def shop(db, rates):
    """Display and customs rates, shipping countries, and two cross-border products."""
    for quote, rate in CUSTOMS_RATES.items():
        RateFactory(kind="customs", quote=quote, rate=Decimal(rate))
    shipping_countries_ensure()
    cream = product_with_price(
        "300.00", title="Face cream", origin_country="JP", hs_code="330499", cbec_eligible=True
    )
    bag = product_with_price(
        "4800.00", title="Leather bag", origin_country="FR", hs_code="420221", cbec_eligible=True
    )
    watch = product_with_price(
        "24000.00", title="Watch", origin_country="CH", hs_code="910211", cbec_eligible=True
    )
    return {"cream": cream, "bag": bag, "watch": watch}


@pytest.fixture
def market(shop):
    """The demo's marketplace: merchants shipping from Shanghai, Tokyo and Brooklyn."""
    from tests.factories import PartnerFactory, ProductFactory, StockRecordFactory

    shanghai = PartnerFactory(code="shanghai", name="Shanghai Beauty", ship_from_country="CN")
    tokyo = PartnerFactory(code="tokyo", name="Tokyo Goods", ship_from_country="JP")
    brooklyn = PartnerFactory(code="brooklyn", name="Brooklyn Makers", ship_from_country="US")

    def sold_by(partner, price, currency, **kwargs):
        product = ProductFactory(**kwargs)
        StockRecordFactory(
            product=product, partner=partner, price=Decimal(price), price_currency=currency
        )
        return product

    return {
        "shanghai_cream": sold_by(
            shanghai,
            "268.00",
            "CNY",
            title="Shanghai cream",
            origin_country="CN",
            hs_code="330499",
            cbec_eligible=True,
            weight_grams=150,
        ),
        "tokyo_cream": sold_by(
            tokyo,
            "5600",
            "JPY",
            title="Tokyo cream",
            origin_country="JP",
            hs_code="330499",
            cbec_eligible=True,
            weight_grams=150,
        ),
        "tshirt": sold_by(
            brooklyn,
            "25.00",
            "USD",
            title="Brooklyn T-shirt",
            origin_country="US",
            hs_code="610910",
            cbec_eligible=True,
            weight_grams=200,
        ),
        # Each about GBP 95 at the customs rate: under GBP 135 alone, over it together.
        "tokyo_kimono": sold_by(
            tokyo,
            "18500",
            "JPY",
            title="Tokyo kimono",
            origin_country="JP",
            hs_code="620442",
            cbec_eligible=True,
            weight_grams=600,
        ),
        "brooklyn_jacket": sold_by(
            brooklyn,
            "125.00",
            "USD",
            title="Brooklyn jacket",
            origin_country="US",
            hs_code="620193",
            cbec_eligible=True,
            weight_grams=900,
        ),
        "partners": {"shanghai": shanghai, "tokyo": tokyo, "brooklyn": brooklyn},
        "sold_by": sold_by,
    }


ADDRESSES = {
    "GB": {"line4": "London", "postcode": "SW1A 1AA", "state": ""},
    "DE": {"line4": "Berlin", "postcode": "10115", "state": ""},
    "US": {"line4": "New York", "postcode": "10001", "state": "NY"},
    "CN": {"line4": "Shanghai", "postcode": "200000", "state": "Shanghai"},
    "JP": {"line4": "Tokyo", "postcode": "100-0001", "state": ""},
    "BR": {"line4": "Rio", "postcode": "20000-000", "state": ""},
}

# Valid mainland resident ID numbers (checksums verified by stdnum.cn.ric).
ID_NUMBERS = ("11010519491231002X", "110105199003071239")


@pytest.fixture
def paid_signals():
    """(order number, amount, reference) of every order_paid sent during the test."""
    from commerce.order.signals import order_paid

    received = []

    def handler(sender, order, amount, reference, **kwargs):
        received.append((order.number, amount, reference))

    order_paid.connect(handler)
    yield received
    order_paid.disconnect(handler)


@pytest.fixture
def refunded_signals():
    from commerce.order.signals import order_refunded

    received = []

    def handler(sender, order, amount, lines, reference, **kwargs):
        received.append((order.number, amount, lines, reference))

    order_refunded.connect(handler)
    yield received
    order_refunded.disconnect(handler)


def basket_add(client, product, quantity=1, currency=None):
    if currency:
        client.post(reverse("currency-switch"), {"currency": currency})
    response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
    assert response.status_code == 302, response.content[:500]


def checkout_address(client, country, *, identity=None, email="guest@example.com"):
    """Guest checkout up to the shipping method; returns the address step's response."""
    response = client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
    assert response.status_code == 302, response.content[:2000]
    data = {
        "first_name": "Ada",
        "last_name": "Buyer",
        "line1": "1 High Street",
        "country": country,
        "phone_number": "",
        **ADDRESSES[country],
    }
    if identity:
        data.update({"real_name": identity[0], "id_number": identity[1]})
    return client.post(reverse("checkout:shipping-address"), data)


def checkout_preview(client, country, *, identity=None, method="standard"):
    response = checkout_address(client, country, identity=identity)
    assert response.status_code == 302, response.context["form"].errors
    response = client.get(reverse("checkout:shipping-method"))
    if response.status_code == 200:
        code = [c for c in response.context["methods"] if c.code.startswith(method)][0].code
        response = client.post(reverse("checkout:shipping-method"), {"method_code": code})
    return client.get(reverse("checkout:preview"))


def place_order(client, payment_method="pm_card_visa"):
    return client.post(
        reverse("checkout:preview"), {"action": "place_order", "payment_method": payment_method}
    )


def signed(payload: dict, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """(body, header) signed with Stripe's scheme: HMAC-SHA256 over "t.payload"."""
    body = json.dumps(payload).encode()
    t = timestamp or int(time.time())
    signature = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return body, f"t={t},v1={signature}"


def event_payload(event_id: str, event_type: str, intent_id: str) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "data": {"object": {"id": intent_id, "object": "payment_intent"}},
    }


def deliver(client, payload: dict, **kwargs):
    body, header = signed(payload, **kwargs)
    return client.post(
        reverse("stripe-webhook"),
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )


@pytest.fixture
def steady_state(db):
    """The rows the first order and the first payment ever write (Stripe's payment source
    type, the "Paid" payment event type), made beforehand: a query count then measures the
    shop's steady state, not whether this database has taken an order before (with them
    missing, placing an order costs 3 queries more and the paying webhook 1 more)."""
    from oscar.core.loading import get_model

    get_model("payment", "SourceType").objects.get_or_create(
        code="stripe", defaults={"name": "Stripe"}
    )
    get_model("order", "PaymentEventType").objects.get_or_create(
        code="paid", defaults={"name": "Paid"}
    )
