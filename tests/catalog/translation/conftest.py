import importlib

import pytest
from django.apps import apps

from catalog.translation.engines import engines_reset
from catalog.translation.standins import StandIn


@pytest.fixture(autouse=True)
def _fresh_engines():
    engines_reset()
    yield
    engines_reset()


@pytest.fixture
def libretranslate(settings):
    server = StandIn("libretranslate", api_key="lt-secret").start()
    settings.LIBRETRANSLATE_URL = server.url
    settings.LIBRETRANSLATE_API_KEY = "lt-secret"
    settings.TRANSLATION_TIMEOUT = 0.5
    server.delay = 1.5
    engines_reset()
    yield server
    server.stop()


@pytest.fixture
def openai(settings):
    server = StandIn("openai", api_key="sk-test").start()
    settings.TRANSLATION_OPENAI_URL = server.url
    settings.TRANSLATION_OPENAI_API_KEY = "sk-test"
    settings.TRANSLATION_OPENAI_MODEL = "qwen2.5-7b-instruct"
    settings.TRANSLATION_TIMEOUT = 0.5
    server.delay = 1.5
    engines_reset()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _seeded_slang(request):
    """The curated slang comes from a data migration; a transactional test elsewhere in the
    run empties the tables afterwards, so put it back when it is gone."""
    if "django_db_setup" not in request.fixturenames and not request.node.get_closest_marker(
        "django_db"
    ):
        return
    request.getfixturevalue("db")
    from catalog.translation.models import SlangTerm

    if not SlangTerm.objects.exists():
        seed = importlib.import_module("catalog.translation.migrations.0002_seed_slang")
        seed.seed(apps, None)
