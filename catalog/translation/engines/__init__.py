"""Translation engines behind one interface, chosen by the ``TRANSLATION_ENGINE`` setting."""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string

from .base import (
    CHINESE,
    ENGLISH,
    Engine,
    EngineBadAnswer,
    EngineResult,
    EngineUnavailable,
    SlangHit,
    TextTooLong,
    TranslationError,
    UnsupportedPair,
    text_split,
)

ENGINES = {
    "glossary": "catalog.translation.engines.glossary.GlossaryEngine",
    "libretranslate": "catalog.translation.engines.libretranslate.LibreTranslateEngine",
    "openai": "catalog.translation.engines.openai_chat.OpenAIChatEngine",
}

_instances: dict[str, Engine] = {}


def engine_get(name: str | None = None) -> Engine:
    """The engine called ``name`` (default: settings.TRANSLATION_ENGINE), one per process."""
    name = name or getattr(settings, "TRANSLATION_ENGINE", "glossary")
    if name not in ENGINES:
        raise ValueError(f"Unknown translation engine {name!r}; choose one of {sorted(ENGINES)}")
    if name not in _instances:
        _instances[name] = import_string(ENGINES[name])()
    return _instances[name]


def engines_reset() -> None:
    """Forget engine instances (tests change their settings)."""
    _instances.clear()


__all__ = [
    "CHINESE",
    "ENGINES",
    "ENGLISH",
    "Engine",
    "EngineBadAnswer",
    "EngineResult",
    "EngineUnavailable",
    "SlangHit",
    "TextTooLong",
    "TranslationError",
    "UnsupportedPair",
    "engine_get",
    "engines_reset",
    "text_split",
]
