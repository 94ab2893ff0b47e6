import math
import os
from decimal import Decimal
from urllib.parse import quote

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


def _database_url(config: dict) -> str:
    auth = quote(config["USER"] or "", safe="")
    if config.get("PASSWORD"):
        auth += ":" + quote(config["PASSWORD"], safe="")
    host, port = config.get("HOST") or "127.0.0.1", config.get("PORT") or 5432
    return f"postgres://{auth}@{host}:{port}/{quote(config['NAME'], safe='')}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's test databases (``test_<name>``, ``test_<name>_us``, ...; with
    pytest-xdist ``..._gw0``, ``..._gw1`` per worker process), then the regional ones named
    in the environment too: subprocesses that tests start with this process's environment
    (the Celery workers of tests/payouts/workers.py, given the test database as
    DATABASE_URL) reach this process's regional test databases, not the configured ones
    (which another worker, or nobody, uses)."""
    from django.conf import settings
    from django.db import connections

    saved = {}
    for region, config in settings.RESIDENCY_REGIONS.items():
        alias = config["database"]
        if alias == "default" or connections[alias].vendor != "postgresql":
            continue
        name = f"DATABASE_URL_{region.upper()}"
        saved[name] = os.environ.get(name)
        os.environ[name] = _database_url(connections[alias].settings_dict)
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session", autouse=True)
def _media_root_of_this_process(tmp_path_factory):
    """What pages write under MEDIA_ROOT (Oscar's missing-image link, sorl-thumbnail's
    thumbnails) goes to this process's temporary directory, not the checkout's var/media:
    there two pytest-xdist workers would race on a fresh checkout to create the same link
    (Oscar raises ImproperlyConfigured when os.symlink finds the other's)."""
    from django.test.utils import override_settings

    with override_settings(MEDIA_ROOT=str(tmp_path_factory.mktemp("media"))):
        yield


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches (FX rates, product cards, listing counts)."""
    cache.clear()
    rates_clear_cache()
    yield
    rates_clear_cache()


@pytest.fixture(autouse=True)
def _view_counts_written_when_asked(monkeypatch):
    """Product and note views are counted in this process and written at most every 30 s
    (catalog.product_views, catalog.community.views_count). Left to the clock, that write
    (7 queries for one product) lands in whichever test views a page once the 30 s are up,
    and a query pin there fails (seen: the product page's cold count). Each test starts
    with nothing pending; the write happens when a test flushes."""
    from catalog import product_views
    from catalog.community import views_count

    for module in (product_views, views_count):
        monkeypatch.setattr(module, "FLUSH_SECONDS", math.inf)
    with product_views._lock:
        product_views._pending.clear()
    with views_count._lock:
        views_count._notes.clear()
        views_count._topics.clear()


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
