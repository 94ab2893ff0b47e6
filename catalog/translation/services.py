"""Writes: translate a text or an object, store the result, retry failures with back-off."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .engines import (
    EngineResult,
    SlangHit,
    TextTooLong,
    TranslationError,
    UnsupportedPair,
    engine_get,
    text_split,
)
from .models import Translation
from .sources import Viewer, source_load

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
MAX_ATTEMPTS = 6
PENDING_STALE = timedelta(minutes=10)  # a worker that died leaves a row pending


def backoff_seconds(attempts: int) -> int:
    """Seconds before attempt ``attempts + 1``: 30 s, 60 s, 2 min ... capped at an hour."""
    return min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)


def source_hash(*, text: str, language: str) -> str:
    return hashlib.sha256(f"{language}\n{text}".encode()).hexdigest()


def slang_merge(first: list[SlangHit], second: list[SlangHit]) -> list[SlangHit]:
    """``first`` wins for a term found by both (the curated glossary is vetted)."""
    seen = {hit.term.lower() for hit in first}
    merged = list(first)
    for hit in second:
        if hit.term.lower() not in seen:
            seen.add(hit.term.lower())
            merged.append(hit)
    return merged


def text_translate(
    *, text: str, source: str, target: str, engine_name: str | None = None
) -> EngineResult:
    """Translate ``text`` now (no storage). Splits a text over the engine's limit at
    sentence ends; raises a TranslationError subclass on failure."""
    if source == target:
        raise UnsupportedPair(_("The text is already in this language."))
    if len(text) > settings.TRANSLATION_MAX_CHARS:
        raise TextTooLong(
            _("The text has %(count)d characters; at most %(limit)d can be translated.")
            % {"count": len(text), "limit": settings.TRANSLATION_MAX_CHARS}
        )
    engine = engine_get(engine_name)
    parts = [
        engine.translate(chunk, source=source, target=target)
        for chunk in text_split(text, limit=engine.max_chars)
    ]
    slang: list[SlangHit] = []
    for part in parts:
        slang = slang_merge(slang, part.slang)
    if not engine.is_gloss:
        # The engine translates; the glossary still knows the curated slang best.
        glossary = engine_get("glossary").translate(text, source=source, target=target)
        slang = slang_merge(glossary.slang, slang)
    joiner = "\n" if engine.is_gloss else ""
    return EngineResult(
        text=joiner.join(part.text for part in parts),
        engine=engine.name,
        slang=slang,
        is_gloss=engine.is_gloss,
    )


def translation_request(
    *,
    target: str,
    kind: str | None = None,
    object_id: int | None = None,
    text: str | None = None,
    source: str | None = None,
    engine_name: str | None = None,
    viewer: Viewer | None = None,
) -> Translation:
    """The stored translation of an object (``kind``, ``object_id``) or of a raw ``text``
    in ``source``, into ``target``: reused when the source is unchanged, computed now for
    short texts, on Celery for long ones, and retried after a failure once its back-off
    has passed. Raises LookupError for an unknown object, UnsupportedPair when source and
    target are one language. With ``viewer``, an object the viewer may not read (removed,
    withheld or held for review in their region) is a LookupError too.
    """
    if kind is not None:
        text, source = source_load(kind=kind, object_id=object_id, viewer=viewer)
    if text is None or source is None:
        raise ValueError("Give kind and object_id, or text and source.")
    if source == target:
        raise UnsupportedPair(_("The text is already in this language."))
    engine = engine_name or settings.TRANSLATION_ENGINE
    digest = source_hash(text=text, language=source)
    row = Translation.objects.filter(
        source_hash=digest, target_language=target, engine=engine
    ).first()
    if row is None:
        row = _row_create(
            digest=digest,
            text=text,
            source=source,
            target=target,
            engine=engine,
            kind=kind or "",
            object_id=object_id,
        )
    now = timezone.now()
    if row.status == Translation.Status.FAILED:
        due = bool(row.retryable and row.next_attempt_at and row.next_attempt_at <= now)
    elif row.status == Translation.Status.PENDING:
        due = getattr(row, "_created", False) or row.updated_at <= now - PENDING_STALE
    else:
        due = False
    if due:
        if len(text) <= settings.TRANSLATION_SYNC_CHARS:
            row = translation_compute(translation_id=row.pk)
        else:
            _enqueue(row)
    return row


def _row_create(*, digest, text, source, target, engine, kind, object_id) -> Translation:
    try:
        with transaction.atomic():
            row = Translation.objects.create(
                source_hash=digest,
                source_language=source,
                target_language=target,
                engine=engine,
                source_text=text,
                object_kind=kind,
                object_id=object_id,
            )
    except IntegrityError:  # another request made it first
        return Translation.objects.get(source_hash=digest, target_language=target, engine=engine)
    row._created = True
    if kind:
        # The object's text changed: its translations of the older text are no use now.
        Translation.objects.filter(
            object_kind=kind, object_id=object_id, target_language=target, engine=engine
        ).exclude(pk=row.pk).delete()
    return row


def _enqueue(row: Translation) -> None:
    from .tasks import translation_run

    Translation.objects.filter(pk=row.pk).update(
        status=Translation.Status.PENDING, updated_at=timezone.now()
    )
    row.status = Translation.Status.PENDING
    transaction.on_commit(lambda: translation_run.delay(row.pk))


def translation_compute(*, translation_id: int) -> Translation:
    """Run the engine for one stored row and record the outcome (never raises for an
    engine failure: the row says failed, why, and when to try again)."""
    row = Translation.objects.get(pk=translation_id)
    if row.status == Translation.Status.DONE:
        return row
    try:
        result = text_translate(
            text=row.source_text,
            source=row.source_language,
            target=row.target_language,
            engine_name=row.engine,
        )
    except TranslationError as exc:
        row.attempts += 1
        row.status = Translation.Status.FAILED
        row.error = exc.message[:300]
        row.retryable = exc.retryable and row.attempts < MAX_ATTEMPTS
        row.next_attempt_at = (
            timezone.now() + timedelta(seconds=backoff_seconds(row.attempts))
            if row.retryable
            else None
        )
        logger.warning(
            "translation %s (%s, %s→%s) failed, attempt %s%s: %s",
            row.pk,
            row.engine,
            row.source_language,
            row.target_language,
            row.attempts,
            f", retry at {row.next_attempt_at:%H:%M:%S}" if row.retryable else ", not retried",
            row.error,
        )
    else:
        row.status = Translation.Status.DONE
        row.text = result.text
        row.is_gloss = result.is_gloss
        row.slang = [hit.as_dict() for hit in result.slang]
        row.error = ""
        row.next_attempt_at = None
    row.save()
    return row


# --- product content ------------------------------------------------------------------------
PRODUCT_TEXT_FIELDS = ("title", "description")
FIELD_SUFFIX = {"en": "en", "zh-hans": "zh_hans"}


def product_fields_machine_fill(
    *, values: dict[str, str], engine_name: str | None = None
) -> dict[str, str]:
    """Machine translations for the product fields empty in one language and written in
    the other (``values`` holds ``title_en``, ``title_zh_hans``, ``description_en``...).

    Returns only the fields it filled; the caller flags them until a merchant confirms.
    Raises a TranslationError subclass when the engine fails (nothing is filled then).
    """
    from django.utils.html import escape, strip_tags

    filled: dict[str, str] = {}
    for field in PRODUCT_TEXT_FIELDS:
        for target, source in (("en", "zh-hans"), ("zh-hans", "en")):
            target_name = f"{field}_{FIELD_SUFFIX[target]}"
            source_text = strip_tags(values.get(f"{field}_{FIELD_SUFFIX[source]}") or "").strip()
            if (values.get(target_name) or "").strip() or not source_text:
                continue
            text = text_translate(
                text=source_text, source=source, target=target, engine_name=engine_name
            ).text
            filled[target_name] = text[:255] if field == "title" else "<p>" + escape(text) + "</p>"
    return filled
