"""A regional store that is down: the page that needed that person's data answers 503.

``RegionalStoreUnavailable`` is raised before anything global is written (services write
the region first); with ``ATOMIC_REQUESTS`` the request's global transaction has rolled back
by the time this middleware sees the exception. Pages that need no regional data never
raise it and keep working.
"""

from __future__ import annotations

import logging

from django.template.response import TemplateResponse

from agencies.encryption.stores import RegionalStoreUnavailable

logger = logging.getLogger(__name__)


class RegionalStoreUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, RegionalStoreUnavailable):
            return None
        logger.error("Regional store unavailable (%s): %s", exception.region, request.path)
        response = TemplateResponse(
            request,
            "residency/store_unavailable.html",
            {"region": exception.region},
            status=503,
        )
        response["Retry-After"] = "120"
        return response.render()
