"""Any OpenAI-compatible chat-completions server (vLLM, llama.cpp's server, hosted LLMs).

Settings: ``TRANSLATION_OPENAI_URL`` (the base, e.g. http://127.0.0.1:8000/v1),
``TRANSLATION_OPENAI_API_KEY``, ``TRANSLATION_OPENAI_MODEL``, ``TRANSLATION_OPENAI_MAX_CHARS``
and ``TRANSLATION_TIMEOUT``. The model is asked for JSON: the translation and each slang
term with its meaning; the answer is validated before it is used.
"""

from __future__ import annotations

import json
import re

from django.conf import settings

from .base import CHINESE, ENGLISH, Engine, EngineBadAnswer, EngineResult, SlangHit
from .http import http_json

LANGUAGE_NAMES = {ENGLISH: "English", CHINESE: "Simplified Chinese"}

SYSTEM_PROMPT = (
    "You translate social-media posts for a shopping app. Translate the user's text from "
    "{source} into {target}. Keep the tone, line breaks, emoji and product names. Find every "
    "internet slang expression or neologism in the ORIGINAL text (for example 种草, 绝绝子, "
    "yyds, no cap, slay) and explain each one in {target}. Answer with one JSON object and "
    'nothing else: {{"translation": "<the translated text>", "slang": [{{"term": "<as written '
    'in the original>", "meaning": "<a few words in {target}>", "explanation": "<one or two '
    'sentences in {target}>"}}]}}. Use an empty list when there is no slang.'
)

FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$")


def answer_parse(content: str, *, engine: str) -> tuple[str, list[SlangHit]]:
    """The model's JSON answer, validated: raises EngineBadAnswer when it is not usable."""
    try:
        data = json.loads(FENCE.sub("", content))
    except (TypeError, ValueError):
        raise EngineBadAnswer(f"{engine}: the model's answer is not JSON.") from None
    if not isinstance(data, dict) or not isinstance(data.get("translation"), str):
        raise EngineBadAnswer(f"{engine}: the model's answer has no translation string.")
    if not data["translation"].strip():
        raise EngineBadAnswer(f"{engine}: the model's translation is empty.")
    slang = []
    items = data.get("slang", [])
    if not isinstance(items, list):
        raise EngineBadAnswer(f"{engine}: the model's slang is not a list.")
    for item in items:
        if not isinstance(item, dict):
            continue
        term, meaning = item.get("term"), item.get("meaning")
        explanation = item.get("explanation") or meaning
        if all(isinstance(v, str) and v.strip() for v in (term, meaning, explanation)):
            slang.append(
                SlangHit(
                    term=term.strip()[:64],
                    meaning=meaning.strip()[:200],
                    explanation=explanation.strip()[:600],
                    source=engine,
                )
            )
    return data["translation"], slang


class OpenAIChatEngine(Engine):
    name = "openai"

    def __init__(self):
        self.url = settings.TRANSLATION_OPENAI_URL.rstrip("/")
        self.api_key = settings.TRANSLATION_OPENAI_API_KEY
        self.model = settings.TRANSLATION_OPENAI_MODEL
        self.timeout = settings.TRANSLATION_TIMEOUT
        self.max_chars = settings.TRANSLATION_OPENAI_MAX_CHARS

    def supports(self, source: str, target: str) -> bool:
        return source != target and {source, target} <= set(LANGUAGE_NAMES)

    def translate(self, text: str, *, source: str, target: str) -> EngineResult:
        from .base import UnsupportedPair

        if not self.supports(source, target):
            raise UnsupportedPair(f"{self.name} is not set up for {source} into {target}.")
        names = {"source": LANGUAGE_NAMES[source], "target": LANGUAGE_NAMES[target]}
        payload = {
            "model": self.model,
            "temperature": 0,
            "response_format": {"type": "json_object"},
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT.format(**names)},
                {"role": "user", "content": text},
            ],
        }
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        body = http_json(
            "POST",
            f"{self.url}/chat/completions",
            engine=self.name,
            timeout=self.timeout,
            json=payload,
            headers=headers,
        )
        try:
            content = body["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise EngineBadAnswer(f"{self.name}: the answer has no choices[0].message.") from None
        translation, slang = answer_parse(content, engine=self.name)
        return EngineResult(text=translation, engine=self.name, slang=slang)
