"""Start-up checks of the settings: production refuses to start unsafe (issue #12).

Called from ``commerce/settings.py`` while the settings load. Production is "``DATABASE_URL``
is set" (the demo runs on SQLite without it). A refusal is one readable line on standard
error and exit status 1 (``SystemExit``), whether the process is ``manage.py``, gunicorn or a
Celery worker: no traceback to read through, nothing served on a key anyone can look up.
Plain Python (no Django imports): settings are not loaded yet when this runs.
"""

from __future__ import annotations

# The literal in settings.py for the demo: public, so never good enough for production
# (Oscar's order hashes and the buyer-ID HMAC are computed from SECRET_KEY).
DEMO_SECRET_KEY = "insecure-demo-key-change-me-in-production"


class UnsafeSettings(SystemExit):
    """Start-up refused; the message is the one line printed."""


def secret_key_check(*, secret_key: str | None, production: bool) -> None:
    """Refuse a production start without a SECRET_KEY of its own."""
    if not production:
        return
    if not secret_key or not secret_key.strip():
        raise UnsafeSettings(
            "Refusing to start: DATABASE_URL is set (production) but SECRET_KEY is not; "
            "set SECRET_KEY to a long random value (see README, Production settings)."
        )
    if secret_key.strip() == DEMO_SECRET_KEY:
        raise UnsafeSettings(
            "Refusing to start: SECRET_KEY is the public demo key; set SECRET_KEY to a long "
            "random value (see README, Production settings)."
        )


def proxy_ssl_header(value: str) -> tuple[str, str] | None:
    """``SECURE_PROXY_SSL_HEADER`` from ``"X-Forwarded-Proto: https"`` (or Django's
    ``"HTTP_X_FORWARDED_PROTO,https"``); None when empty. Set it only behind a proxy that
    overwrites the header, or any client can claim HTTPS."""
    value = (value or "").strip()
    if not value:
        return None
    for separator in (":", ","):
        name, found, expected = value.partition(separator)
        if found:
            break
    name, expected = name.strip(), expected.strip()
    if not found or not name or not expected or any(c.isspace() for c in name + expected):
        raise UnsafeSettings(
            f"Refusing to start: SECURE_PROXY_SSL_HEADER={value!r} is not "
            "'Header-Name: value' (e.g. 'X-Forwarded-Proto: https')."
        )
    meta = name.upper().replace("-", "_")
    if not meta.startswith("HTTP_"):
        meta = "HTTP_" + meta
    return meta, expected


def int_env(name: str, value: str | None, default: int) -> int:
    """An integer setting from the environment; a malformed one refuses start-up."""
    if value is None or not value.strip():
        return default
    try:
        return int(value.strip())
    except ValueError:
        raise UnsafeSettings(
            f"Refusing to start: {name}={value!r} is not a whole number."
        ) from None


def demo_key(*, purpose: str) -> str:
    """A Fernet key derived from a public string: the demo's default, refused in production."""
    import base64
    import hashlib

    digest = hashlib.sha256(f"NOT FOR PRODUCTION demo key: {purpose}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def residency_check(
    *,
    regions: dict[str, dict],
    databases: dict[str, dict],
    encryption_keys: dict[str, list[str]],
    hash_keys: dict[str, str],
    production: bool,
) -> None:
    """Refuse a region without a database, and in production a region without encryption
    keys of its own or a hash key left unset or at its demo value (issue #17)."""
    import base64
    import binascii

    for region, config in regions.items():
        alias = config.get("database", "")
        if alias not in databases:
            variable = f"DATABASE_URL_{region.upper()}"
            raise UnsafeSettings(
                f"Refusing to start: region {region!r} is in RESIDENCY_REGIONS but has no "
                f"database; set {variable} (see README, Personal data and regions)."
            )
        variable = "FIELD_ENCRYPTION_KEYS" + ("" if alias == "default" else f"_{region.upper()}")
        keys = encryption_keys.get(region) or []
        if not keys:
            raise UnsafeSettings(
                f"Refusing to start: region {region!r} has no encryption key; set {variable} "
                "(Fernet keys, newest first; see README, Personal data and regions)."
            )
        for key in keys:
            try:
                ok = len(base64.urlsafe_b64decode(key.encode())) == 32
            except (binascii.Error, ValueError):
                ok = False
            if not ok:
                raise UnsafeSettings(
                    f"Refusing to start: {variable} holds a value that is not a Fernet key "
                    "(32 url-safe base64-encoded bytes)."
                )
            if production and key == demo_key(purpose=f"field encryption {region}"):
                raise UnsafeSettings(
                    f"Refusing to start: {variable} is the public demo key; generate one."
                )
    if not production:
        return
    for variable, value in hash_keys.items():
        if not value or not value.strip():
            raise UnsafeSettings(
                f"Refusing to start: DATABASE_URL is set (production) but {variable} is not; "
                "set it to a long random value (see README, Personal data and regions)."
            )
