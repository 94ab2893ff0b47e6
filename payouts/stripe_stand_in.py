"""A small local stand-in for Stripe's Connect transfers (localstripe has none).

Used by the tests (in a thread on a free port) and by ``make demo``
(``manage.py stripe_connect_stand_in``); never in production, where
``STRIPE_CONNECT_API_BASE`` is empty and the official library talks to Stripe.

Serves ``POST /v1/transfers``, ``GET /v1/transfers/{id}`` and
``POST /v1/transfers/{id}/reversals`` in Stripe's wire format:
form-encoded requests, JSON objects (``"object": "transfer"``), Stripe error bodies
(``{"error": {"type", "message", "param"}}``) with 400/401/404/500, and idempotency: a
replayed ``Idempotency-Key`` returns the first response; the same key with different
parameters answers 400 ``idempotency_error``, as Stripe does (stripe-python raises
``IdempotencyError`` for it; Stripe's 409 for a concurrent request is not modelled).
A destination ``acct_fail`` is refused (400) and ``fail_next`` answers 500 that many
times (a rail to retry). Runs in a thread on a free port; ``created`` counts the
transfers really created, ``created_per_destination`` per connected account, and
``posts_per_key`` the POSTs seen per idempotency key (a retry reuses its key).

``delay`` (seconds) holds every POST's answer back after the request has been acted on
(the transfer created, or the replay looked up), outside the lock: a crash test kills
the worker while it waits, as if it died after Stripe made the transfer and before our
side heard of it. Zero (the default) answers at once.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

_REVERSALS_PATH = re.compile(r"/v1/transfers/(tr_[A-Za-z0-9]+)/reversals")


class StripeConnectStandIn:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.transfers: dict[str, dict] = {}
        self.idempotency: dict[str, tuple[dict, int, dict]] = {}
        self.requests: list[tuple[str, str, dict, str | None]] = []
        self.fail_next = 0
        self.delay = 0.0
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                return

            def _send(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_stub_{next(stub._ids)}")
                self.end_headers()
                self.wfile.write(data)

            def _authorised(self) -> bool:
                auth = self.headers.get("Authorization", "")
                if not auth.startswith("Bearer sk_"):
                    self._send(401, stub.error("invalid_request_error", "Invalid API Key."))
                    return False
                return True

            def do_POST(self):
                if not self._authorised():
                    return
                length = int(self.headers.get("Content-Length") or 0)
                params = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                key = self.headers.get("Idempotency-Key")
                status, body = stub.handle_post(self.path, params, key)
                if stub.delay:
                    time.sleep(stub.delay)
                self._send(status, body)

            def do_GET(self):
                if not self._authorised():
                    return
                status, body = stub.handle_get(self.path)
                self._send(status, body)

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def created(self) -> int:
        return len(self.transfers)

    @property
    def created_per_destination(self) -> Counter:
        with self.lock:
            return Counter(body["destination"] for body in self.transfers.values())

    @property
    def posts_per_key(self) -> Counter:
        with self.lock:
            return Counter(key for method, _path, _p, key in self.requests if method == "POST")

    def start(self) -> StripeConnectStandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def error(kind: str, message: str, param: str | None = None) -> dict:
        error = {"type": kind, "message": message}
        if param:
            error["param"] = param
        return {"error": error}

    def handle_post(self, path: str, params: dict, key: str | None) -> tuple[int, dict]:
        with self.lock:
            self.requests.append(("POST", path, params, key))
            reversal = _REVERSALS_PATH.fullmatch(path)
            if path != "/v1/transfers" and reversal is None:
                return 404, self.error(
                    "invalid_request_error", f"Unrecognized request URL (POST: {path})."
                )
            if key is not None and key in self.idempotency:
                first_params, status, body = self.idempotency[key]
                if first_params != params:
                    # Stripe answers 400 (stripe-python maps it to IdempotencyError).
                    return 400, self.error(
                        "idempotency_error",
                        "Keys for idempotent requests can only be used with the same "
                        "parameters they were first used with.",
                    )
                return status, body
            if self.fail_next:
                self.fail_next -= 1
                return 500, self.error("api_error", "Something went wrong on Stripe's end.")
            if reversal is not None:
                status, body = self._reverse(reversal.group(1), params)
            else:
                status, body = self._create(params)
            if key is not None:
                self.idempotency[key] = (params, status, body)
            return status, body

    def _create(self, params: dict) -> tuple[int, dict]:
        for name in ("amount", "currency", "destination"):
            if not params.get(name):
                return 400, self.error(
                    "invalid_request_error", f"Missing required param: {name}.", name
                )
        try:
            amount = int(params["amount"])
        except ValueError:
            return 400, self.error("invalid_request_error", "Invalid integer.", "amount")
        if amount <= 0:
            return 400, self.error(
                "invalid_request_error", "Amount must be greater than zero.", "amount"
            )
        destination = params["destination"]
        if destination == "acct_fail" or not destination.startswith("acct_"):
            return 400, self.error(
                "invalid_request_error",
                f"No such destination: '{destination}'",
                "destination",
            )
        transfer_id = f"tr_stub{len(self.transfers) + 1:06d}"
        metadata = {
            k[len("metadata[") : -1]: v for k, v in params.items() if k.startswith("metadata[")
        }
        body = {
            "id": transfer_id,
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "currency": params["currency"].lower(),
            "created": int(time.time()),
            "destination": destination,
            "livemode": False,
            "metadata": metadata,
            "reversed": False,
            "transfer_group": params.get("transfer_group"),
        }
        # A copy: a later reversal changes the stored transfer, not this first response
        # (an idempotent replay answers what was first answered, as Stripe does).
        self.transfers[transfer_id] = dict(body)
        return 200, body

    def _reverse(self, transfer_id: str, params: dict) -> tuple[int, dict]:
        transfer = self.transfers.get(transfer_id)
        if transfer is None:
            return 404, self.error(
                "invalid_request_error", f"No such transfer: '{transfer_id}'", "id"
            )
        left = transfer["amount"] - transfer["amount_reversed"]
        try:
            amount = int(params.get("amount") or left)
        except ValueError:
            return 400, self.error("invalid_request_error", "Invalid integer.", "amount")
        if amount <= 0 or amount > left:
            return 400, self.error(
                "invalid_request_error",
                f"Amount must be between 1 and what is left to reverse ({left}).",
                "amount",
            )
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        body = {
            "id": f"trr_stub{next(self._ids):06d}",
            "object": "transfer_reversal",
            "amount": amount,
            "created": int(time.time()),
            "currency": transfer["currency"],
            "metadata": {},
            "transfer": transfer_id,
        }
        return 200, body

    def handle_get(self, path: str) -> tuple[int, dict]:
        with self.lock:
            self.requests.append(("GET", path, {}, None))
            prefix = "/v1/transfers/"
            if path.startswith(prefix) and path[len(prefix) :] in self.transfers:
                return 200, self.transfers[path[len(prefix) :]]
            return 404, self.error(
                "invalid_request_error", f"No such transfer: '{path[len(prefix) :]}'", "id"
            )
