"""Encryption at rest (issue #17, item 3): Fernet tokens, MultiFernet rotation, keyed hashes.

Keys come from ``settings.FIELD_ENCRYPTION_KEYS``: region code -> list of Fernet keys,
newest first. A value is encrypted with the newest key of the region whose database holds
it and decrypted with any of them, so a rotation adds a key in front, runs
``manage.py encryption_rotate`` and then drops the old key. Plaintext never reaches a log:
errors name the table, column and row, never the value.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from commerce.residency.regions import region_of_database

# Every Fernet token starts with the version byte 0x80, "gAAAAA" in urlsafe base64.
TOKEN_PREFIX = "gAAAAA"


class UndecryptableValue(ValueError):
    """A stored value no configured key opens (names where, never what)."""


def demo_key(*, purpose: str) -> str:
    """A key derived from a public string: the demo's and tests' default, never production."""
    digest = hashlib.sha256(f"NOT FOR PRODUCTION demo key: {purpose}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


@lru_cache(maxsize=32)
def _multifernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def region_keys(*, region: str) -> tuple[str, ...]:
    keys = tuple(settings.FIELD_ENCRYPTION_KEYS.get(region) or ())
    if not keys:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS has no key for region {region!r}.")
    return keys


def fernet_for(*, alias: str) -> MultiFernet:
    """The keys of the region whose store is the database ``alias``."""
    return _multifernet(region_keys(region=region_of_database(alias=alias)))


def primary_fernet_for(*, alias: str) -> MultiFernet:
    return _multifernet(region_keys(region=region_of_database(alias=alias))[:1])


def looks_encrypted(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def encrypt(*, value: str, alias: str) -> str:
    return fernet_for(alias=alias).encrypt(value.encode()).decode()


def decrypt(*, token: str, alias: str, where: str = "") -> str:
    try:
        return fernet_for(alias=alias).decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableValue(
            f"{where or 'a stored value'} is not decryptable with FIELD_ENCRYPTION_KEYS "
            f"of region {region_of_database(alias=alias)!r}"
        ) from None


def reencrypt(*, stored: str, alias: str, where: str = "") -> str | None:
    """The value re-encrypted with the newest key, or None when it already is (idempotent).
    A plaintext left from before encryption is encrypted."""
    if not stored:
        return None
    if not looks_encrypted(stored):
        return encrypt(value=stored, alias=alias)
    try:
        primary_fernet_for(alias=alias).decrypt(stored.encode())
        return None
    except InvalidToken:
        pass
    return encrypt(value=decrypt(token=stored, alias=alias, where=where), alias=alias)


def keyed_hash(*, value: str, purpose: str = "lookup") -> str:
    """HMAC-SHA256 with ``PERSONAL_DATA_HASH_KEY``: look-ups (e.g. sign-in by email)
    without the value. Normalised: stripped and lower-cased."""
    key = settings.PERSONAL_DATA_HASH_KEY.encode()
    message = f"{purpose}:{value.strip().lower()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
