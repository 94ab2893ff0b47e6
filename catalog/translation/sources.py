"""What can be translated: an object kind and id give its text and language.

Notes are registered here; other apps register their kinds (the community's comments) with
``translation_source_register("comment", loader)`` in their ``AppConfig.ready``. A loader
takes the object id and returns ``(text, language)``, raising ``LookupError`` when the
object does not exist or must not be shown.

Who may read an object differs by viewer (a note withheld in one region, a comment held
for review, a removed note only staff see): ``source_visible`` answers that per kind with
the community's own rules, and ``source_load(..., viewer=...)`` refuses (``LookupError``)
what the viewer may not read, so a translation never shows them a hidden text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SourceLoader = Callable[[int], tuple[str, str]]


@dataclass(frozen=True)
class Viewer:
    """Who asks: the request's user (maybe anonymous) and the region whose rules apply."""

    user: Any
    region: str

    @classmethod
    def of_request(cls, request) -> Viewer:
        from catalog.community.selectors import viewer_region

        return cls(user=request.user, region=viewer_region(request))

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None and self.user.is_authenticated else None

    @property
    def is_staff(self) -> bool:
        return bool(self.user is not None and self.user.is_authenticated and self.user.is_staff)


VisibilityCheck = Callable[[int, Viewer], bool]

_sources: dict[str, SourceLoader] = {}
_visibility: dict[str, VisibilityCheck] = {}


def translation_source_register(kind: str, loader: SourceLoader) -> None:
    _sources[kind] = loader


def translation_visibility_register(kind: str, check: VisibilityCheck) -> None:
    _visibility[kind] = check


def source_kinds() -> list[str]:
    return sorted(_sources)


def source_visible(*, kind: str, object_id: int, viewer: Viewer) -> bool:
    """May ``viewer`` read object ``kind``/``object_id``? (A kind without a check relies on
    its loader, which refuses what nobody may see.)"""
    check = _visibility.get(kind)
    return True if check is None else check(object_id, viewer)


def source_load(*, kind: str, object_id: int, viewer: Viewer | None = None) -> tuple[str, str]:
    """The object's ``(text, language)``; LookupError when it does not exist, or when
    ``viewer`` is given and may not read it."""
    try:
        loader = _sources[kind]
    except KeyError:
        raise LookupError(f"Nothing called {kind!r} can be translated.") from None
    if viewer is not None and not source_visible(kind=kind, object_id=object_id, viewer=viewer):
        raise LookupError(f"No {kind} {object_id} for this viewer.")
    return loader(object_id)


def _note_source(object_id: int) -> tuple[str, str]:
    from oscar.core.loading import get_model

    Note = get_model("catalogue", "Note")
    row = Note.objects.filter(pk=object_id).values_list("title", "body", "language").first()
    if row is None:
        raise LookupError(f"No note {object_id}.")
    title, body, language = row
    return f"{title}\n\n{body}", language


def _note_row_visible(*, state: str, hidden_in: str, creator_user_id: int, viewer: Viewer) -> bool:
    """The note page's rule (community ``NoteDetailView``): a removed note only for staff; a
    note withheld or held for review in the viewer's region only for its author and staff."""
    from oscar.core.loading import get_model

    Note = get_model("catalogue", "Note")
    if viewer.is_staff:
        return True
    if state != Note.State.PUBLISHED:
        return False
    hidden = ",*," in hidden_in or f",{viewer.region}," in hidden_in
    return not hidden or creator_user_id == viewer.user_id


def _note_visible(object_id: int, viewer: Viewer) -> bool:
    from oscar.core.loading import get_model

    Note = get_model("catalogue", "Note")
    row = (
        Note.objects.filter(pk=object_id)
        .values_list("state", "hidden_in", "creator__user_id")
        .first()
    )
    if row is None:
        return False
    state, hidden_in, creator_user_id = row
    return _note_row_visible(
        state=state, hidden_in=hidden_in, creator_user_id=creator_user_id, viewer=viewer
    )


def _comment_visible(object_id: int, viewer: Viewer) -> bool:
    """The comment list's rule (community ``note_comments``): a comment shown in the
    viewer's region, or the viewer's own visible one held for review; on a note the viewer
    may read."""
    from catalog.community.models import Comment

    row = (
        Comment.objects.filter(pk=object_id)
        .values_list(
            "state",
            "hidden_in",
            "author_id",
            "note__state",
            "note__hidden_in",
            "note__creator__user_id",
        )
        .first()
    )
    if row is None:
        return False
    state, hidden_in, author_id, note_state, note_hidden_in, note_user_id = row
    if not _note_row_visible(
        state=note_state, hidden_in=note_hidden_in, creator_user_id=note_user_id, viewer=viewer
    ):
        return False
    if state != Comment.State.VISIBLE:
        return False
    hidden = ",*," in hidden_in or f",{viewer.region}," in hidden_in
    return not hidden or author_id == viewer.user_id


translation_source_register("note", _note_source)
translation_visibility_register("note", _note_visible)
translation_visibility_register("comment", _comment_visible)
