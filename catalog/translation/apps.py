from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TranslationConfig(AppConfig):
    name = "catalog.translation"
    label = "translation"
    verbose_name = _("Translation")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from . import receivers, sources  # noqa: F401  (signal handlers; the note source)

        receivers.product_fields_connect()
