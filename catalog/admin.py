from django.contrib import admin as django_admin  # noqa: E402
from oscar.apps.catalogue.admin import *  # noqa: F403  (keep Oscar's admin)

from .community.models import NoteImage  # noqa: E402
from .models import Note, NoteProduct  # noqa: E402


class NoteProductInline(django_admin.TabularInline):
    model = NoteProduct
    raw_id_fields = ("product",)
    extra = 1


class NoteImageInline(django_admin.TabularInline):
    model = NoteImage
    fields = ("image", "position", "width", "height")
    readonly_fields = ("width", "height")
    extra = 0


@django_admin.register(Note)
class NoteAdmin(django_admin.ModelAdmin):
    list_display = (
        "title",
        "creator",
        "language",
        "region",
        "state",
        "hidden_in",
        "like_count",
        "comment_count",
        "published_at",
    )
    list_filter = ("state", "language", "region")
    readonly_fields = (
        "hidden_in",
        "cover_url",
        "like_count",
        "collect_count",
        "comment_count",
        "view_count",
    )
    search_fields = ("title", "creator__display_name", "creator__handle")
    raw_id_fields = ("creator",)
    date_hierarchy = "published_at"
    inlines = [NoteProductInline, NoteImageInline]
