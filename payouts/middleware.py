"""Agency staff land on their portal (/agency/) after signing in.

Oscar's sign-in (``customer:login``) redirects to ``next`` when given, else staff to the
dashboard and everyone else to ``LOGIN_REDIRECT_URL``. A user who is staff of an agency
and signed in without a ``next`` is sent to the agency portal instead. Registered in
``MIDDLEWARE`` by dotted path (the project's settings never import payouts).
"""

from __future__ import annotations

from django.urls import reverse

from agencies.models import Agency


class AgencyStaffLandingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method == "POST"
            and response.status_code == 302
            and request.path == reverse("customer:login")
            and "login_submit" in request.POST
            and not request.POST.get("login-redirect_url")
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and Agency.objects.filter(staff=request.user).exists()
        ):
            response["Location"] = reverse("agency-portal")
        return response
