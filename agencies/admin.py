from django.contrib import admin

from .models import Creator


@admin.register(Creator)
class CreatorAdmin(admin.ModelAdmin):
    list_display = ("display_name", "handle", "country", "user")
    list_filter = ("country",)
    search_fields = ("display_name", "handle", "user__email")
    raw_id_fields = ("user",)
