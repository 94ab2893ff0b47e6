"""LibreTranslate (https://libretranslate.com, self-hostable): ``/translate`` and ``/languages``.

Settings: ``LIBRETRANSLATE_URL`` (e.g. http://127.0.0.1:5000), ``LIBRETRANSLATE_API_KEY``
(optional), ``LIBRETRANSLATE_MAX_CHARS`` (the server's ``--char-limit``), and
``TRANSLATION_TIMEOUT`` (seconds). It finds no slang: the glossary's is merged in by the
service.
"""

from __future__ import annotations

import time

from django.conf import settings

from .base import CHINESE, ENGLISH, Engine, EngineBadAnswer, EngineResult, UnsupportedPair
from .http import http_json

LANGUAGES_SECONDS = 3600


class LibreTranslateEngine(Engine):
    name = "libretranslate"

    def __init__(self):
        self.url = settings.LIBRETRANSLATE_URL.rstrip("/")
        self.api_key = settings.LIBRETRANSLATE_API_KEY
        self.timeout = settings.TRANSLATION_TIMEOUT
        self.max_chars = settings.LIBRETRANSLATE_MAX_CHARS
        self._languages: dict[str, set[str]] | None = None
        self._languages_at = 0.0

    def languages(self) -> dict[str, set[str]]:
        """Server language code -> the codes it translates into (``GET /languages``)."""
        if self._languages is None or time.monotonic() - self._languages_at > LANGUAGES_SECONDS:
            body = http_json("GET", f"{self.url}/languages", engine=self.name, timeout=self.timeout)
            try:
                self._languages = {item["code"]: set(item.get("targets", [])) for item in body}
            except (TypeError, KeyError) as exc:
                raise EngineBadAnswer(f"{self.name}: /languages is not a list of codes.") from exc
            self._languages_at = time.monotonic()
        return self._languages

    def code(self, language: str) -> str | None:
        """Our code in the server's: Chinese is ``zh-Hans`` since LibreTranslate 1.6, ``zh``
        before."""
        known = self.languages()
        if language == ENGLISH:
            return "en" if "en" in known else None
        if language == CHINESE:
            return next((c for c in ("zh-Hans", "zh") if c in known), None)
        return language if language in known else None

    def supports(self, source: str, target: str) -> bool:
        source_code, target_code = self.code(source), self.code(target)
        return bool(source_code and target_code and target_code in self.languages()[source_code])

    def translate(self, text: str, *, source: str, target: str) -> EngineResult:
        if not self.supports(source, target):
            raise UnsupportedPair(f"{self.name} does not translate {source} into {target}.")
        payload = {
            "q": text,
            "source": self.code(source),
            "target": self.code(target),
            "format": "text",
        }
        if self.api_key:
            payload["api_key"] = self.api_key
        body = http_json(
            "POST", f"{self.url}/translate", engine=self.name, timeout=self.timeout, json=payload
        )
        translated = body.get("translatedText") if isinstance(body, dict) else None
        if not isinstance(translated, str):
            raise EngineBadAnswer(f"{self.name}: the answer has no translatedText.")
        return EngineResult(text=translated, engine=self.name)
