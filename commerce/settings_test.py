"""Settings for the test suite (pyproject: ``DJANGO_SETTINGS_MODULE``).

The suite runs with ``DATABASE_URL`` set, which is production for ``commerce.settings``:
it would refuse to start without a SECRET_KEY and would redirect every plain-HTTP test
request to HTTPS. Here, before those settings load, the environment gets a throwaway key
and plain-HTTP defaults, unless the caller set them; subprocesses that tests start (Celery
workers, gunicorn) inherit the same environment. Nothing else differs from production.
"""

import base64
import os
import secrets

os.environ.setdefault("SECRET_KEY", "test-suite-only-" + secrets.token_urlsafe(40))
for _name in ("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
    os.environ.setdefault(_name, "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")
os.environ.setdefault("TRANSLATION_PRELOAD", "0")  # tests stay fast; see settings

# Issue #17: two regional stores (us, eu) beside the global database, on the same server:
# pytest-django creates and migrates test_<name>_us and test_<name>_eu for the tests that
# ask for them (``databases=``). Throwaway encryption and hash keys, as for SECRET_KEY.
os.environ.setdefault("RESIDENCY_REGIONS", "cn,us,eu")
if os.environ.get("DATABASE_URL"):
    _base, _, _name = os.environ["DATABASE_URL"].partition("?")[0].rpartition("/")
    for _region in ("US", "EU"):
        os.environ.setdefault(f"DATABASE_URL_{_region}", f"{_base}/{_name}_{_region.lower()}")
for _region in ("", "_US", "_EU"):
    os.environ.setdefault(
        f"FIELD_ENCRYPTION_KEYS{_region}",
        base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
    )
os.environ.setdefault("BUYER_ID_HASH_KEY", "test-suite-only-" + secrets.token_urlsafe(40))
os.environ.setdefault("PERSONAL_DATA_HASH_KEY", "test-suite-only-" + secrets.token_urlsafe(40))

from commerce.settings import *  # noqa: E402,F403
