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
