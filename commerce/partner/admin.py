from django.contrib import admin
from oscar.apps.partner.admin import *  # noqa: F403  (keep Oscar's partner admin)

from .models import Rate


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ("kind", "base", "quote", "rate", "as_of", "source")
    list_filter = ("kind", "base", "quote")
    date_hierarchy = "as_of"
