from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "catalog.community"
    label = "community"
    verbose_name = _("Community")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from .views_count import note_views_install

        note_views_install()
