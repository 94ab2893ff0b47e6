import re

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from agencies.live import live_permission_api
from catalog.views import NoteListView
from commerce.partner.ship_to import ship_to_switch
from commerce.partner.views import currency_switch
from commerce.storefront.views import favicon

urlpatterns = [
    path("", NoteListView.as_view(), name="home"),
    path("favicon.ico", favicon),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("currency/", currency_switch, name="currency-switch"),
    path("ship-to/", ship_to_switch, name="ship-to-switch"),
    path("notes/", include("catalog.urls")),
    path("", include("catalog.community.urls")),
    path("api/live/permission/<slug:handle>/", live_permission_api, name="live-permission"),
    path("translation/", include("catalog.translation.urls")),
    # Payouts: API, merchant commission, agency portal and finance pages (payouts.urls).
    path("", include("payouts.urls")),
    path("checkout/", include("commerce.checkout.urls")),
    path("privacy/", include("commerce.residency.urls")),
    path("", include(apps.get_app_config("oscar").urls[0])),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # The demo serves uploaded media itself; production serves it from the web server.
    urlpatterns += [
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]
