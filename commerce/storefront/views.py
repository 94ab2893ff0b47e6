"""Small storefront views that belong to no Oscar app."""

from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the Django admin's); the
    storefront's own icon answers. ``static`` runs per request, so a storage with a
    manifest is read once it exists, never at import."""
    return HttpResponsePermanentRedirect(static("oscar/favicon.ico"))
