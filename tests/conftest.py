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
