"""The community around notes: images, topics, discussions, reactions, moderation by
region. Notes themselves are ``catalogue.Note`` (catalog/models.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

NOTE = "catalogue.Note"
ANYWHERE = "*"


class Profile(models.Model):
    """A user's community profile: the region they read from, and an avatar."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_profile"
    )
    region = CountryField(
        _("region"), blank=True, help_text=_("Where you read from: the laws of that region apply.")
    )
    avatar = models.ImageField(_("avatar"), upload_to="avatars/%Y/%m/", blank=True)
    avatar_url = models.CharField(_("avatar thumbnail"), max_length=300, blank=True)
    bio = models.CharField(_("bio"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("community profile")
        verbose_name_plural = _("community profiles")

    def __str__(self) -> str:
        return str(self.user)


class NoteImage(models.Model):
    note = models.ForeignKey(NOTE, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to="notes/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    # Thumbnails made with sorl-thumbnail when the image is saved (a page reads no store).
    card_url = models.CharField(max_length=300, blank=True)
    large_url = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("note image")
        verbose_name_plural = _("note images")

    def __str__(self) -> str:
        return f"{self.note_id} #{self.position}"


class Topic(models.Model):
    """A hashtag. ``key`` is the case-folded name (#TikTokRefugee = #tiktokrefugee).

    The counts are kept by the services with ``F()`` updates in the transaction that adds
    the note or comment (so concurrent posts never lose one); views are batched.
    """

    name = models.CharField(_("name"), max_length=40)
    key = models.CharField(_("key"), max_length=40, unique=True)
    note_count = models.PositiveIntegerField(_("notes"), default=0)
    comment_count = models.PositiveIntegerField(_("discussions"), default=0)
    view_count = models.PositiveBigIntegerField(_("views"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_posted_at = models.DateTimeField(_("last posted at"), null=True, blank=True)

    class Meta:
        ordering = ["-note_count", "key"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        indexes = [models.Index(fields=["-last_posted_at"], name="topic_recent")]

    def __str__(self) -> str:
        return f"#{self.name}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("community:topic", kwargs={"key": self.key})


class NoteTopic(models.Model):
    note = models.ForeignKey(NOTE, on_delete=models.CASCADE, related_name="note_topics")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="note_topics")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["note", "topic"], name="note_topic_once")]
        indexes = [models.Index(fields=["topic", "note"], name="note_topic_by_topic")]

    def __str__(self) -> str:
        return f"{self.note_id} #{self.topic_id}"


class Comment(models.Model):
    class State(models.TextChoices):
        VISIBLE = "visible", _("visible")
        REVIEW = "review", _("held for review")
        REMOVED = "removed", _("removed by moderators")
        DELETED = "deleted", _("deleted")

    note = models.ForeignKey(NOTE, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="note_comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=2000)
    state = models.CharField(max_length=16, choices=State.choices, default=State.VISIBLE)
    hidden_in = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["note", "created_at"], name="comment_by_note"),
            models.Index(fields=["author", "-created_at"], name="comment_by_author"),
        ]

    def __str__(self) -> str:
        return self.body[:60]

    def hidden_for(self, region: str) -> bool:
        if self.state != self.State.VISIBLE:
            return True
        return ",*," in self.hidden_in or f",{region}," in self.hidden_in


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("like")
        COLLECT = "collect", _("collect")

    note = models.ForeignKey(NOTE, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="note_reactions"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["note", "user", "kind"], name="reaction_once")
        ]
        indexes = [models.Index(fields=["user", "kind", "-created_at"], name="reaction_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.note_id}"


class ModerationRule(models.Model):
    """A term that, found in a note (title, body, topics) or comment of any language,
    triggers an action in one jurisdiction (``*`` for everywhere)."""

    class Action(models.TextChoices):
        BLOCK = "block", _("block (refused when posted)")
        REVIEW = "review", _("review (held until approved)")
        WITHHOLD = "withhold", _("withhold in the region")
        LABEL = "label", _("label")

    jurisdiction = models.CharField(
        _("jurisdiction"),
        max_length=2,
        db_index=True,
        help_text=_("A country or region code (CN, US, HK, ...) or * for everywhere."),
    )
    pattern = models.CharField(
        _("term"),
        max_length=200,
        help_text=_("Matched case-insensitively anywhere in the text, in any language."),
    )
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    label = models.CharField(
        _("label text"), max_length=200, blank=True, help_text=_("Shown on labelled notes.")
    )
    reason = models.CharField(_("legal basis or reason"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["jurisdiction", "pattern"]
        verbose_name = _("moderation rule")
        verbose_name_plural = _("moderation rules")
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "pattern", "action"], name="moderation_rule_once"
            )
        ]

    def __str__(self) -> str:
        return f"[{self.jurisdiction}] {self.pattern} → {self.get_action_display()}"

    def clean(self):
        from .moderation import rule_validate

        rule_validate(self)


class ModerationCase(models.Model):
    """One item of the moderation queue: a note or comment held by a review rule in a
    region, or reported by users. Staff decide it in the admin."""

    class Source(models.TextChoices):
        RULE = "rule", _("review rule")
        REPORT = "report", _("user reports")

    class State(models.TextChoices):
        OPEN = "open", _("open")
        APPROVED = "approved", _("approved")
        WITHHELD = "withheld", _("withheld in the region")
        REMOVED = "removed", _("removed")

    note = models.ForeignKey(
        NOTE, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation_cases"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="moderation_cases"
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    rule = models.ForeignKey(
        ModerationRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    region = models.CharField(_("region"), max_length=2, default=ANYWHERE)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.OPEN)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        ordering = ["state", "-opened_at"]
        verbose_name = _("moderation case")
        verbose_name_plural = _("moderation queue")
        constraints = [
            models.CheckConstraint(
                condition=Q(note__isnull=False) | Q(comment__isnull=False),
                name="moderation_case_has_subject",
            )
        ]

    def __str__(self) -> str:
        subject = f"note {self.note_id}" if self.note_id else f"comment {self.comment_id}"
        return f"{subject} [{self.region}] {self.get_source_display()}"

    @property
    def subject_text(self) -> str:
        if self.comment_id:
            return self.comment.body
        note = self.note
        return f"{note.title}\n\n{note.body}"


class ModerationDecision(models.Model):
    """Every decision: who, when, which rule, and the text as it was then."""

    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(_("decision"), max_length=8, choices=ModerationCase.State.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"))
    rule = models.ForeignKey(
        ModerationRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule_text = models.CharField(_("rule"), max_length=300, blank=True)
    region = models.CharField(_("region"), max_length=2)
    regions = models.CharField(
        _("withheld in"),
        max_length=300,
        blank=True,
        help_text=_("For a withhold decision: the region codes chosen, comma-separated."),
    )
    text = models.TextField(_("text at the time"))
    note_text = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["decided_at", "id"]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation decisions")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.decision}"


class Report(models.Model):
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_reports"
    )
    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="reports")
    note = models.ForeignKey(
        NOTE, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "note"],
                condition=Q(comment__isnull=True),
                name="report_note_once",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(comment__isnull=False),
                name="report_comment_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id}: {self.reason}"


class Restriction(models.Model):
    """Where a note or comment is withheld, held for review, or labelled, and why."""

    class Kind(models.TextChoices):
        WITHHOLD = "withhold", _("withheld")
        REVIEW = "review", _("held for review")
        LABEL = "label", _("labelled")

    note = models.ForeignKey(
        NOTE, on_delete=models.CASCADE, null=True, blank=True, related_name="restrictions"
    )
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="restrictions"
    )
    region = models.CharField(_("region"), max_length=2)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    rule = models.ForeignKey(
        ModerationRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        ModerationCase, on_delete=models.CASCADE, null=True, blank=True, related_name="restrictions"
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("restriction")
        verbose_name_plural = _("restrictions")

    def __str__(self) -> str:
        return f"{self.kind} [{self.region}]"


class Strike(models.Model):
    """A moderation strike against a creator (a note of theirs removed by staff)."""

    creator = models.ForeignKey(
        "agencies.Creator", on_delete=models.CASCADE, related_name="strikes"
    )
    case = models.ForeignKey(ModerationCase, on_delete=models.CASCADE, related_name="strikes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["creator", "case"], name="strike_once")]
        verbose_name = _("strike")
        verbose_name_plural = _("strikes")

    def __str__(self) -> str:
        return f"{self.creator_id} ({self.case_id})"
