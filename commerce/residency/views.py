"""Privacy requests (issue #17, item 4): the signed-in user's own, and staff for anyone.

Someone else's user or request is a 404 (never a 403 that confirms it exists)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from commerce.residency import services
from commerce.residency.models import PrivacyRequest


def _export_response(*, data: dict, user_id: int) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="personal-data-{user_id}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET"])
def privacy_home(request):
    requests = PrivacyRequest.objects.filter(user=request.user)[:20]
    return render(request, "residency/privacy.html", {"privacy_requests": requests})


@login_required
@require_http_methods(["GET"])
def privacy_export_own(request):
    data = services.privacy_export(user=request.user, requested_by=request.user)
    return _export_response(data=data, user_id=request.user.pk)


@login_required
@require_POST
def privacy_erase_own(request):
    if request.POST.get("confirm") != "1":  # one click never erases an account
        messages.error(request, _("Tick the box to confirm the erasure."))
        return redirect("residency:privacy")
    outcome = services.privacy_erase(user=request.user, requested_by=request.user)
    return render(request, "residency/privacy_request.html", {"privacy_request": outcome})


@login_required
@require_http_methods(["GET"])
def privacy_request_detail(request, request_id: int):
    privacy_request = get_object_or_404(
        PrivacyRequest.objects.filter(user=request.user), pk=request_id
    )
    return render(request, "residency/privacy_request.html", {"privacy_request": privacy_request})


def _staff_target(request, user_id: int):
    if not (request.user.is_authenticated and request.user.is_staff):
        raise Http404
    return get_object_or_404(get_user_model(), pk=user_id)


@require_http_methods(["GET"])
def staff_export(request, user_id: int):
    target = _staff_target(request, user_id)
    data = services.privacy_export(user=target, requested_by=request.user)
    return _export_response(data=data, user_id=target.pk)


@require_POST
def staff_erase(request, user_id: int):
    target = _staff_target(request, user_id)
    outcome = services.privacy_erase(user=target, requested_by=request.user)
    return render(request, "residency/privacy_request.html", {"privacy_request": outcome})
