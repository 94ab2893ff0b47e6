"""Settings for the test suite (pyproject: ``DJANGO_SETTINGS_MODULE``).

The suite runs with ``DATABASE_URL`` set, which is production for ``commerce.settings``:
it would refuse to start without a SECRET_KEY and would redirect every plain-HTTP test
request to HTTPS. Here, before those settings load, the environment gets a throwaway key
and plain-HTTP defaults, unless the caller set them; subprocesses that tests start (Celery
workers, gunicorn) inherit the same environment. Nothing else differs from production.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", "test-suite-only-" + secrets.token_urlsafe(40))
for _name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
    os.environ.setdefault(_name, "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("TRANSLATION_PRELOAD", "0")  # tests stay fast; see settings

from commerce.settings import *  # noqa: E402,F403
