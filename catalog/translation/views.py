"""JSON endpoints the Translate control calls; thin, never a 500 for an engine failure."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.utils.decorators import method_decorator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View

from . import services
from .engines import TranslationError
from .models import Translation
from .ratelimit import rate_limit_check
from .selectors import translation_payload
from .sources import Viewer, source_kinds, source_visible

logger = logging.getLogger(__name__)


def _error(status: int, **errors) -> JsonResponse:
    return JsonResponse({"errors": {k: [v] for k, v in errors.items()}}, status=status)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class TranslationRequestView(View):
    """POST kind, id and (optionally) target: the object's translation, stored and reused."""

    def post(self, request):
        limited = rate_limit_check(request=request)
        if limited is not None:
            rate, retry_after = limited
            response = JsonResponse(
                {
                    "errors": {
                        "rate": [
                            _(
                                "Too many translation requests: at most %(limit)s. "
                                "Try again in %(seconds)d seconds."
                            )
                            % {"limit": rate.text, "seconds": retry_after}
                        ]
                    },
                    "limit": rate.text,
                    "retry_after": retry_after,
                },
                status=429,
            )
            response["Retry-After"] = str(retry_after)
            return response
        kind = request.POST.get("kind", "")
        if kind not in source_kinds():
            return _error(400, kind=_("Choose one of: %s.") % ", ".join(source_kinds()))
        try:
            object_id = int(request.POST.get("id", ""))
        except ValueError:
            return _error(400, id=_("Give the id of what to translate."))
        languages = dict(settings.LANGUAGES)
        target = request.POST.get("target") or get_language()
        if target not in languages:
            return _error(400, target=_("Choose one of: %s.") % ", ".join(languages))
        try:
            translation = services.translation_request(
                kind=kind, object_id=object_id, target=target, viewer=Viewer.of_request(request)
            )
        except LookupError:
            return _error(404, id=_("There is nothing to translate with this id."))
        except TranslationError as exc:
            return _error(400, target=exc.message)
        return JsonResponse(translation_payload(translation=translation))


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class TranslationDetailView(View):
    """GET a stored translation (the control polls it while a long text is translated),
    only to a viewer who may read its source: a removed note, or one withheld or held for
    review in the viewer's region (or a comment so hidden) is a 404, as on its page."""

    def get(self, request, pk):
        translation = Translation.objects.filter(pk=pk).first()
        if translation is None or (
            translation.object_kind
            and not source_visible(
                kind=translation.object_kind,
                object_id=translation.object_id,
                viewer=Viewer.of_request(request),
            )
        ):
            return _error(404, id=_("No such translation."))
        if translation.status != Translation.Status.DONE:
            # A failure whose back-off has passed is retried here (the eager demo's retry).
            translation = services.translation_request(
                text=translation.source_text,
                source=translation.source_language,
                target=translation.target_language,
                engine_name=translation.engine,
            )
        return JsonResponse(translation_payload(translation=translation))
