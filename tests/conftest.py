from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import translation

from commerce.partner.fx import rates_clear_cache

DEMO_RATES = {
    "USD": "0.1405",
    "EUR": "0.1212",
    "GBP": "0.1068",
    "JPY": "21.35",
    "HKD": "1.0935",
}


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches (FX rates, product cards, listing counts)."""
    cache.clear()
    rates_clear_cache()
    yield
    rates_clear_cache()


@pytest.fixture(autouse=True)
def _default_language():
    """A request with Accept-Language leaves its language active in the thread (Django's
    LocaleMiddleware does not reset it): each test starts in the default language."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def rates(db):
    """Display rates from CNY into the shop's display currencies."""
    from tests.factories import RateFactory

    return [RateFactory(quote=quote, rate=Decimal(rate)) for quote, rate in DEMO_RATES.items()]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def postgresql(db):
    """For tests that only mean something on PostgreSQL (row locks across processes, the
    ledger trigger, worker processes): they FAIL elsewhere instead of skipping, so a suite
    accidentally run on SQLite cannot pass while proving nothing."""
    from django.db import connection

    assert connection.vendor == "postgresql", (
        f"this test needs PostgreSQL, not {connection.vendor}: run it with `make test`"
    )


# Issue #17: checkout writes an overseas order's contact details to its region's store
# (a guest shipping to GB or the US), so tests that drive the shop may reach every store.
REGIONAL_STORE_TEST_DIRS = ("tests/commerce/", "tests/browser/", "tests/storefront/")
DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = str(item.path.relative_to(config.rootpath)).replace("\\", "/")
        if not path.startswith(REGIONAL_STORE_TEST_DIRS):
            continue
        marker = item.get_closest_marker("django_db")
        if marker is None:
            if not DB_FIXTURES & set(getattr(item, "fixturenames", ())):
                continue
            args, kwargs = (), {}
        elif "databases" in marker.kwargs:
            continue
        else:
            args, kwargs = marker.args, marker.kwargs
        # The same marker with every store allowed, put first so it is the closest.
        item.add_marker(pytest.mark.django_db(*args, **kwargs, databases="__all__"), append=False)
