"""Curated internet slang, and stored translations keyed by (source hash, target, engine)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

SLANG_LANGUAGES = [("zh-hans", _("Chinese")), ("en", _("English"))]


class SlangTerm(models.Model):
    """One internet-slang expression with its meaning in both languages."""

    term = models.CharField(_("term"), max_length=64)
    language = models.CharField(_("language of the term"), max_length=10, choices=SLANG_LANGUAGES)
    gloss_en = models.CharField(
        _("short English gloss"), max_length=120, help_text=_("A few words, shown in the text.")
    )
    gloss_zh = models.CharField(
        _("short Chinese gloss"), max_length=120, help_text=_("A few words, shown in the text.")
    )
    explanation_en = models.TextField(_("explanation in English"))
    explanation_zh = models.TextField(_("explanation in Chinese"))
    example = models.CharField(_("example"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["language", "term"]
        constraints = [
            models.UniqueConstraint(fields=["language", "term"], name="slang_term_once"),
        ]
        verbose_name = _("slang term")
        verbose_name_plural = _("slang terms")

    def __str__(self) -> str:
        return self.term

    def clean(self):
        # Whitespace is not an explanation: a reader would see an empty box.
        errors = {}
        for name in ("term", "gloss_en", "gloss_zh", "explanation_en", "explanation_zh"):
            value = (getattr(self, name) or "").strip()
            setattr(self, name, value)
            if not value:
                errors[name] = _("This field cannot be empty.")
        if errors:
            raise ValidationError(errors)

    def gloss(self, language: str) -> str:
        return self.gloss_zh if language.startswith("zh") else self.gloss_en

    def explanation(self, language: str) -> str:
        return self.explanation_zh if language.startswith("zh") else self.explanation_en


class Translation(models.Model):
    """An engine's translation of one source text into one language.

    Keyed by the source text's hash, so the same text is translated once per (target,
    engine) and a changed text is translated again. ``object_kind``/``object_id`` name the
    last object (note, comment, product) that asked, so its stale rows can be pruned.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    source_hash = models.CharField(_("source hash"), max_length=64)
    source_language = models.CharField(_("source language"), max_length=10)
    target_language = models.CharField(_("target language"), max_length=10)
    engine = models.CharField(_("engine"), max_length=32)
    source_text = models.TextField(_("source text"))
    text = models.TextField(_("translation"), blank=True)
    is_gloss = models.BooleanField(_("word-by-word gloss"), default=False)
    slang = models.JSONField(_("slang found"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    error = models.CharField(_("last error"), max_length=300, blank=True)
    retryable = models.BooleanField(_("retryable"), default=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    object_kind = models.CharField(_("object kind"), max_length=20, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source_hash", "target_language", "engine"], name="translation_once"
            ),
        ]
        indexes = [
            models.Index(fields=["object_kind", "object_id"], name="translation_by_object"),
        ]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language} ({self.engine}) {self.status}"
