"""Reads of the community, each page in a fixed number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django_countries import countries
from oscar.core.loading import get_model

from .models import Comment, NoteImage, NoteTopic, Reaction, Restriction, Topic

Note = get_model("catalogue", "Note")

TRENDING_SECONDS = 60
TRENDING_DAYS = 7


def region_valid(code: str | None) -> str | None:
    code = (code or "").strip().upper()
    return code if code and code in dict(countries) else None


def viewer_region(request) -> str:
    """The region whose laws apply to what ``request``'s viewer sees: their profile's
    region, else their default ship-to country, else the edge's country header
    (``COMMUNITY_REGION_HEADER``), else ``COMMUNITY_DEFAULT_REGION``. Cached per request."""
    if hasattr(request, "_community_region"):
        return request._community_region
    region = None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # One query: the profile's region and the default ship-to country.
        UserAddress = get_model("address", "UserAddress")
        ship_to = UserAddress.objects.filter(
            user=OuterRef("pk"), is_default_for_shipping=True
        ).values("country_id")[:1]
        row = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .values_list("community_profile__region", Subquery(ship_to))
            .first()
        )
        if row is not None:
            region = region_valid(row[0]) or region_valid(row[1])
    if region is None:
        header = getattr(settings, "COMMUNITY_REGION_HEADER", "")
        if header:
            region = region_valid(request.META.get(header))
    region = region or getattr(settings, "COMMUNITY_DEFAULT_REGION", "CN")
    request._community_region = region
    return region


def notes_visible(*, region: str) -> QuerySet:
    """Published notes not withheld nor held for review in ``region``, for cards."""
    return (
        Note.objects.filter(state=Note.State.PUBLISHED)
        .exclude(hidden_in__contains=f",{region},")
        .exclude(hidden_in__contains=",*,")
        .select_related("creator", "creator__user__community_profile")
    )


def notes_feed(*, region: str, language: str | None = None) -> QuerySet:
    notes = notes_visible(region=region)
    if language:
        notes = notes.filter(language=language)
    return notes.order_by("-published_at", "-id")


HOT = F("like_count") + F("collect_count") + 2 * F("comment_count")


def notes_of_topic(*, topic: Topic, region: str, order: str = "newest") -> QuerySet:
    notes = notes_visible(region=region).filter(note_topics__topic=topic)
    if order == "hot":
        return notes.annotate(hot=HOT).order_by("-hot", "-published_at", "-id")
    return notes.order_by("-published_at", "-id")


def notes_of_creator(*, creator, region: str) -> QuerySet:
    return notes_visible(region=region).filter(creator=creator).order_by("-published_at", "-id")


def reactions_of(*, user, note_ids) -> dict[int, set[str]]:
    """Which of ``note_ids`` the user liked or collected: one query (none when anonymous)."""
    if user is None or not user.is_authenticated or not note_ids:
        return {}
    found: dict[int, set[str]] = {}
    for note_id, kind in Reaction.objects.filter(user=user, note_id__in=list(note_ids)).values_list(
        "note_id", "kind"
    ):
        found.setdefault(note_id, set()).add(kind)
    return found


def notes_mark_reactions(*, notes, user) -> list:
    notes = list(notes)
    mine = reactions_of(user=user, note_ids=[n.pk for n in notes])
    for note in notes:
        kinds = mine.get(note.pk, ())
        note.liked = Reaction.Kind.LIKE in kinds
        note.collected = Reaction.Kind.COLLECT in kinds
    return notes


def topics_trending(*, limit: int = 12) -> list[Topic]:
    """Topics with the most notes among those posted to in the last week (cached)."""

    def compute():
        since = timezone.now() - timedelta(days=TRENDING_DAYS)
        recent = list(
            Topic.objects.filter(last_posted_at__gte=since, note_count__gt=0).order_by(
                "-note_count", "-comment_count", "key"
            )[:limit]
        )
        return recent or list(Topic.objects.filter(note_count__gt=0)[:limit])

    key = f"community:trending:{limit}"
    topics = cache.get(key)
    if topics is None:
        topics = compute()
        cache.set(key, topics, TRENDING_SECONDS)
    return topics


def topic_by_key(*, key: str) -> Topic | None:
    return Topic.objects.filter(key=key.casefold()).first()


def note_for_page(*, pk: int):
    """A note with its creator, images and topics (three queries), or None."""
    return (
        Note.objects.select_related("creator", "creator__user__community_profile")
        .prefetch_related(
            Prefetch("images", queryset=NoteImage.objects.order_by("position", "id")),
            Prefetch("note_topics", queryset=NoteTopic.objects.select_related("topic")),
        )
        .filter(pk=pk)
        .first()
    )


def note_comments(*, note, region: str, viewer=None) -> list[Comment]:
    """Top-level comments with their replies (one query); hidden ones left out, deleted
    ones kept as placeholders when they have replies. Oldest first."""
    rows = list(
        Comment.objects.filter(note=note)
        .select_related("author", "author__community_profile", "author__creator")
        .order_by("created_at", "id")
    )
    by_id = {c.pk: c for c in rows}
    top = []
    for comment in rows:
        comment.visible_replies = []
    for comment in rows:
        own = viewer is not None and viewer.is_authenticated and comment.author_id == viewer.pk
        comment.is_placeholder = comment.state in (Comment.State.DELETED, Comment.State.REMOVED)
        comment.shown = not comment.hidden_for(region) or (
            own and comment.state == Comment.State.VISIBLE
        )
        comment.pending_review = own and Comment.State.VISIBLE and bool(comment.hidden_in)
        if comment.parent_id is None:
            top.append(comment)
        elif comment.shown and comment.parent_id in by_id:
            by_id[comment.parent_id].visible_replies.append(comment)
    return [c for c in top if c.shown or (c.is_placeholder and c.visible_replies)]


def note_labels(*, note, region: str) -> list[str]:
    return list(
        Restriction.objects.filter(note=note, kind=Restriction.Kind.LABEL)
        .filter(Q(region=region) | Q(region="*"))
        .values_list("label", flat=True)
        .distinct()
    )


def note_hidden_reason(*, note, region: str) -> str | None:
    """Why ``note`` is hidden in ``region`` ("withhold", "review", "removed"), or None."""
    if note.state != Note.State.PUBLISHED:
        return "removed"
    if not note.hidden_for(region):
        return None
    kinds = set(
        Restriction.objects.filter(note=note, region__in=[region, "*"]).values_list(
            "kind", flat=True
        )
    )
    return "withhold" if Restriction.Kind.WITHHOLD in kinds else "review"


def creator_products(*, creator, limit: int = 8) -> list:
    """Products the creator's notes link, newest notes first: the creator's shop links."""
    from catalog import selectors as catalog_selectors

    ids = []
    for pk in (
        get_model("catalogue", "NoteProduct")
        .objects.filter(note__creator=creator, note__state=Note.State.PUBLISHED)
        .order_by("-note__published_at", "position")
        .values_list("product_id", flat=True)[: limit * 4]
    ):
        if pk not in ids:
            ids.append(pk)
        if len(ids) == limit:
            break
    return catalog_selectors.products_in_order(ids=ids)


# --- Product picker (posting) ---------------------------------------------------------------

PRODUCT_SEARCH_LIMIT = 10


def product_search(*, query: str, limit: int = PRODUCT_SEARCH_LIMIT) -> list[dict]:
    """Products on sale whose English or Chinese title contains ``query`` (or whose number
    it is), at most ``limit`` of them, for the note form's product picker."""
    query = (query or "").strip()[:100]
    if not query:
        return []
    limit = max(1, min(limit, PRODUCT_SEARCH_LIMIT))
    match = Q(title_en__icontains=query) | Q(title_zh_hans__icontains=query)
    if query.isdigit():
        match |= Q(pk=int(query))
    products = (
        get_model("catalogue", "Product")
        .objects.browsable()
        .filter(match)
        .order_by("title", "pk")[:limit]
    )
    return [{"id": p.pk, "title": p.title or f"#{p.pk}"} for p in products]


def product_titles(*, product_ids: list[int]) -> list[dict]:
    """The picker's chips for products already linked: id and title, in the order given."""
    found = {
        p.pk: p.title for p in get_model("catalogue", "Product").objects.filter(pk__in=product_ids)
    }
    return [{"id": pk, "title": found.get(pk) or f"#{pk}"} for pk in product_ids]
