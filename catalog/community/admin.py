"""Staff tools: rules per jurisdiction, the moderation queue (decided with actions, every
decision recorded), topics, comments, profiles."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import services
from .models import (
    Comment,
    ModerationCase,
    ModerationDecision,
    ModerationRule,
    Profile,
    Report,
    Restriction,
    Topic,
)


@admin.register(ModerationRule)
class ModerationRuleAdmin(admin.ModelAdmin):
    list_display = ("pattern", "jurisdiction", "action", "is_active", "reason", "updated_at")
    list_filter = ("jurisdiction", "action", "is_active")
    search_fields = ("pattern", "reason", "label")
    list_editable = ("is_active",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class DecisionInline(admin.TabularInline):
    model = ModerationDecision
    extra = 0
    can_delete = False
    fields = ("decided_at", "decided_by", "decision", "region", "regions", "rule_text", "text")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    can_delete = False
    fields = ("created_at", "reporter", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class CaseActionForm(ActionForm):
    """The admin's action bar with the regions a withhold decision applies to."""

    regions = forms.CharField(
        label=_("Withhold in"),
        required=False,
        help_text=_("Region codes, comma-separated (CN, US, ...; * for everywhere)."),
        widget=forms.TextInput(attrs={"placeholder": _("the case's region"), "size": 18}),
    )


def _decide(decision, label):
    def action(modeladmin, request, queryset):
        done = 0
        regions = None
        if decision == ModerationCase.State.WITHHELD:
            raw = request.POST.get("regions", "")
            regions = [code for code in raw.replace("，", ",").split(",") if code.strip()]
        for case in queryset:
            try:
                services.case_decide(
                    case=case, decision=decision, user=request.user, regions=regions or None
                )
                done += 1
            except ValidationError as exc:
                modeladmin.message_user(
                    request, f"{case}: {' '.join(exc.messages)}", level=messages.WARNING
                )
        if done:
            modeladmin.message_user(
                request, _("%(count)d case(s) decided.") % {"count": done}, level=messages.SUCCESS
            )

    action.short_description = label
    action.__name__ = f"decide_{decision}"
    return action


@admin.register(ModerationCase)
class ModerationCaseAdmin(admin.ModelAdmin):
    list_display = ("__str__", "state", "source", "region", "rule", "report_count", "opened_at")
    list_filter = ("state", "source", "region")
    search_fields = ("note__title", "note__body", "comment__body")
    readonly_fields = (
        "note",
        "comment",
        "source",
        "rule",
        "region",
        "state",
        "report_count",
        "opened_at",
        "text_now",
    )
    fields = readonly_fields
    inlines = [ReportInline, DecisionInline]
    action_form = CaseActionForm
    actions = [
        _decide(ModerationCase.State.APPROVED, _("Approve (show in the region)")),
        _decide(
            ModerationCase.State.WITHHELD,
            _("Withhold in the regions given (default: the case's region)"),
        ),
        _decide(ModerationCase.State.REMOVED, _("Remove (strike against the creator)")),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("text now"))
    def text_now(self, obj):
        return obj.subject_text


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = (
        "case",
        "decision",
        "region",
        "regions",
        "decided_by",
        "decided_at",
        "rule_text",
    )
    list_filter = ("decision", "region")
    readonly_fields = [f.name for f in ModerationDecision._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "note_count", "comment_count", "view_count", "last_posted_at")
    search_fields = ("name", "key")
    readonly_fields = ("key", "note_count", "comment_count", "view_count", "last_posted_at")


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "note", "author", "state", "hidden_in", "created_at")
    list_filter = ("state",)
    search_fields = ("body",)
    raw_id_fields = ("note", "author", "parent")


@admin.register(Restriction)
class RestrictionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "note", "comment", "rule", "case", "label", "created_at")
    list_filter = ("kind", "region")
    raw_id_fields = ("note", "comment", "rule", "case")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "region")
    raw_id_fields = ("user",)
