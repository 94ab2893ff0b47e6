from django.contrib import admin as django_admin  # noqa: E402
from oscar.apps.catalogue.admin import *  # noqa: F403  (keep Oscar's admin)

from .models import Note, NoteProduct  # noqa: E402


class NoteProductInline(django_admin.TabularInline):
    model = NoteProduct
    raw_id_fields = ("product",)
    extra = 1


@django_admin.register(Note)
class NoteAdmin(django_admin.ModelAdmin):
    list_display = ("title", "creator", "language", "region", "published_at")
    list_filter = ("language", "region")
    search_fields = ("title", "creator__display_name", "creator__handle")
    raw_id_fields = ("creator",)
    date_hierarchy = "published_at"
    inlines = [NoteProductInline]
