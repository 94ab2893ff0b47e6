"""The sites framework's record follows the settings.

Oscar's pages and emails read the shop's name and address from ``Site.objects.get_current()``
(``example.com`` until someone edits it by hand); here they come from ``SITE_NAME`` and
``SITE_DOMAIN`` whenever the database is migrated.
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS


def site_sync_from_settings(*, using: str = DEFAULT_DB_ALIAS, apps=global_apps, **kwargs) -> None:
    """Write ``SITE_ID``'s domain and name from the settings (a ``post_migrate`` receiver)."""
    try:
        Site = apps.get_model("sites", "Site")
    except LookupError:
        return
    if Site._meta.db_table not in _tables(using):
        return
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": settings.SITE_DOMAIN, "name": settings.SITE_NAME},
    )
    from django.contrib.sites.models import SITE_CACHE

    SITE_CACHE.clear()


def _tables(using: str) -> list[str]:
    from django.db import connections

    return connections[using].introspection.table_names()
