"""What can be translated: an object kind and id give its text and language.

Notes are registered here; other apps register their kinds (the community's comments) with
``translation_source_register("comment", loader)`` in their ``AppConfig.ready``. A loader
takes the object id and returns ``(text, language)``, raising ``LookupError`` when the
object does not exist or must not be shown.
"""

from __future__ import annotations

from collections.abc import Callable

SourceLoader = Callable[[int], tuple[str, str]]

_sources: dict[str, SourceLoader] = {}


def translation_source_register(kind: str, loader: SourceLoader) -> None:
    _sources[kind] = loader


def source_kinds() -> list[str]:
    return sorted(_sources)


def source_load(*, kind: str, object_id: int) -> tuple[str, str]:
    try:
        loader = _sources[kind]
    except KeyError:
        raise LookupError(f"Nothing called {kind!r} can be translated.") from None
    return loader(object_id)


def _note_source(object_id: int) -> tuple[str, str]:
    from oscar.core.loading import get_model

    Note = get_model("catalogue", "Note")
    row = Note.objects.filter(pk=object_id).values_list("title", "body", "language").first()
    if row is None:
        raise LookupError(f"No note {object_id}.")
    title, body, language = row
    return f"{title}\n\n{body}", language


translation_source_register("note", _note_source)
