"""Access to the regional stores, and the one error a store that is down raises (issue #17).

Every read or write of a regional database (``commerce.residency`` selectors and services,
which ``agencies.personal`` reaches for creators) runs inside :func:`regional_store`: a
connection or database error on a regional alias becomes :class:`RegionalStoreUnavailable`,
which ``commerce.residency.middleware`` answers with a 503 page and commands and the finance
and portal pages report in one line. It lives here, below both, so shoppers and creators
share one error type. The global database (``default``, the global region's store) is not
wrapped: when it is down the whole app is, and Django's own 500 handling applies.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import DatabaseError, InterfaceError
from django.utils.translation import gettext as _

from .regions import region_of_database


class RegionalStoreUnavailable(Exception):
    """A region's personal-data store cannot be reached; names the region, never a value."""

    def __init__(self, region: str):
        self.region = region
        super().__init__(
            _("A regional personal-data store is unavailable (region %(region)s); try again later.")
            % {"region": region}
        )


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
