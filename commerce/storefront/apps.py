from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StorefrontConfig(AppConfig):
    """What every page shares: the site record, locale-aware names, error pages."""

    name = "commerce.storefront"
    label = "storefront"
    verbose_name = "Storefront"

    def ready(self):
        from .sites import site_sync_from_settings

        post_migrate.connect(site_sync_from_settings, dispatch_uid="storefront-site-sync")

        # Oscar's Country prints its English ``printable_name`` in address forms, address
        # summaries and postcode errors; print the name in the reader's language instead.
        # (Oscar has no hook for it short of forking the address app and its migrations.)
        from oscar.core.loading import get_model

        from .i18n import oscar_country_str

        get_model("address", "Country").__str__ = oscar_country_str
