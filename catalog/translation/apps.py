import logging
import os
import sys
import threading

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def preload_wanted(argv: list[str]) -> bool:
    """Preload in servers and workers (runserver, gunicorn, uwsgi, celery...), not in the
    other management commands (migrate, shell, compilemessages ...), which need no glossary."""
    if not getattr(settings, "TRANSLATION_PRELOAD", False):
        return False
    program = argv[0].rsplit("/", 1)[-1] if argv else ""
    if program in {"manage.py", "django-admin"}:
        if len(argv) < 2 or argv[1] != "runserver":
            return False
        # With the autoreloader, only the child process (RUN_MAIN) serves.
        return "--noreload" in argv or os.environ.get("RUN_MAIN") == "true"
    return True


def glossary_preload() -> None:
    """Load jieba and CC-CEDICT (and the English index) now, in a background thread: the
    worker serves at once, and a Translate press waits at most for what is left."""

    def load():
        from .engines.glossary import dictionary

        try:
            dictionary().en_index()
        except Exception:  # a broken install shows on the first press, not here
            logger.exception("glossary preload failed")

    threading.Thread(target=load, name="glossary-preload", daemon=True).start()


class TranslationConfig(AppConfig):
    name = "catalog.translation"
    label = "translation"
    verbose_name = _("Translation")
    default_auto_field = "django.db.models.AutoField"

    def ready(self):
        from . import receivers, sources  # noqa: F401  (signal handlers; the note source)

        receivers.product_fields_connect()
        if preload_wanted(sys.argv):
            glossary_preload()
