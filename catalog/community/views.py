"""Community pages: the feed, notes, topics, creators, posting, discussions."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from catalog import selectors as catalog_selectors
from catalog.cards import product_cards_prepare

from . import selectors, services
from .forms import AvatarForm, CommentForm, NoteForm, RegionForm, ReportForm
from .models import Comment, Topic
from .views_count import note_view_record

Note = selectors.Note
FEED_PAGE_SIZE = 20


def _page(request, queryset, size: int = FEED_PAGE_SIZE):
    paginator = Paginator(queryset, size)
    page = paginator.get_page(request.GET.get("page"))
    notes = selectors.notes_mark_reactions(notes=page.object_list, user=request.user)
    return page, notes


def _fragment(request) -> bool:
    return request.GET.get("fragment") == "1"


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("fragment", None)
    return query.urlencode()


class _FeedBase(TemplateView):
    def render_cards(self, context):
        if _fragment(self.request):
            return render(self.request, "catalog/community/partials/note_cards_page.html", context)
        return None

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_cards(context) or self.render_to_response(context)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class FeedView(_FeedBase):
    """``/``: the image feed (paged; the next page loads as the reader scrolls)."""

    template_name = "catalog/community/feed.html"

    def get_language(self) -> str:
        language = self.request.GET.get("language", "")
        return language if language in dict(settings.LANGUAGES) else ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = selectors.viewer_region(self.request)
        language = self.get_language()
        page, notes = _page(
            self.request, selectors.notes_feed(region=region, language=language or None)
        )
        context.update(
            page_obj=page,
            notes=notes,
            language=language,
            region=region,
            query=_query_without_page(self.request),
            trending=selectors.topics_trending(),
        )
        return context


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class TopicView(_FeedBase):
    template_name = "catalog/community/topic.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        topic = selectors.topic_by_key(key=self.kwargs["key"])
        if topic is None:
            raise Http404(_("No such topic."))
        order = "hot" if self.request.GET.get("order") == "hot" else "newest"
        region = selectors.viewer_region(self.request)
        page, notes = _page(
            self.request, selectors.notes_of_topic(topic=topic, region=region, order=order)
        )
        context.update(
            topic=topic,
            order=order,
            page_obj=page,
            notes=notes,
            region=region,
            query=_query_without_page(self.request),
        )
        return context


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class TopicListView(TemplateView):
    template_name = "catalog/community/topic_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["topics"] = list(Topic.objects.filter(note_count__gt=0)[:100])
        return context


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class CreatorView(_FeedBase):
    template_name = "catalog/community/creator.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        Creator = Note._meta.get_field("creator").related_model
        creator = (
            Creator.objects.select_related("user__community_profile")
            .filter(handle=self.kwargs["handle"])
            .first()
        )
        if creator is None:
            raise Http404(_("No such creator."))
        region = selectors.viewer_region(self.request)
        page, notes = _page(
            self.request, selectors.notes_of_creator(creator=creator, region=region)
        )
        products = (
            selectors.creator_products(creator=creator, limit=4)
            if not _fragment(self.request)
            else []
        )
        catalog_selectors.product_cards_prefetch(products)
        product_cards_prepare(products=products, request=self.request)
        profile = getattr(creator.user, "community_profile", None) if creator.user_id else None
        context.update(
            creator=creator,
            profile=profile,
            page_obj=page,
            notes=notes,
            products=products,
            region=region,
            query=_query_without_page(self.request),
            is_me=self.request.user.is_authenticated and creator.user_id == self.request.user.pk,
        )
        return context


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class NoteDetailView(TemplateView):
    template_name = "catalog/community/note_detail.html"

    def get(self, request, *args, **kwargs):
        return note_page(request, pk=self.kwargs["pk"])


def note_page(request, *, pk: int, comment_form=None, status: int = 200):
    """The note's page (also re-shown with a comment form's errors)."""
    note = selectors.note_for_page(pk=pk)
    if note is None:
        raise Http404(_("No such note."))
    region = selectors.viewer_region(request)
    hidden = selectors.note_hidden_reason(note=note, region=region)
    own = request.user.is_authenticated and note.creator.user_id == request.user.pk
    if hidden == "removed" and not request.user.is_staff:
        raise Http404(_("No such note."))
    if hidden and not (own or request.user.is_staff):
        # 451: unavailable for legal reasons in the viewer's region (RFC 7725).
        return render(
            request,
            "catalog/community/note_unavailable.html",
            {"note": note, "reason": hidden, "region": region},
            status=status if status != 200 else (451 if hidden == "withhold" else 404),
        )
    topics = [link.topic for link in note.note_topics.all()]
    products = catalog_selectors.note_products(note=note)
    product_cards_prepare(products=products, request=request, note=note)
    [note] = selectors.notes_mark_reactions(notes=[note], user=request.user)
    note_view_record(note_id=note.pk, topic_ids=[t.pk for t in topics])
    context = {
        "note": note,
        "images": list(note.images.all()),
        "topics": topics,
        "products": products,
        "comments": selectors.note_comments(note=note, region=region, viewer=request.user),
        "labels": selectors.note_labels(note=note, region=region),
        "hidden": hidden,
        "own": own,
        "region": region,
        "comment_form": comment_form or CommentForm(),
        "report_form": ReportForm(),
    }
    return render(request, NoteDetailView.template_name, context, status=status)


def _note_or_404(pk: int):
    note = Note.objects.select_related("creator").filter(pk=pk).first()
    if note is None:
        raise Http404(_("No such note."))
    return note


def _errors_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_POST
def comment_create(request, pk: int):
    note = _note_or_404(pk)
    form = CommentForm(request.POST)
    region = selectors.viewer_region(request)
    if form.is_valid():
        try:
            comment = services.comment_post(
                note=note,
                user=request.user,
                body=form.cleaned_data["body"],
                parent_id=form.cleaned_data.get("parent"),
                region=region,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            if comment.hidden_in:
                messages.info(request, _("Your comment is held for review in some regions."))
            return redirect(f"{note.get_absolute_url()}#comment-{comment.pk}")
    return note_page(request, pk=pk, comment_form=form, status=400)


@login_required
@require_POST
def comment_remove(request, pk: int):
    comment = get_object_or_404(Comment.objects.select_related("note"), pk=pk)
    try:
        services.comment_delete(comment=comment, user=request.user)
    except ValidationError as exc:
        return HttpResponseForbidden(_errors_text(exc))
    messages.success(request, _("Comment deleted."))
    return redirect(f"{comment.note.get_absolute_url()}#comments")


@login_required
@require_POST
def reaction(request, pk: int, kind: str):
    note = _note_or_404(pk)
    try:
        active, count = services.reaction_toggle(
            note=note, user=request.user, kind=kind, region=selectors.viewer_region(request)
        )
    except ValidationError as exc:
        if request.headers.get("Accept", "").startswith("application/json"):
            return JsonResponse(
                {"error": {"field": "kind", "message": _errors_text(exc)}}, status=400
            )
        raise Http404(_errors_text(exc)) from None
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse({"active": active, "count": count})
    return redirect(request.POST.get("next") or note.get_absolute_url())


@login_required
@require_POST
def report(request, pk: int, what: str):
    form = ReportForm(request.POST)
    if what == "comment":
        comment = get_object_or_404(Comment.objects.select_related("note"), pk=pk)
        target, note = {"comment": comment}, comment.note
    else:
        note = _note_or_404(pk)
        target = {"note": note}
    reason = form.data.get("reason", "")
    reasons = dict(ReportForm.REASONS)
    try:
        services.report_file(user=request.user, reason=str(reasons.get(reason, "")), **target)
    except ValidationError as exc:
        messages.error(request, _errors_text(exc))
    else:
        messages.success(request, _("Thank you: moderators will look at it."))
    return redirect(note.get_absolute_url())


@login_required
@require_POST
def note_remove(request, pk: int):
    note = _note_or_404(pk)
    try:
        services.note_delete(note=note, user=request.user)
    except ValidationError as exc:
        return HttpResponseForbidden(_errors_text(exc))
    messages.success(request, _("Note deleted."))
    return redirect("home")


def _creator_of(user):
    return getattr(user, "creator", None) if user.is_authenticated else None


@login_required
def note_edit(request, pk: int | None = None):
    """Post a note (``pk`` None) or edit one; creators only."""
    creator = _creator_of(request.user)
    if creator is None:
        return render(request, "catalog/community/not_a_creator.html", status=403)
    note = None
    if pk is not None:
        note = get_object_or_404(Note, pk=pk, state=Note.State.PUBLISHED)
        if note.creator_id != creator.pk:
            return HttpResponseForbidden(_("Only the note's author may edit it."))
    if request.method == "POST":
        form = NoteForm(request.POST, request.FILES)
        if form.is_valid():
            remove = [int(x) for x in request.POST.getlist("remove_image") if x.isdigit()]
            cover = request.POST.get("cover_image")
            try:
                note = services.note_save(
                    creator=creator,
                    note=note,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    language=form.cleaned_data["language"],
                    topics=form.topic_list(),
                    product_ids=form.product_list(),
                    images=form.cleaned_data["images"],
                    remove_image_ids=remove,
                    cover_image_id=int(cover) if cover and cover.isdigit() else None,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Your note is published."))
                if note.hidden_in:
                    messages.info(
                        request,
                        _("Some regions hold it for review or hide it: see the note page."),
                    )
                return redirect(note.get_absolute_url())
    else:
        initial = {
            "language": request.LANGUAGE_CODE
            if request.LANGUAGE_CODE in dict(settings.LANGUAGES)
            else "en"
        }
        if note is not None:
            initial = {
                "title": note.title,
                "body": note.body,
                "language": note.language,
                "topics": " ".join(
                    f"#{t.topic.name}" for t in note.note_topics.select_related("topic")
                ),
                "products": ", ".join(
                    str(link.product_id) for link in note.note_products.order_by("position")
                ),
            }
        if note is None and request.GET.get("topic"):
            initial["topics"] = "#" + request.GET["topic"][:40]
        form = NoteForm(initial=initial)
    images = list(note.images.all()) if note is not None else []
    status = 400 if request.method == "POST" else 200
    picked = [int(p) for p in _product_numbers(form) if p.isdigit()][:20]
    return render(
        request,
        "catalog/community/note_form.html",
        {
            "form": form,
            "note": note,
            "images": images,
            "picked_products": selectors.product_titles(product_ids=picked),
        },
        status=status,
    )


def _product_numbers(form) -> list[str]:
    raw = str(form["products"].value() or "")
    return [p.strip() for p in raw.replace("，", ",").replace(" ", ",").split(",") if p.strip()]


@login_required
def product_search(request):
    """JSON for the note form's product picker: at most 10 products on sale by title
    (English or Chinese) or number."""
    query = request.GET.get("q", "")
    if len(query) > 100:
        return JsonResponse({"errors": {"q": [_("At most 100 characters.")]}}, status=400)
    return JsonResponse({"results": selectors.product_search(query=query)})


@login_required
def avatar_upload(request):
    """A signed-in user sets their community avatar; a refused file stores nothing."""
    posted = request.method == "POST"
    form = AvatarForm(request.POST, request.FILES) if posted else AvatarForm()
    if posted and form.is_valid():
        try:
            services.profile_save(user=request.user, avatar=form.cleaned_data["avatar"])
        except ValidationError as exc:
            form.add_error("avatar", exc)
        else:
            messages.success(request, _("Your avatar was updated."))
            return redirect("community:avatar")
    profile = getattr(request.user, "community_profile", None)
    return render(
        request,
        "catalog/community/avatar.html",
        {"form": form, "profile": profile, "creator": getattr(request.user, "creator", None)},
        status=400 if posted else 200,
    )


@login_required
def region_choose(request):
    """A signed-in reader sets the region they read from (their profile)."""
    if request.method == "POST":
        form = RegionForm(request.POST)
        if form.is_valid():
            services.profile_save(user=request.user, region=form.cleaned_data["region"] or "")
            messages.success(request, _("Saved: you now read with the rules of your region."))
            return redirect(request.POST.get("next") or "home")
    else:
        profile = getattr(request.user, "community_profile", None)
        form = RegionForm(initial={"region": profile.region if profile else ""})
    return render(
        request,
        "catalog/community/region.html",
        {"form": form, "region": selectors.viewer_region(request)},
    )
