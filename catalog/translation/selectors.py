"""Reads: a stored translation as the reader's page shows it."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .engines import ENGINES
from .models import Translation

ENGINE_LABELS = {
    "glossary": gettext_noop("Word-by-word glossary (not a translation)"),
    "libretranslate": gettext_noop("LibreTranslate"),
    "openai": gettext_noop("AI translation"),
}


def engine_label(name: str) -> str:
    return _(ENGINE_LABELS.get(name, name)) if name in ENGINES else name


def translation_payload(*, translation: Translation) -> dict:
    """The JSON the Translate control reads."""
    payload = {
        "id": translation.pk,
        "status": translation.status,
        "engine": translation.engine,
        "engine_label": engine_label(translation.engine),
        "source_language": translation.source_language,
        "target_language": translation.target_language,
        "poll_url": reverse("translation:detail", kwargs={"pk": translation.pk}),
    }
    if translation.status == Translation.Status.DONE:
        payload.update(
            text=translation.text,
            is_gloss=translation.is_gloss,
            slang=translation.slang,
            notice=_("This is a word-by-word glossary from a dictionary, not a translation.")
            if translation.is_gloss
            else "",
        )
    elif translation.status == Translation.Status.FAILED:
        payload["message"] = (
            _("Translation is not available right now; we will try again later.")
            if translation.retryable
            else _("This text cannot be translated: %(reason)s") % {"reason": translation.error}
        )
        if translation.retryable and translation.next_attempt_at:
            payload["retry_at"] = translation.next_attempt_at.isoformat()
    else:
        payload["message"] = _("Translating…")
    return payload
