"""The shopper's currency switch."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from oscar.core.loading import get_class

from .currency import CURRENCY_COOKIE, currency_default, currency_supported

Selector = get_class("partner.strategy", "Selector")

ONE_YEAR = 365 * 24 * 3600


@require_POST
def currency_switch(request):
    """Remember the chosen display currency and re-price the basket in it.

    An unknown code falls back to the language's default. A basket that cannot be priced
    in the new currency (a missing rate) keeps its currency, and the shopper is told.
    """
    code = request.POST.get("currency", "").upper()
    if not currency_supported(code):
        code = currency_default(language=getattr(request, "LANGUAGE_CODE", None))
    next_url = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    response = HttpResponseRedirect(next_url)

    basket = request.basket
    if basket.id and basket.all_lines() and basket.currency != code:
        basket.strategy = Selector().strategy(request=request, user=request.user, currency=code)
        if not basket.reprice():
            messages.error(
                request,
                _("Your basket cannot be priced in %(currency)s, so it stays in %(old)s.")
                % {"currency": code, "old": basket.currency},
            )
            return response
        messages.info(request, _("Your basket is now priced in %(currency)s.") % {"currency": code})
    response.set_cookie(
        CURRENCY_COOKIE, code, max_age=ONE_YEAR, samesite="Lax", secure=request.is_secure()
    )
    return response
