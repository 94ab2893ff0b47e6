"""Access to the regional stores, and the one error a store that is down raises (issue #17).

Every read or write of a regional database in ``selectors``/``services`` runs inside
:func:`regional_store`: a connection or database error on a regional alias becomes
:class:`RegionalStoreUnavailable`, which ``commerce.residency.middleware`` answers with a
503 page. The global database (``default``, the global region's store) is not wrapped: when
it is down the whole app is, and Django's own 500 handling applies.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DatabaseError, InterfaceError

from agencies.encryption.regions import region_of_database


class RegionalStoreUnavailable(Exception):
    """A region's personal-data store cannot be reached; names the region, never a value."""

    def __init__(self, region: str):
        self.region = region
        super().__init__(f"the personal-data store of region {region!r} is unavailable")


@contextmanager
def regional_store(*, alias: str):
    """Run store access on ``alias``; a regional database that fails raises
    :class:`RegionalStoreUnavailable` (the caller has written nothing global yet)."""
    if alias == "default":
        yield
        return
    try:
        yield
    except (DatabaseError, InterfaceError) as error:
        raise RegionalStoreUnavailable(region_of_database(alias=alias)) from error
