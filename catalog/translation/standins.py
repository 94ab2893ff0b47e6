"""Small local stand-ins for the two HTTP translation APIs, speaking their real wire formats.

Used by the tests and, optionally, the demo (``manage.py translation_stand_in``); never the
network. They do not translate: they echo the text tagged with the target language, which
is enough to check every request, response, error and timeout our engines handle.

``mode`` switches the failure under test: ``ok``, ``error`` (HTTP 500 with the API's error
body), ``timeout`` (answers after ``delay`` seconds), ``malformed`` (a body that is not the
API's JSON), ``bad_key`` (403 / 401 with the API's error body).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LIBRE_LANGUAGES = [
    {"code": "en", "name": "English", "targets": ["en", "zh-Hans"]},
    {"code": "zh-Hans", "name": "Chinese", "targets": ["en", "zh-Hans"]},
]
# What the fake model "knows" is slang, so the merge with the glossary can be tested.
MODEL_SLANG = {
    "绝绝子": ("amazing", "Praise: 'absolutely the best'."),
    "no cap": ("不骗你", "表示“说真的、没夸张”。"),
}


class StandIn(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, api: str, port: int = 0, api_key: str = ""):
        self.api = api
        self.api_key = api_key
        self.mode = "ok"
        self.delay = 2.0
        self.requests: list[dict] = []
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def url(self) -> str:
        base = f"http://127.0.0.1:{self.server_address[1]}"
        return base + "/v1" if self.api == "openai" else base

    def start(self) -> StandIn:
        threading.Thread(target=self.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _Handler(BaseHTTPRequestHandler):
    server: StandIn

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _read_json(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def _failure(self) -> bool:
        mode = self.server.mode
        if mode == "timeout":
            time.sleep(self.server.delay)
        elif mode == "error":
            if self.server.api == "openai":
                self._send(
                    500, {"error": {"message": "The server had an error", "type": "server_error"}}
                )
            else:
                self._send(500, {"error": "Internal server error"})
            return True
        elif mode == "malformed":
            self._send(200, b"<html>upstream proxy page</html>", "text/html")
            return True
        return False

    def do_GET(self):
        if self.server.api == "libretranslate" and self.path.split("?")[0] == "/languages":
            if not self._failure():
                self._send(200, LIBRE_LANGUAGES)
            return
        self._send(404, {"error": "Not Found"})

    def do_POST(self):
        body = self._read_json()
        self.server.requests.append(
            {"path": self.path, "body": body, "headers": dict(self.headers)}
        )
        if self.server.api == "libretranslate" and self.path == "/translate":
            self._libre(body)
        elif self.server.api == "openai" and self.path == "/v1/chat/completions":
            self._openai(body)
        else:
            self._send(404, {"error": "Not Found"})

    def _libre(self, body):
        if self._failure():
            return
        if not isinstance(body, dict) or not body.get("q"):
            self._send(400, {"error": "Invalid request: missing q parameter"})
            return
        if self.server.api_key and body.get("api_key") != self.server.api_key:
            self._send(403, {"error": "Invalid API key"})
            return
        codes = {item["code"] for item in LIBRE_LANGUAGES}
        if body.get("source") not in codes | {"auto"} or body.get("target") not in codes:
            self._send(400, {"error": f"{body.get('target')} is not supported"})
            return
        self._send(200, {"translatedText": f"[{body['target']}] {body['q']}"})

    def _openai(self, body):
        if self._failure():
            return
        auth = self.headers.get("Authorization", "")
        if self.server.api_key and auth != f"Bearer {self.server.api_key}":
            self._send(
                401,
                {
                    "error": {
                        "message": "Incorrect API key provided",
                        "type": "invalid_request_error",
                    }
                },
            )
            return
        try:
            system, user = body["messages"][0]["content"], body["messages"][1]["content"]
        except (TypeError, KeyError, IndexError):
            self._send(
                400, {"error": {"message": "messages is required", "type": "invalid_request_error"}}
            )
            return
        target = "Simplified Chinese" if "into Simplified Chinese" in system else "English"
        slang = [
            {"term": term, "meaning": meaning, "explanation": explanation}
            for term, (meaning, explanation) in MODEL_SLANG.items()
            if term in user.lower()
        ]
        content = json.dumps(
            {"translation": f"[{target}] {user}", "slang": slang}, ensure_ascii=False
        )
        self._send(
            200,
            {
                "id": "chatcmpl-standin",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", ""),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            },
        )
