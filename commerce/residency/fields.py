"""Model fields encrypted at rest with the keys of the region whose database holds them."""

from __future__ import annotations

import json

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, In

from commerce.residency import crypto


class EncryptedFieldMixin:
    """Stores a Fernet token (text column); Python sees the plain value. An empty value is
    stored empty (so ``field=""`` and blank checks still work); filtering on a non-empty
    value is refused, since every encryption of it differs: look up by a keyed hash."""

    encrypted = True

    def get_internal_type(self):
        return "TextField"

    def _where(self) -> str:
        model = getattr(self, "model", None)
        table = model._meta.db_table if model is not None else "?"
        return f"{table}.{self.column}"

    def _to_text(self, value) -> str:
        return "" if value is None else str(value)

    def _from_text(self, text: str):
        return text

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        text = self._to_text(value)
        if not text.strip() and not isinstance(self, EncryptedJSONField):
            return ""
        return crypto.encrypt(value=text, alias=connection.alias)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return self._from_text("") if value == "" else None
        if not crypto.looks_encrypted(value):
            # Plaintext written around the ORM (raw SQL, e.g. the benches) reads as is;
            # ``manage.py encryption_rotate`` encrypts it.
            return self._from_text(value)
        return self._from_text(
            crypto.decrypt(token=value, alias=connection.alias, where=self._where())
        )


class _EmptyOnlyExact(Exact):
    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.name} is encrypted: filter on a keyed hash, not the value."
            )
        return super().get_prep_lookup()


class _RefusedIn(In):
    def get_prep_lookup(self):
        raise FieldError(f"{self.lhs.target.name} is encrypted: no look-ups on its value.")


class EncryptedCharField(EncryptedFieldMixin, models.CharField):
    """A CharField whose ``max_length`` limits the plain value (forms, validation) while the
    column is text, long enough for the token."""

    def to_python(self, value):
        return models.CharField.to_python(self, value)


EncryptedCharField.register_lookup(_EmptyOnlyExact)
EncryptedCharField.register_lookup(_RefusedIn)


class EncryptedJSONField(EncryptedFieldMixin, models.TextField):
    """A JSON document (dict) encrypted as one token."""

    def _to_text(self, value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def _from_text(self, text: str):
        return json.loads(text) if text else {}

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value) if value else {}
        return value

    def value_to_string(self, obj):
        return self._to_text(self.value_from_object(obj))


def encrypted_fields():
    """(model, field) for every encrypted field of every installed model."""
    from django.apps import apps

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if getattr(field, "encrypted", False):
                yield model, field
