from django.contrib import admin

from .models import SlangTerm, Translation


@admin.register(SlangTerm)
class SlangTermAdmin(admin.ModelAdmin):
    list_display = ("term", "language", "gloss_en", "gloss_zh", "is_active", "updated_at")
    list_filter = ("language", "is_active")
    search_fields = ("term", "gloss_en", "gloss_zh", "explanation_en", "explanation_zh")
    fields = (
        "term",
        "language",
        ("gloss_en", "gloss_zh"),
        "explanation_en",
        "explanation_zh",
        "example",
        "is_active",
    )


@admin.register(Translation)
class TranslationAdmin(admin.ModelAdmin):
    list_display = ("id", "engine", "source_language", "target_language", "status", "attempts")
    list_filter = ("engine", "status", "target_language")
    readonly_fields = [f.name for f in Translation._meta.fields]

    def has_add_permission(self, request):
        return False
