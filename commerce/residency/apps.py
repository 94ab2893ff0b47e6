from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidencyConfig(AppConfig):
    """Dual-line storage (issue #17): home regions, regional personal-data stores,
    encryption at rest and privacy requests."""

    name = "commerce.residency"
    label = "residency"
    verbose_name = _("Personal data and regions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from commerce.residency.guards import guards_connect

        guards_connect()
