"""The one interface every translation engine implements, and its errors."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

# Languages we speak, in the project's codes (settings.LANGUAGES).
ENGLISH = "en"
CHINESE = "zh-hans"


@dataclass(frozen=True)
class SlangHit:
    """An internet-slang expression found in the source text."""

    term: str
    meaning: str  # short gloss, in the target language
    explanation: str  # longer explanation, in the target language
    example: str = ""
    source: str = "glossary"  # who found it: "glossary" (curated or CC-CEDICT) or an engine

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class EngineResult:
    text: str
    engine: str
    slang: list[SlangHit] = field(default_factory=list)
    is_gloss: bool = False  # a word-by-word gloss, not a translation


class TranslationError(Exception):
    """Base of engine failures. ``retryable``: worth trying again later."""

    retryable = True

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnsupportedPair(TranslationError):
    retryable = False


class TextTooLong(TranslationError):
    retryable = False


class EngineUnavailable(TranslationError):
    """Timeout, connection refused, 5xx, 429."""


class EngineBadAnswer(TranslationError):
    """The engine answered, but not in the shape its API promises (malformed JSON...)."""


class Engine:
    name = "base"
    max_chars = 5000  # per request; longer texts are split at sentence ends
    is_gloss = False

    def supports(self, source: str, target: str) -> bool:
        return {source, target} == {ENGLISH, CHINESE}

    def translate(self, text: str, *, source: str, target: str) -> EngineResult:
        raise NotImplementedError


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=[.](?=\s))")


def text_split(text: str, *, limit: int) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` characters at sentence ends.

    Raises TextTooLong when one sentence alone is over the limit (cutting a sentence in
    the middle would make the engine translate nonsense).
    """
    if len(text) <= limit:
        return [text]
    chunks: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text):
        if not sentence:
            continue
        if len(sentence) > limit:
            raise TextTooLong(
                f"A sentence of {len(sentence)} characters is over this engine's limit of {limit}."
            )
        if len(current) + len(sentence) > limit:
            chunks.append(current)
            current = ""
        current += sentence
    if current:
        chunks.append(current)
    return chunks
