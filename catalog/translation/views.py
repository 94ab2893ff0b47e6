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
from .selectors import translation_payload
from .sources import source_kinds

logger = logging.getLogger(__name__)


def _error(status: int, **errors) -> JsonResponse:
    return JsonResponse({"errors": {k: [v] for k, v in errors.items()}}, status=status)


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class TranslationRequestView(View):
    """POST kind, id and (optionally) target: the object's translation, stored and reused."""

    def post(self, request):
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
                kind=kind, object_id=object_id, target=target
            )
        except LookupError:
            return _error(404, id=_("There is nothing to translate with this id."))
        except TranslationError as exc:
            return _error(400, target=exc.message)
        return JsonResponse(translation_payload(translation=translation))


@method_decorator(transaction.non_atomic_requests, name="dispatch")
class TranslationDetailView(View):
    """GET a stored translation (the control polls it while a long text is translated)."""

    def get(self, request, pk):
        translation = Translation.objects.filter(pk=pk).first()
        if translation is None:
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
