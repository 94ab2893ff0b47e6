from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .forms import PayoutRunComputeForm
from .models import (
    CategoryCommissionRate,
    Earning,
    EarningIntake,
    Entry,
    MerchantCommission,
    PayoutBatch,
    PayoutLine,
    PayoutRun,
    PayoutRunStateChange,
    Posting,
    Transfer,
    TransferStateChange,
)
from .runs import PayoutRunError, payout_run_approve, payout_run_compute
from .selectors import commission_for_partner_users
from .transfers import (
    TransferError,
    payout_batch_settle,
    payout_run_send,
    transfer_resend,
    transfer_return,
)


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


WORKING_ROWS = (
    ("cumulative_income", _("income counted")),
    ("expense", _("expense allowance")),
    ("basic_deduction", _("basic deduction")),
    ("cumulative_taxable", _("taxable income counted")),
    ("rate", _("rate")),
    ("quick_deduction", _("quick deduction")),
    ("cumulative_tax", _("tax counted")),
    ("already_withheld", _("already withheld")),
    ("tax", _("tax withheld now")),
)


def working_table(working: dict):
    """The engine's working as a small readable table (not raw JSON)."""
    working = working or {}
    rows = format_html_join(
        "",
        "<tr><th>{}</th><td style='text-align:right'>{}</td></tr>",
        ((label, working.get(key, "")) for key, label in WORKING_ROWS if key in working),
    )
    return format_html("<table class='payouts-working'>{}</table>", rows)


class PayoutLineInline(admin.TabularInline):
    model = PayoutLine
    fields = (
        "creator",
        "regime",
        "gross",
        "agency_share",
        "income",
        "tax",
        "net",
        "currency",
        "working_readable",
    )
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False
    max_num = 0

    @admin.display(description=_("withholding working"))
    def working_readable(self, obj):
        return working_table(obj.working)


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
    inlines = [PayoutLineInline, PayoutRunStateChangeInline]
    actions = ["approve"]
    change_list_template = "payouts/admin/payoutrun_change_list.html"

    def has_change_permission(self, request, obj=None):
        return False

    def get_urls(self):
        compute = self.admin_site.admin_view(self.compute_view)
        return [path("compute/", compute, name="payouts_payoutrun_compute"), *super().get_urls()]

    def compute_view(self, request):
        """Compute (or resume) one run, as ``manage.py payout_run`` does."""
        if not request.user.has_perm("payouts.add_payoutrun"):
            raise PermissionDenied
        form = PayoutRunComputeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            agency = form.agency()
            try:
                run = payout_run_compute(
                    period=form.cleaned_data["period"], agency=agency, personal=agency is None
                )
            except PayoutRunError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(
                    request,
                    _("Payout run %(run)s: %(lines)d lines.")
                    % {"run": run, "lines": run.lines.count()},
                    messages.SUCCESS,
                )
                return redirect(reverse("admin:payouts_payoutrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Compute a payout run"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "payouts/admin/payout_run_compute.html", context)

    @admin.action(description=_("Approve selected computed payout runs"))
    def approve(self, request, queryset):
        for run in queryset:
            try:
                approved = payout_run_approve(run=run, user=request.user)
            except PayoutRunError as exc:
                self.message_user(request, f"{run}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Payout run %(period)s is now %(state)s.")
                    % {"period": approved.period, "state": approved.get_state_display()},
                    messages.SUCCESS,
                )


@admin.register(PayoutLine)
class PayoutLineAdmin(ReadOnlyAdmin):
    list_display = ("run", "creator", "regime", "gross", "agency_share", "tax", "net")
    list_filter = ("regime", "period")
    search_fields = ("creator__handle",)
    list_select_related = ("run", "run__agency", "creator")
    exclude = ("working",)
    readonly_fields = ("working_readable",)

    @admin.display(description=_("withholding working"))
    def working_readable(self, obj):
        return working_table(obj.working)


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


@admin.action(description=_("Send approved runs"))
def payout_runs_send(modeladmin, request, queryset):
    for run in queryset:
        try:
            sent = payout_run_send(run=run, user=request.user)
        except (PayoutRunError, TransferError) as exc:
            modeladmin.message_user(request, f"{run}: {exc}", messages.ERROR)
        else:
            # Stripe transfers may already be paid (Celery in-process): say where it stands.
            modeladmin.message_user(
                request,
                _("Payout run %(period)s is now %(state)s.")
                % {"period": sent.period, "state": sent.get_state_display()},
                messages.SUCCESS,
            )


PayoutRunAdmin.actions = [*PayoutRunAdmin.actions, payout_runs_send]


class PayoutBatchInline(admin.TabularInline):
    model = PayoutBatch
    fields = ("reference", "state", "written_at", "settled_at", "settled_by")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0
    show_change_link = True


PayoutRunAdmin.inlines = [*PayoutRunAdmin.inlines, PayoutBatchInline]


class TransferStateChangeInline(admin.TabularInline):
    model = TransferStateChange
    fields = ("from_state", "to_state", "at", "actor", "reason")
    readonly_fields = fields
    extra = 0
    can_delete = False
    max_num = 0


def _transfer_link(transfer):
    if transfer is None:
        return "-"
    url = reverse("admin:payouts_transfer_change", args=[transfer.pk])
    return format_html('<a href="{}">{}</a>', url, transfer)


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "run",
        "agency",
        "creator",
        "amount",
        "currency",
        "rail",
        "state",
        "replaces",
    )
    list_filter = ("state", "rail", "currency")
    search_fields = ("external_reference", "agency__code", "creator__handle")
    fields = (
        "run",
        "agency",
        "creator",
        "amount",
        "currency",
        "rail",
        "destination",
        "batch",
        "state",
        "reason",
        "attempts",
        "external_reference",
        "replaces_link",
        "replaced_by_link",
        "created_at",
        "submitted_at",
        "finished_at",
    )
    readonly_fields = fields
    list_select_related = ("run", "run__agency", "agency", "creator", "replaces")
    inlines = [TransferStateChangeInline]
    actions = ["resend", "mark_returned"]

    @admin.display(description=_("re-send of"))
    def replaces_link(self, obj):
        return _transfer_link(obj.replaces)

    @admin.display(description=_("re-sent as"))
    def replaced_by_link(self, obj):
        return _transfer_link(Transfer.objects.filter(replaces=obj).first())

    @admin.action(description=_("Re-send held, failed or returned transfers"))
    def resend(self, request, queryset):
        for transfer in queryset.order_by("pk"):
            try:
                new = transfer_resend(transfer=transfer, user=request.user)
            except TransferError as exc:
                self.message_user(request, f"{transfer}: {exc}", messages.ERROR)
            else:
                level = messages.WARNING if new.state == Transfer.State.HELD else messages.SUCCESS
                self.message_user(
                    request,
                    _("Transfer %(old)s re-sent as transfer %(new)s (%(state)s).")
                    % {"old": transfer.pk, "new": new.pk, "state": new.get_state_display()},
                    level,
                )

    @admin.action(description=_("Mark paid transfers returned (asks for the reason)"))
    def mark_returned(self, request, queryset):
        """A paid transfer the bank or Stripe sent back: first a page asking for the reason."""
        if "apply" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Mark transfers returned"),
                "transfers": queryset.select_related("agency", "creator"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "opts": self.model._meta,
            }
            return TemplateResponse(request, "payouts/admin/transfer_mark_returned.html", context)
        reason = request.POST.get("reason", "").strip()
        for transfer in queryset.order_by("pk"):
            try:
                transfer_return(transfer=transfer, reason=reason, actor=request.user)
            except TransferError as exc:
                self.message_user(request, f"{transfer}: {exc}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("Transfer %(id)s marked returned; its money is payable again.")
                    % {"id": transfer.pk},
                    messages.SUCCESS,
                )
        return None


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
                settled = PayoutBatch.objects.get(pk=batch.pk)
                self.message_user(
                    request,
                    _("Bank batch %(ref)s is now %(state)s.")
                    % {"ref": settled.reference, "state": settled.get_state_display()},
                    messages.SUCCESS,
                )
