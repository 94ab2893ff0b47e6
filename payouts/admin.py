from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from .models import (
    CategoryCommissionRate,
    Earning,
    EarningIntake,
    Entry,
    MerchantCommission,
    PayoutLine,
    PayoutRun,
    PayoutRunStateChange,
    Posting,
)
from .runs import PayoutRunError, payout_run_approve
from .selectors import commission_for_partner_users


class ReadOnlyAdmin(admin.ModelAdmin):
    """Earnings and intake records are written by services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Earning)
class EarningAdmin(ReadOnlyAdmin):
    list_display = (
        "source_ref",
        "creator",
        "kind",
        "amount",
        "currency",
        "state",
        "channel",
        "agency",
        "occurred_at",
    )
    list_filter = ("state", "kind", "channel", "contract_kind", "currency", "agency")
    search_fields = ("source_ref", "creator__handle", "creator__display_name")
    date_hierarchy = "occurred_at"
    list_select_related = ("creator", "agency")


@admin.register(EarningIntake)
class EarningIntakeAdmin(ReadOnlyAdmin):
    list_display = ("source_ref", "outcome", "reason", "received_at")
    list_filter = ("outcome",)
    search_fields = ("source_ref",)


@admin.register(CategoryCommissionRate)
class CategoryCommissionRateAdmin(admin.ModelAdmin):
    list_display = ("category", "rate")
    raw_id_fields = ("category",)


@admin.register(MerchantCommission)
class MerchantCommissionAdmin(ReadOnlyAdmin):
    """Commission owed on the orders of the merchant's partners (staff partner users)."""

    list_display = ("order_number", "product", "creator", "amount", "currency", "state")
    list_filter = ("state", "currency")
    search_fields = ("order_line__order__number", "creator__handle")
    list_select_related = ("order_line__order", "order_line", "creator")

    def get_queryset(self, request):
        return commission_for_partner_users(user=request.user).select_related(
            "order_line__order", "creator"
        )

    def _is_merchant(self, request):
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or user.partners.exists())

    def has_module_permission(self, request):
        return self._is_merchant(request)

    def has_view_permission(self, request, obj=None):
        return self._is_merchant(request)

    @admin.display(description=_("order"), ordering="order_line__order__number")
    def order_number(self, obj):
        return obj.order_line.order.number

    @admin.display(description=_("product"))
    def product(self, obj):
        return obj.order_line.title


class PayoutLineInline(admin.TabularInline):
    model = PayoutLine
    fields = ("creator", "regime", "gross", "agency_share", "tax", "net", "currency")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    max_num = 0


class PayoutRunStateChangeInline(admin.TabularInline):
    model = PayoutRunStateChange
    fields = ("from_state", "to_state", "at", "actor", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(PayoutRun)
class PayoutRunAdmin(ReadOnlyAdmin):
    list_display = ("period", "scope", "agency", "state", "computed_at", "approved_by")
    list_filter = ("state", "scope", "period")
    readonly_fields = ("failure_reason",)
    inlines = [PayoutRunStateChangeInline]
    actions = ["approve"]

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Approve selected computed payout runs"))
    def approve(self, request, queryset):
        for run in queryset:
            try:
                payout_run_approve(run=run, user=request.user)
            except PayoutRunError as exc:
                self.message_user(request, f"{run}: {exc}", messages.ERROR)
            else:
                self.message_user(request, _("Approved %(run)s.") % {"run": run}, messages.SUCCESS)


@admin.register(PayoutLine)
class PayoutLineAdmin(ReadOnlyAdmin):
    list_display = ("run", "creator", "regime", "gross", "agency_share", "tax", "net")
    list_filter = ("regime", "period")
    search_fields = ("creator__handle",)
    list_select_related = ("run", "run__agency", "creator")


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ("account", "creator", "agency", "amount", "currency")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "created_at", "description")
    list_filter = ("kind",)
    search_fields = ("reference",)
    inlines = [PostingInline]


# --- Transfers ---------------------------------------------------------------------------------

from .models import PayoutBatch, Transfer, TransferStateChange  # noqa: E402
from .transfers import TransferError, payout_batch_settle, payout_run_send  # noqa: E402


@admin.action(description=_("Send selected approved payout runs"))
def payout_runs_send(modeladmin, request, queryset):
    for run in queryset:
        try:
            payout_run_send(run=run, user=request.user)
        except PayoutRunError as exc:
            modeladmin.message_user(request, f"{run}: {exc}", messages.ERROR)
        else:
            modeladmin.message_user(request, _("Sending %(run)s.") % {"run": run}, messages.SUCCESS)


PayoutRunAdmin.actions = [*PayoutRunAdmin.actions, payout_runs_send]


class TransferStateChangeInline(admin.TabularInline):
    model = TransferStateChange
    fields = ("from_state", "to_state", "at", "actor", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ("id", "run", "agency", "creator", "amount", "currency", "rail", "state")
    list_filter = ("state", "rail", "currency")
    search_fields = ("external_reference", "agency__code", "creator__handle")
    readonly_fields = ("reason", "external_reference")
    list_select_related = ("run", "run__agency", "agency", "creator")
    inlines = [TransferStateChangeInline]


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyAdmin):
    list_display = ("reference", "run", "state", "written_at", "settled_at", "settled_by")
    list_filter = ("state",)
    search_fields = ("reference",)
    actions = ["settle"]

    @admin.action(description=_("Mark selected bank batches settled (transfers paid)"))
    def settle(self, request, queryset):
        for batch in queryset:
            try:
                payout_batch_settle(batch=batch, user=request.user)
            except TransferError as exc:
                self.message_user(request, f"{batch}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request, _("Settled %(batch)s.") % {"batch": batch}, messages.SUCCESS
                )
