from django.contrib import admin

from commerce.residency.models import HomeRegion, PrivacyRequest, RegionMove


class RegionMoveInline(admin.TabularInline):
    model = RegionMove
    fk_name = "home"
    extra = 0
    readonly_fields = ("from_region", "to_region", "moved_by", "moved_at", "reason")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(HomeRegion)
class HomeRegionAdmin(admin.ModelAdmin):
    list_display = ("user", "region", "created_at")
    list_filter = ("region",)
    readonly_fields = ("user", "token", "region", "email_hash", "created_at")
    inlines = [RegionMoveInline]


@admin.register(PrivacyRequest)
class PrivacyRequestAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "outcome", "requested_by", "requested_at")
    list_filter = ("kind", "outcome")
    readonly_fields = ("user", "kind", "outcome", "requested_by", "requested_at", "detail")

    def has_add_permission(self, request):
        return False
