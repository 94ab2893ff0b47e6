"""Regions, their databases and the database router (issue #17).

``settings.RESIDENCY_REGIONS`` maps a region code to its database alias and the countries
whose users live there, e.g. ``{"cn": {"database": "default", "countries": ["CN"]},
"us": {"database": "region_us", "countries": ["US"]}}``. ``RESIDENCY_GLOBAL_REGION`` (cn)
is the global database: its users' personal data stays where it always was. Every other
region's personal data lives in :class:`commerce.residency.models.PersonalRecord` rows of
that region's database, reached only through ``services``/``selectors``.

Django refuses foreign keys across databases, so regional rows carry an opaque token and
nothing else points at them.
"""

from __future__ import annotations

from django.conf import settings

# Models of this app stored in the regional databases (and in the global one for
# the global region's users); everything else lives only in ``default``.
REGIONAL_MODELS = frozenset({"personalrecord"})
APP_LABEL = "residency"


def regions() -> dict[str, dict]:
    return settings.RESIDENCY_REGIONS


def global_region() -> str:
    return settings.RESIDENCY_GLOBAL_REGION


def region_database(*, region: str) -> str:
    """The DATABASES alias of a region; KeyError for an unknown region."""
    return regions()[region]["database"]


def region_of_database(*, alias: str) -> str:
    """The region whose store is ``alias`` (a test database alias included)."""
    for code, config in regions().items():
        if config["database"] == alias:
            return code
    return global_region()


def region_for_country(*, country: str | None) -> str:
    """The home region of a sign-up country: the region listing it, else the
    ``RESIDENCY_OTHER_REGION`` for any other overseas country, else the global region."""
    code = (str(country or "")).upper()
    if not code:
        return global_region()
    for region, config in regions().items():
        if code in config.get("countries", ()):
            return region
    other = getattr(settings, "RESIDENCY_OTHER_REGION", "")
    return other if other in regions() else global_region()


def regional_aliases() -> list[str]:
    """Every database alias holding a personal-data store, the global one first."""
    aliases = [region_database(region=global_region())]
    for config in regions().values():
        if config["database"] not in aliases:
            aliases.append(config["database"])
    return aliases


def _is_regional(model) -> bool:
    meta = model._meta
    return meta.app_label == APP_LABEL and meta.model_name in REGIONAL_MODELS


class ResidencyRouter:
    """Regional models follow the instance's database (services always say ``using=``);
    every other model reads and writes ``default``. Migrations: regional models in every
    store, the rest only in ``default``; relations only within one database."""

    def db_for_read(self, model, **hints):
        return self._db(model, hints)

    def db_for_write(self, model, **hints):
        return self._db(model, hints)

    @staticmethod
    def _db(model, hints):
        if _is_regional(model):
            instance = hints.get("instance")
            if instance is not None and instance._state.db:
                return instance._state.db
            return region_database(region=global_region())
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return (obj1._state.db or "default") == (obj2._state.db or "default")

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == APP_LABEL and model_name in REGIONAL_MODELS:
            return db in regional_aliases()
        return db == "default"
