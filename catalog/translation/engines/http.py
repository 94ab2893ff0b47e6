"""What the HTTP engines share: one requests call mapped onto our errors."""

from __future__ import annotations

import json
import logging

import requests

from .base import EngineBadAnswer, EngineUnavailable, TranslationError

logger = logging.getLogger(__name__)


def http_json(method: str, url: str, *, engine: str, timeout: float, **kwargs):
    """Call ``url`` and return its decoded JSON body.

    Timeouts, refused connections, 429 and 5xx raise EngineUnavailable (retry later); other
    4xx raise TranslationError with the server's own message (not retryable); a body that is
    not JSON raises EngineBadAnswer. Keys and texts are never logged.
    """
    try:
        response = requests.request(method, url, timeout=timeout, **kwargs)
    except requests.Timeout:
        raise EngineUnavailable(f"{engine} did not answer within {timeout:g} s.") from None
    except requests.RequestException as exc:
        raise EngineUnavailable(f"{engine} is unreachable ({type(exc).__name__}).") from None
    if response.status_code == 429 or response.status_code >= 500:
        raise EngineUnavailable(f"{engine} answered HTTP {response.status_code}.")
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        raise EngineBadAnswer(
            f"{engine} answered HTTP {response.status_code} with a body that is not JSON."
        ) from None
    if response.status_code >= 400:
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            error = error.get("message")
        failure = TranslationError(
            f"{engine} refused the request (HTTP {response.status_code}): {str(error)[:200]}"
        )
        failure.retryable = False
        raise failure
    return body
