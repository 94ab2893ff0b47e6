from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from .models import (
    Agency,
    Contract,
    Creator,
    CreatorVerificationChange,
    LivePermission,
    LivePermissionChange,
)
from .personal import PERSONAL_FIELDS, creator_personal_get, creator_personal_set
from .services import creator_identity_set, creator_verification_set
from .validators import id_number_normalize

# The personal values the admin form edits (the ID number is write-only: new_id_number).
FORM_PERSONAL_FIELDS = tuple(name for name in PERSONAL_FIELDS if name != "id_number")


class CreatorAdminForm(forms.ModelForm):
    """The ID number is write-only: never rendered back, only replaced."""

    new_id_number = forms.CharField(
        label=_("new identity document number"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored number (shown masked)."),
    )

    class Meta:
        model = Creator
        fields = [
            "user",
            "handle",
            "display_name",
            "legal_name",
            "country",
            "tax_residency",
            "residency_basis",
            "residency_days",
            "residency_year",
            "id_document_type",
            "payout_bank_name",
            "payout_account_name",
            "payout_account_number",
            "payout_bank_code",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # The row may hold masks only: show (and compare against) the values from the
            # store that holds them (agencies.personal).
            personal = creator_personal_get(creator=self.instance)
            for name in FORM_PERSONAL_FIELDS:
                self.initial[name] = getattr(personal, name)

    def clean(self):
        data = super().clean()
        number = data.get("new_id_number")
        if number:
            try:
                id_number_normalize(document_type=data.get("id_document_type") or "", number=number)
            except ValidationError as exc:
                self.add_error("new_id_number", exc)
        return data


class VerificationChangeInline(admin.TabularInline):
    model = CreatorVerificationChange
    extra = 0
    can_delete = False
    fields = ("decided_at", "from_state", "to_state", "decided_by", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ContractInline(admin.TabularInline):
    model = Contract
    extra = 0
    fields = ("agency", "kind", "valid_from", "valid_to")
    raw_id_fields = ("agency",)


def _decide(state, label):
    @admin.action(description=label, permissions=["change"])
    def action(modeladmin, request, queryset):
        done = 0
        for creator in queryset:
            try:
                creator_verification_set(creator=creator, state=state, actor=request.user)
                done += 1
            except ValidationError as exc:
                modeladmin.message_user(
                    request, f"{creator.handle}: {' '.join(exc.messages)}", messages.WARNING
                )
        modeladmin.message_user(request, _("%(count)d creators updated.") % {"count": done})

    action.__name__ = f"verification_{state}"
    return action


@admin.register(Creator)
class CreatorAdmin(admin.ModelAdmin):
    form = CreatorAdminForm
    list_display = (
        "display_name",
        "handle",
        "country",
        "tax_residency",
        "verification_state",
        "id_document_type",
        "id_number_masked",
        "user",
    )
    list_filter = ("verification_state", "tax_residency", "country", "id_document_type")
    search_fields = ("display_name", "handle", "user__email")
    raw_id_fields = ("user",)
    readonly_fields = (
        "id_number_masked",
        "verification_state",
        "verification_decided_by",
        "verification_decided_at",
    )
    inlines = [ContractInline, VerificationChangeInline]
    actions = [
        _decide(Creator.Verification.PENDING, _("Mark verification pending")),
        _decide(Creator.Verification.VERIFIED, _("Verify identity")),
        _decide(Creator.Verification.REJECTED, _("Reject identity")),
    ]

    # An error report (DEBUG or mail to ADMINS) shows these POST fields as stars.
    @method_decorator(
        sensitive_post_parameters("new_id_number", "payout_account_number", "payout_account_name")
    )
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)

    @sensitive_variables("number", "personal")
    def save_model(self, request, obj, form, change):
        # Personal values are written through agencies.personal (the regional store of the
        # user's home region first); the row is saved without them.
        personal = {
            name: form.cleaned_data.get(name) or ""
            for name in FORM_PERSONAL_FIELDS
            if name in form.changed_data
        }
        if change:
            kept = [
                f.name
                for f in obj._meta.concrete_fields
                if not f.primary_key and f.name not in FORM_PERSONAL_FIELDS
            ]
            obj.save(update_fields=kept)
        else:
            for name in FORM_PERSONAL_FIELDS:
                setattr(obj, name, "")
            obj.save()
        if personal:
            creator_personal_set(creator=obj, values=personal)
        number = form.cleaned_data.get("new_id_number")
        if number:
            # Through the service: a changed document of a verified creator needs a new check.
            creator_identity_set(
                creator=obj, document_type=obj.id_document_type, number=number, actor=request.user
            )

    @admin.display(description=_("identity document number"))
    def id_number_masked(self, obj):
        return obj.id_number_masked


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "code", "country", "payout_rail", "share")
    list_filter = ("payout_rail", "country")
    search_fields = ("legal_name", "code", "registration_number")
    filter_horizontal = ("staff",)

    @method_decorator(
        sensitive_post_parameters("bank_account_number", "bank_account_name", "registration_number")
    )
    def changeform_view(self, request, *args, **kwargs):
        return super().changeform_view(request, *args, **kwargs)


@admin.register(Contract)
class ContractAdmin(admin.ModelAdmin):
    list_display = ("creator", "agency", "kind", "valid_from", "valid_to")
    list_filter = ("kind", "agency")
    search_fields = ("creator__handle", "creator__display_name", "agency__legal_name")
    raw_id_fields = ("creator", "agency")
    date_hierarchy = "valid_from"


class LivePermissionChangeInline(admin.TabularInline):
    model = LivePermissionChange
    extra = 0
    can_delete = False
    fields = ("at", "actor", "from_state", "to_state", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _live(state, label):
    def action(modeladmin, request, queryset):
        from .live import live_permission_change

        for permission in queryset.select_related("creator"):
            try:
                after = live_permission_change(
                    creator=permission.creator, to_state=state, by=request.user
                )
            except ValidationError as exc:
                modeladmin.message_user(
                    request, f"{permission.creator}: {' '.join(exc.messages)}", messages.WARNING
                )
                continue
            if after.state != state:
                modeladmin.message_user(
                    request, f"{permission.creator}: {after.reason}", messages.WARNING
                )

    action.short_description = label
    action.__name__ = f"live_{state}"
    return action


@admin.register(LivePermission)
class LivePermissionAdmin(admin.ModelAdmin):
    list_display = ("creator", "state", "reason", "updated_at")
    list_filter = ("state",)
    search_fields = ("creator__handle", "creator__display_name")
    raw_id_fields = ("creator",)
    readonly_fields = ("state", "reason", "updated_at")
    inlines = [LivePermissionChangeInline]
    actions = [
        _live(LivePermission.State.GRANTED, _("Grant live permission")),
        _live(LivePermission.State.REFUSED, _("Refuse live permission")),
        _live(LivePermission.State.REVOKED, _("Revoke live permission")),
    ]
