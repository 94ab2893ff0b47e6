"""Hashtags: parsing ``#topic`` out of text, and topic names."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TOPIC_MAX_CHARS = 40
TOPICS_PER_NOTE = 10
# A hashtag: '#' not inside a word, then letters, digits, '_' of any script (Chinese too),
# with at least one letter: "#1" in "Tea set #1" numbers a note, it is no topic.
HASHTAG = re.compile(r"(?<![\w&/])#(\w*[^\W\d]\w*)")


def topic_key(name: str) -> str:
    return name.casefold()


def topic_name_clean(raw: str) -> str:
    name = raw.strip().lstrip("#").strip()
    if not name:
        raise ValidationError(_("A topic needs at least one letter or digit."))
    if not re.fullmatch(r"\w*[^\W\d]\w*", name):
        raise ValidationError(
            _("Topic “%(name)s”: use letters, digits or _ (at least one letter), no spaces.")
            % {"name": name[:50]}
        )
    if len(name) > TOPIC_MAX_CHARS:
        raise ValidationError(
            _("Topic “%(name)s…” is too long: at most %(max)d characters.")
            % {"name": name[:20], "max": TOPIC_MAX_CHARS}
        )
    return name


def topics_in_text(*texts: str) -> list[str]:
    """The hashtags in ``texts``, in order, first spelling kept, case-insensitively unique."""
    found: dict[str, str] = {}
    for text in texts:
        for name in HASHTAG.findall(text or ""):
            found.setdefault(topic_key(name), name)
    return list(found.values())


def topics_merge(*, chosen: list[str], texts: tuple[str, ...]) -> list[str]:
    """Chosen topics and hashtags of the text, validated; raises ValidationError."""
    names: dict[str, str] = {}
    errors = []
    for raw in [*chosen, *topics_in_text(*texts)]:
        try:
            name = topic_name_clean(raw)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        names.setdefault(topic_key(name), name)
    if errors:
        raise ValidationError(errors)
    if len(names) > TOPICS_PER_NOTE:
        raise ValidationError(_("At most %(max)d topics on a note.") % {"max": TOPICS_PER_NOTE})
    return list(names.values())
