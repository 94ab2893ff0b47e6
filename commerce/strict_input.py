"""Strict reading of untrusted text: JSON parsed once, text fit for PostgreSQL.

Used by every endpoint that takes a body from outside (the rewards API in ``payouts``, both
Stripe webhooks): it lives in ``commerce`` so that ``payouts`` can use it without
``commerce`` importing ``payouts``. No Django models here.

- ``json_strict_loads``: UTF-8 only, duplicate keys refused (never "the last one wins"),
  numbers kept exact (``Decimal``/``int``), ``NaN``/``Infinity`` refused, nesting bounded
  (a document nested thousands deep is refused, never a ``RecursionError``).
- ``text_is_safe``: no NUL, no C0/C1 control character, no lone surrogate. PostgreSQL
  refuses NUL in ``text`` and ``jsonb`` and surrogates in UTF-8; a newline at the end of an
  id would make a second id of the same event.
- ``text_nul_safe``: a bounded, storable rendering of arbitrary text (evidence, headers).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal

from django.utils.translation import gettext as _

# C0 and C1 controls (NUL included), DEL, and lone surrogates (unencodable in UTF-8).
UNSAFE_TEXT = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# What PostgreSQL cannot store in text/jsonb: NUL and lone surrogates.
UNSTORABLE_TEXT = re.compile("[\x00\ud800-\udfff]")
_FIELD_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MAX_DEPTH = 8


class StrictJsonError(ValueError):
    """The body is not acceptable JSON; ``field`` names where (``body`` or a key)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def text_is_safe(value: str) -> bool:
    """True when ``value`` has no NUL, control character or lone surrogate."""
    return UNSAFE_TEXT.search(value) is None


def text_nul_safe(value: str, *, limit: int | None = None) -> str:
    """``value`` with NUL and lone surrogates replaced by U+FFFD, cut to ``limit`` characters."""
    if limit is not None:
        value = value[:limit]
    return UNSTORABLE_TEXT.sub("\ufffd", value)


def field_label(name) -> str:
    """A field name fit to echo in an error: itself when plain, else a bounded, safe form."""
    if isinstance(name, str) and _FIELD_NAME.fullmatch(name):
        return name
    if name == "":
        return '""'
    text = UNSAFE_TEXT.sub("?", str(name))
    return text[:64] + ("..." if len(text) > 64 else "")


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _pairs_unique(pairs: list[tuple[str, object]]) -> dict:
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise _DuplicateKey(key)
        data[key] = value
    return data


def _constant_refuse(name: str):
    raise ValueError(f"{name} is not a number")


def depth_exceeds(value, limit: int) -> bool:
    """True when ``value`` nests deeper than ``limit`` containers (iterative, no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def json_strict_loads(body: bytes | str, *, max_depth: int = MAX_DEPTH):
    """The JSON document in ``body``, parsed once and strictly; ``StrictJsonError`` else."""
    if isinstance(body, bytes | bytearray):
        try:
            text = bytes(body).decode("utf-8")
        except UnicodeDecodeError:
            raise StrictJsonError("body", _("The body is not UTF-8 text.")) from None
    else:
        text = body
    try:
        data = json.loads(
            text,
            object_pairs_hook=_pairs_unique,
            parse_float=Decimal,
            parse_constant=_constant_refuse,
        )
    except _DuplicateKey as exc:
        raise StrictJsonError(field_label(exc.key), _("This key appears twice.")) from None
    except RecursionError:
        raise StrictJsonError("body", _("The JSON document is nested too deeply.")) from None
    except ValueError:  # JSONDecodeError, an integer too long to convert, NaN/Infinity
        raise StrictJsonError("body", _("The body is not valid JSON.")) from None
    if depth_exceeds(data, max_depth):
        raise StrictJsonError("body", _("The JSON document is nested too deeply."))
    return data
