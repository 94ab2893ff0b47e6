"""Writes of the community: notes with images and topics, discussions, reactions,
reports and moderation decisions. Each raises ``ValidationError`` (field → message) on
bad input before anything is written, and writes inside one transaction."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from .images import IMAGES_PER_NOTE, image_validate, thumbnail_url
from .models import (
    Comment,
    ModerationCase,
    ModerationDecision,
    ModerationRule,
    NoteImage,
    NoteTopic,
    Profile,
    Reaction,
    Report,
    Restriction,
    Strike,
    Topic,
)
from .moderation import ANYWHERE, Verdict, text_moderate
from .topics import topic_key, topics_merge

Note = get_model("catalogue", "Note")
NoteProduct = get_model("catalogue", "NoteProduct")
Product = get_model("catalogue", "Product")
Action = ModerationRule.Action

TITLE_MAX = 200
BODY_MAX = 10_000
COMMENT_MAX = 2000
PRODUCTS_PER_NOTE = 20


def _setting(name: str, default):
    return getattr(settings, name, default)


# --- Moderation applied to a text ---------------------------------------------------------


def _blocking(verdict: Verdict, *, home: str) -> list:
    """Block rules that refuse the text: those for everywhere or the writer's region."""
    return [h for h in verdict.by_action(Action.BLOCK) if h.region in (ANYWHERE, home)]


def _block_error(hits, field: str) -> ValidationError:
    rule = hits[0].rule
    reason = rule.reason or _("it contains “%(term)s”") % {"term": rule.pattern}
    where = _("everywhere") if hits[0].region == ANYWHERE else hits[0].region
    return ValidationError(
        {
            field: _("Refused by the rules for %(where)s: %(reason)s.")
            % {"where": where, "reason": reason}
        }
    )


def _regions_string(regions) -> str:
    regions = sorted(set(regions))
    return f",{','.join(regions)}," if regions else ""


def _hidden_sync(*, note=None, comment=None) -> str:
    subject = {"note": note} if note is not None else {"comment": comment}
    regions = Restriction.objects.filter(
        kind__in=[Restriction.Kind.WITHHOLD, Restriction.Kind.REVIEW], **subject
    ).values_list("region", flat=True)
    hidden = _regions_string(regions)
    target = note if note is not None else comment
    if target.hidden_in != hidden:
        target.hidden_in = hidden
        type(target).objects.filter(pk=target.pk).update(hidden_in=hidden)
    return hidden


def _restrictions_apply(*, verdict: Verdict, home: str, note=None, comment=None) -> None:
    """Replace the rule-made restrictions of a note or comment by those of ``verdict``.

    Staff decisions stay. Block rules of other regions withhold there; review rules open
    (or keep) a case per region and hide the text there until it is decided.
    """
    subject = {"note": note} if note is not None else {"comment": comment}
    Restriction.objects.filter(rule__isnull=False, case__isnull=True, **subject).delete()
    open_rule_cases = {
        case.region: case
        for case in ModerationCase.objects.filter(
            source=ModerationCase.Source.RULE, state=ModerationCase.State.OPEN, **subject
        )
    }
    decided_regions = set(
        ModerationCase.objects.filter(**subject)
        .exclude(state=ModerationCase.State.OPEN)
        .filter(source=ModerationCase.Source.RULE, state=ModerationCase.State.APPROVED)
        .values_list("region", flat=True)
    )
    rows = []
    reviewed = set()
    for hit in verdict.hits:
        action, region = hit.rule.action, hit.region
        if (
            action in (Action.WITHHOLD, Action.BLOCK)
            and region != home
            or action == Action.WITHHOLD
        ):
            rows.append(
                Restriction(
                    kind=Restriction.Kind.WITHHOLD, region=region, rule_id=hit.rule.id, **subject
                )
            )
        elif action == Action.LABEL:
            rows.append(
                Restriction(
                    kind=Restriction.Kind.LABEL,
                    region=region,
                    rule_id=hit.rule.id,
                    label=hit.rule.label or hit.rule.reason or hit.rule.pattern,
                    **subject,
                )
            )
        elif action == Action.REVIEW and region not in reviewed:
            reviewed.add(region)
            if region in decided_regions and region not in open_rule_cases:
                continue  # staff already approved it for this region
            case = open_rule_cases.pop(region, None) or ModerationCase.objects.create(
                source=ModerationCase.Source.RULE, rule_id=hit.rule.id, region=region, **subject
            )
            if not Restriction.objects.filter(case=case, kind=Restriction.Kind.REVIEW).exists():
                rows.append(
                    Restriction(
                        kind=Restriction.Kind.REVIEW,
                        region=region,
                        rule_id=hit.rule.id,
                        case=case,
                        **subject,
                    )
                )
    Restriction.objects.bulk_create(rows)
    # Review cases no longer triggered by the (edited) text close without a decision.
    for case in open_rule_cases.values():
        case.delete()
    _hidden_sync(note=note, comment=comment)


# --- Topics -------------------------------------------------------------------------------


def _topics_get_or_create(names: list[str]) -> list[Topic]:
    if not names:
        return []
    by_key = {topic_key(name): name for name in names}
    # Concurrent posts may create the same topic: the unique key makes one row.
    Topic.objects.bulk_create(
        [Topic(name=name, key=key) for key, name in by_key.items()], ignore_conflicts=True
    )
    return list(Topic.objects.filter(key__in=by_key))


def _topics_count(topic_ids, **deltas) -> None:
    """Add ``deltas`` (field → int) to topics' counters, locking them in id order so two
    concurrent posts never deadlock nor lose an increment."""
    ids = sorted(set(topic_ids))
    if not ids or not any(deltas.values()):
        return
    list(Topic.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
    updates = {field: F(field) + delta for field, delta in deltas.items() if delta}
    Topic.objects.filter(pk__in=ids).update(**updates)


def _note_topic_ids(note) -> list[int]:
    return list(NoteTopic.objects.filter(note=note).values_list("topic_id", flat=True))


# --- Notes --------------------------------------------------------------------------------


def _product_ids_check(product_ids) -> list[int]:
    ids = []
    for raw in product_ids:
        try:
            pk = int(str(raw).strip())
        except ValueError:
            raise ValidationError(
                {"products": _("“%(value)s” is not a product number.") % {"value": str(raw)[:30]}}
            ) from None
        if pk not in ids:
            ids.append(pk)
    if len(ids) > PRODUCTS_PER_NOTE:
        raise ValidationError(
            {"products": _("At most %(max)d products on a note.") % {"max": PRODUCTS_PER_NOTE}}
        )
    found = set(Product.objects.browsable().filter(pk__in=ids).values_list("pk", flat=True))
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError(
            {
                "products": _("No product on sale has the number %(numbers)s.")
                % {"numbers": ", ".join(str(pk) for pk in missing)}
            }
        )
    return ids


def note_save(
    *,
    creator,
    title: str,
    body: str,
    language: str,
    topics: list[str] | None = None,
    product_ids: list | None = None,
    images: list | None = None,
    note=None,
    remove_image_ids: list[int] | None = None,
    cover_image_id: int | None = None,
):
    """Post (``note`` None) or edit a creator's note; answers the note."""
    title, body = (title or "").strip(), (body or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors.setdefault("title", []).append(_("Give the note a title."))
    elif len(title) > TITLE_MAX:
        errors.setdefault("title", []).append(_("At most %(max)d characters.") % {"max": TITLE_MAX})
    if not body:
        errors.setdefault("body", []).append(_("Write the note's text."))
    elif len(body) > BODY_MAX:
        errors.setdefault("body", []).append(_("At most %(max)d characters.") % {"max": BODY_MAX})
    if language not in dict(settings.LANGUAGES):
        errors.setdefault("language", []).append(_("Choose a language."))
    try:
        topic_names = topics_merge(chosen=topics or [], texts=(title, body))
    except ValidationError as exc:
        errors.setdefault("topics", []).extend(exc.messages)
        topic_names = []
    try:
        linked = _product_ids_check(product_ids or [])
    except ValidationError as exc:
        errors.setdefault("products", []).extend(exc.messages)
        linked = []
    images = list(images or [])
    sizes = []
    for upload in images:
        try:
            sizes.append(image_validate(upload))
        except ValidationError as exc:
            errors.setdefault("images", []).extend(exc.messages)
    kept = 0
    if note is not None:
        kept = note.images.exclude(pk__in=remove_image_ids or []).count()
    if kept + len(images) > IMAGES_PER_NOTE:
        errors.setdefault("images", []).append(
            _("At most %(max)d images on a note.") % {"max": IMAGES_PER_NOTE}
        )
    if errors:
        raise ValidationError(errors)
    home = str(creator.country)
    verdict = text_moderate("\n".join([title, body, *(f"#{t}" for t in topic_names)]))
    blocking = _blocking(verdict, home=home)
    if blocking:
        raise _block_error(blocking, "body")

    with transaction.atomic():
        now = timezone.now()
        if note is None:
            note = Note.objects.create(
                creator=creator,
                title=title,
                body=body,
                language=language,
                region=home,
                published_at=now,
            )
            old_topic_ids: list[int] = []
        else:
            note = Note.objects.select_for_update().get(pk=note.pk)
            if note.state != Note.State.PUBLISHED:
                raise ValidationError({"title": _("This note can no longer be edited.")})
            old_topic_ids = _note_topic_ids(note)
            note.title, note.body, note.language, note.updated_at = title, body, language, now
            note.save(update_fields=["title", "body", "language", "updated_at"])
        # Products, in the order given.
        NoteProduct.objects.filter(note=note).exclude(product_id__in=linked).delete()
        existing = set(NoteProduct.objects.filter(note=note).values_list("product_id", flat=True))
        NoteProduct.objects.bulk_create(
            [
                NoteProduct(note=note, product_id=pk, position=i)
                for i, pk in enumerate(linked)
                if pk not in existing
            ]
        )
        for position, pk in enumerate(linked):
            if pk in existing:
                NoteProduct.objects.filter(note=note, product_id=pk).update(position=position)
        # Topics, with their counters.
        topic_ids = [t.pk for t in _topics_get_or_create(topic_names)]
        added = sorted(set(topic_ids) - set(old_topic_ids))
        removed = sorted(set(old_topic_ids) - set(topic_ids))
        NoteTopic.objects.filter(note=note, topic_id__in=removed).delete()
        NoteTopic.objects.bulk_create([NoteTopic(note=note, topic_id=pk) for pk in added])
        _topics_count(added, note_count=1, comment_count=note.comment_count)
        _topics_count(removed, note_count=-1, comment_count=-note.comment_count)
        if added:
            Topic.objects.filter(pk__in=added).update(last_posted_at=now)
        # Images.
        if remove_image_ids:
            for image in note.images.filter(pk__in=remove_image_ids):
                image.image.delete(save=False)
                image.delete()
        position = note.images.count()
        for upload, (width, height) in zip(images, sizes, strict=True):
            image = NoteImage(note=note, width=width, height=height, position=position)
            image.image.save(upload.name, upload, save=False)
            image.card_url = thumbnail_url(image.image, "480", upscale=False)
            image.large_url = thumbnail_url(image.image, "1080", upscale=False)
            image.save()
            position += 1
        _cover_set(note=note, cover_image_id=cover_image_id)
        _restrictions_apply(verdict=verdict, home=home, note=note)
    return note


def _cover_set(*, note, cover_image_id: int | None = None) -> None:
    images = list(note.images.all())
    if cover_image_id is not None:
        chosen = [i for i in images if i.pk == cover_image_id]
        if chosen:
            others = [i for i in images if i.pk != cover_image_id]
            for position, image in enumerate([chosen[0], *others]):
                if image.position != position:
                    NoteImage.objects.filter(pk=image.pk).update(position=position)
            images = [chosen[0], *others]
    cover = images[0] if images else None
    note.cover_url = cover.card_url if cover else ""
    note.cover_ratio = (
        max(60, min(180, round(100 * cover.height / cover.width))) if cover and cover.width else 133
    )
    Note.objects.filter(pk=note.pk).update(cover_url=note.cover_url, cover_ratio=note.cover_ratio)


def note_delete(*, note, user) -> None:
    if not (
        user.is_staff or getattr(getattr(user, "creator", None), "pk", None) == note.creator_id
    ):
        raise ValidationError(_("Only the note's author or staff may delete it."))
    _note_retire(note=note, state=Note.State.DELETED)


def _note_retire(*, note, state: str) -> None:
    with transaction.atomic():
        locked = Note.objects.select_for_update().get(pk=note.pk)
        if locked.state != Note.State.PUBLISHED:
            return
        Note.objects.filter(pk=note.pk).update(state=state)
        _topics_count(_note_topic_ids(note), note_count=-1, comment_count=-locked.comment_count)
        note.state = state


# --- Profiles -----------------------------------------------------------------------------


def profile_save(
    *, user, region: str | None = None, avatar=None, bio: str | None = None
) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    if region is not None:
        profile.region = region
    if bio is not None:
        profile.bio = bio[:300]
    if avatar is not None:
        image_validate(avatar)
        profile.avatar.save(avatar.name, avatar, save=False)
        profile.avatar_url = thumbnail_url(profile.avatar, "160x160", crop="center")
    profile.save()
    return profile


# --- Discussions --------------------------------------------------------------------------


def _rate_check(*, user, model, field: str, per_minute: int, per_hour: int, message) -> None:
    now = timezone.now()
    recent = model.objects.filter(**{field: user}, created_at__gte=now - timedelta(hours=1))
    if recent.filter(created_at__gte=now - timedelta(minutes=1)).count() >= per_minute or (
        recent.count() >= per_hour
    ):
        raise ValidationError({"body": message})


def comment_post(*, note, user, body: str, region: str, parent_id: int | None = None) -> Comment:
    """A comment (or a reply to one) by a signed-in user on a note they can see."""
    body = (body or "").strip()
    if note.hidden_for(region):
        raise ValidationError({"body": _("This note is not available, so it cannot be discussed.")})
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    if len(body) > COMMENT_MAX:
        raise ValidationError({"body": _("At most %(max)d characters.") % {"max": COMMENT_MAX}})
    parent = None
    if parent_id is not None:
        parent = Comment.objects.filter(pk=parent_id, note=note).first()
        if parent is None or parent.hidden_for(region):
            raise ValidationError({"parent": _("The comment you reply to is not available.")})
        parent = parent if parent.parent_id is None else parent.parent  # two levels
    _rate_check(
        user=user,
        model=Comment,
        field="author",
        per_minute=_setting("COMMUNITY_COMMENTS_PER_MINUTE", 5),
        per_hour=_setting("COMMUNITY_COMMENTS_PER_HOUR", 60),
        message=_("You are commenting too fast: wait a minute."),
    )
    verdict = text_moderate(body)
    blocking = _blocking(verdict, home=region)
    if blocking:
        raise _block_error(blocking, "body")
    with transaction.atomic():
        comment = Comment.objects.create(note=note, author=user, body=body, parent=parent)
        Note.objects.filter(pk=note.pk).update(comment_count=F("comment_count") + 1)
        _topics_count(_note_topic_ids(note), comment_count=1)
        _restrictions_apply(verdict=verdict, home=region, comment=comment)
    return comment


def comment_delete(*, comment, user) -> None:
    note = comment.note
    allowed = (
        user.is_staff
        or comment.author_id == user.pk
        or getattr(getattr(user, "creator", None), "pk", None) == note.creator_id
    )
    if not allowed:
        raise ValidationError(
            _("Only the comment's author, the note's author or staff may delete it.")
        )
    _comment_retire(comment=comment, state=Comment.State.DELETED)


def _comment_retire(*, comment, state: str) -> None:
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.state in (Comment.State.DELETED, Comment.State.REMOVED):
            return
        Comment.objects.filter(pk=comment.pk).update(state=state)
        Note.objects.filter(pk=comment.note_id, comment_count__gt=0).update(
            comment_count=F("comment_count") - 1
        )
        _topics_count(_note_topic_ids(comment.note_id), comment_count=-1)
        comment.state = state


# --- Reactions ----------------------------------------------------------------------------

_COUNTERS = {Reaction.Kind.LIKE: "like_count", Reaction.Kind.COLLECT: "collect_count"}


def reaction_toggle(*, note, user, kind: str, region: str) -> tuple[bool, int]:
    """Like/collect a note, or undo it; answers (now active, the note's new count)."""
    if kind not in _COUNTERS:
        raise ValidationError({"kind": _("Unknown reaction.")})
    if note.hidden_for(region):
        raise ValidationError({"kind": _("This note is not available.")})
    counter = _COUNTERS[kind]
    with transaction.atomic():
        deleted, _rows = Reaction.objects.filter(note=note, user=user, kind=kind).delete()
        if deleted:
            Note.objects.filter(pk=note.pk, **{f"{counter}__gt": 0}).update(
                **{counter: F(counter) - 1}
            )
            active = False
        else:
            try:
                with transaction.atomic():
                    Reaction.objects.create(note=note, user=user, kind=kind)
            except IntegrityError:  # a double click raced us: already there
                return True, getattr(Note.objects.get(pk=note.pk), counter)
            Note.objects.filter(pk=note.pk).update(**{counter: F(counter) + 1})
            active = True
        count = Note.objects.filter(pk=note.pk).values_list(counter, flat=True).get()
    return active, count


# --- Reports and decisions ----------------------------------------------------------------


def report_file(*, user, reason: str, note=None, comment=None) -> Report:
    """A user's report of a note or comment; it joins (or opens) the subject's case."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong with it.")})
    if comment is not None:
        own = comment.author_id == user.pk
        subject = {"comment": comment}
    else:
        own = getattr(getattr(user, "creator", None), "pk", None) == note.creator_id
        subject = {"note": note}
    if own:
        raise ValidationError({"reason": _("You cannot report your own post.")})
    if Report.objects.filter(reporter=user, **subject).exists():
        raise ValidationError({"reason": _("You have already reported this.")})
    _rate_check(
        user=user,
        model=Report,
        field="reporter",
        per_minute=_setting("COMMUNITY_REPORTS_PER_MINUTE", 5),
        per_hour=_setting("COMMUNITY_REPORTS_PER_HOUR", 30),
        message=_("You are reporting too fast: wait a minute."),
    )
    with transaction.atomic():
        case = (
            ModerationCase.objects.select_for_update()
            .filter(source=ModerationCase.Source.REPORT, state=ModerationCase.State.OPEN, **subject)
            .first()
        ) or ModerationCase.objects.create(
            source=ModerationCase.Source.REPORT, region=ANYWHERE, **subject
        )
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    reporter=user, case=case, reason=reason[:300], **subject
                )
        except IntegrityError:
            raise ValidationError({"reason": _("You have already reported this.")}) from None
        ModerationCase.objects.filter(pk=case.pk).update(report_count=F("report_count") + 1)
    return report


def case_decide(
    *,
    case,
    decision: str,
    user,
    region: str | None = None,
    regions: list[str] | None = None,
) -> ModerationDecision:
    """Staff decide a case: approve, withhold in its region (or ``region``, or each of
    ``regions``), or remove. The decision is recorded with the rule, the region(s) and the
    text as it is now."""
    State = ModerationCase.State
    if decision not in (State.APPROVED, State.WITHHELD, State.REMOVED):
        raise ValidationError({"decision": _("Unknown decision.")})
    chosen = _regions_clean(regions=regions) if regions else []
    with transaction.atomic():
        case = (
            ModerationCase.objects.select_for_update(of=("self",))
            .select_related("note", "comment", "rule")
            .get(pk=case.pk)
        )
        if case.state != State.OPEN:
            raise ValidationError({"decision": _("This case was already decided.")})
        if not chosen:
            chosen = [(region or case.region).upper()]
        where = ANYWHERE if ANYWHERE in chosen else chosen[0]
        if ANYWHERE in chosen:
            chosen = [ANYWHERE]
        subject = {"note": case.note} if case.note_id else {"comment": case.comment}
        Restriction.objects.filter(case=case, kind=Restriction.Kind.REVIEW).delete()
        if decision == State.WITHHELD:
            for code in chosen:
                Restriction.objects.create(
                    kind=Restriction.Kind.WITHHOLD,
                    region=code,
                    rule=case.rule,
                    case=case,
                    **subject,
                )
        elif decision == State.REMOVED:
            if case.note_id:
                _note_retire(note=case.note, state=Note.State.REMOVED)
                _strike(case=case)
            else:
                _comment_retire(comment=case.comment, state=Comment.State.REMOVED)
        case.state = decision
        case.save(update_fields=["state"])
        record = ModerationDecision.objects.create(
            case=case,
            decision=decision,
            decided_by=user,
            decided_at=timezone.now(),
            rule=case.rule,
            rule_text=str(case.rule)[:300] if case.rule_id else "",
            region=where,
            regions=",".join(chosen) if decision == State.WITHHELD else "",
            text=case.subject_text,
        )
        _hidden_sync(**subject)
    return record


def _regions_clean(*, regions: list[str]) -> list[str]:
    """Upper-cased, de-duplicated region codes; each a known country/region or ``*``."""
    from django_countries import countries

    cleaned: list[str] = []
    for raw in regions:
        code = (raw or "").strip().upper()
        if not code:
            continue
        if code != ANYWHERE and code not in countries:
            raise ValidationError(
                {"regions": _("Unknown region code: %(code)s.") % {"code": code[:8]}}
            )
        if code not in cleaned:
            cleaned.append(code)
    return cleaned


def _strike(*, case) -> None:
    from agencies.live import State as LiveState
    from agencies.live import live_permission_change, live_permission_of

    creator = case.note.creator
    Strike.objects.get_or_create(creator=creator, case=case)
    limit = _setting("COMMUNITY_STRIKES_REVOKE_LIVE", 3)
    if Strike.objects.filter(creator=creator).count() >= limit:
        permission = live_permission_of(creator=creator)
        if permission is not None and permission.state == LiveState.GRANTED:
            live_permission_change(
                creator=creator,
                to_state=LiveState.REVOKED,
                reason=_("%(count)d moderation strikes.") % {"count": limit},
            )
