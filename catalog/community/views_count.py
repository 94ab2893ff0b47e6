"""Note and topic view counts, batched the way product views are (catalog.product_views):
a process counts in memory and adds to the rows at most every ``FLUSH_SECONDS`` and at
exit, so reading a note never pays for a write."""

from __future__ import annotations

import atexit
import threading
import time
from collections import Counter

from django.db.models import F

FLUSH_SECONDS = 30.0

_notes: Counter[int] = Counter()
_topics: Counter[int] = Counter()
_lock = threading.Lock()
_last_flush = time.monotonic()


def note_views_flush() -> None:
    from oscar.core.loading import get_model

    from .models import Topic

    Note = get_model("catalogue", "Note")
    global _last_flush
    with _lock:
        notes, topics = dict(_notes), dict(_topics)
        _notes.clear()
        _topics.clear()
        _last_flush = time.monotonic()
    # Grouped by count: one UPDATE per distinct count, in id order (no lock-order deadlocks).
    for model, counts in ((Note, notes), (Topic, topics)):
        by_count: dict[int, list[int]] = {}
        for pk, views in sorted(counts.items()):
            by_count.setdefault(views, []).append(pk)
        for views, ids in by_count.items():
            model.objects.filter(pk__in=ids).update(view_count=F("view_count") + views)


def note_view_record(*, note_id: int, topic_ids) -> None:
    with _lock:
        _notes[note_id] += 1
        for topic_id in topic_ids:
            _topics[topic_id] += 1
        due = time.monotonic() - _last_flush >= FLUSH_SECONDS
    if due:
        note_views_flush()


def note_views_install() -> None:
    atexit.register(_flush_quietly)


def _flush_quietly() -> None:
    try:
        note_views_flush()
    except Exception:  # noqa: BLE001  (the database may be gone at exit)
        pass
