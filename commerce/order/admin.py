from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.utils.translation import gettext_lazy as _
from oscar.apps.order.admin import *  # noqa: F403  (keep Oscar's admin)
from oscar.apps.order.admin import OrderAdmin as OscarOrderAdmin
from oscar.core.loading import get_model

from commerce.residency.models import OrderResidency
from commerce.residency.selectors import orders_personal_resolve

OrderImportIdentity = get_model("order", "OrderImportIdentity")
StripePayment = get_model("order", "StripePayment")
StripeEvent = get_model("order", "StripeEvent")


@admin.register(StripePayment)
class StripePaymentAdmin(admin.ModelAdmin):
    list_display = ("order_number", "intent_id", "amount", "currency", "state", "refunded")
    list_filter = ("state", "currency")
    search_fields = ("order_number", "intent_id")
    readonly_fields = [f.name for f in StripePayment._meta.fields]


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ("event_id", "type", "verified", "state", "received_at", "processed_at")
    list_filter = ("state", "verified", "type")
    search_fields = ("event_id", "intent_id")
    readonly_fields = [f.name for f in StripeEvent._meta.fields]


@admin.register(OrderImportIdentity)
class OrderImportIdentityAdmin(admin.ModelAdmin):
    list_display = ("order", "real_name", "id_number_masked", "counted_value")
    # The hash is kept out of the admin; the number itself is never stored.
    exclude = ("id_number_hash",)
    readonly_fields = ("order", "real_name", "id_number_masked", "counted_value")


# --- Issue #17: an overseas order's contact details are in its region ---------------------
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")


class ResidencyChangeList(ChangeList):
    """The page's orders with their contact email, one look-up per regional store."""

    def get_results(self, request):
        super().get_results(request)
        self.result_list = orders_personal_resolve(
            orders=self.result_list.select_related("residency")
        )


class OrderAdmin(OscarOrderAdmin):
    list_display = (*OscarOrderAdmin.list_display, "contact_email", "personal_data_region")

    def get_changelist(self, request, **kwargs):
        return ResidencyChangeList

    @admin.display(description=_("contact email"))
    def contact_email(self, order):
        return getattr(order, "contact_email", "")

    @admin.display(description=_("personal data stored in"))
    def personal_data_region(self, order):
        residency = order._state.fields_cache.get("residency")
        return residency.region if residency is not None else "-"


class MaskedAddressAdmin(admin.ModelAdmin):
    """An overseas order's address rows hold masks and are read-only here (saving a form
    would copy whatever is typed into the global database); its values are changed on the
    dashboard's address page, which writes them to the order's region."""

    search_fields = ("search_text", "code")
    order_field = ""

    def has_change_permission(self, request, obj=None):
        if obj is not None and (
            OrderResidency.objects.filter(**{f"order__{self.order_field}": obj}).exists()
        ):
            return False
        return super().has_change_permission(request, obj)


class ShippingAddressAdmin(MaskedAddressAdmin):
    order_field = "shipping_address"


class BillingAddressAdmin(MaskedAddressAdmin):
    order_field = "billing_address"


admin.site.unregister(Order)
admin.site.register(Order, OrderAdmin)
admin.site.unregister(ShippingAddress)
admin.site.register(ShippingAddress, ShippingAddressAdmin)
admin.site.unregister(BillingAddress)
admin.site.register(BillingAddress, BillingAddressAdmin)


# Oscar lists UserRecord.total_spent, its sum of orders in any currency; that column is
# no longer written (commerce.order.analytics), so the list leaves it out.
UserRecord = get_model("analytics", "UserRecord")
admin.site.unregister(UserRecord)


@admin.register(UserRecord)
class UserRecordAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "num_product_views",
        "num_basket_additions",
        "num_orders",
        "date_last_order",
    )
    exclude = ("total_spent",)
    autocomplete_fields = ("user",)
    search_fields = ("user__username", "user__email")
