from django.contrib import admin
from oscar.apps.order.admin import *  # noqa: F403  (keep Oscar's admin)
from oscar.core.loading import get_model

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
