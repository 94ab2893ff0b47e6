import re

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from catalog.views import NoteListView
from commerce.partner.views import currency_switch
from payouts import views_bank_returns, views_finance, views_portal
from payouts.views_merchant import MerchantCommissionView

urlpatterns = [
    path("", NoteListView.as_view(), name="home"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("currency/", currency_switch, name="currency-switch"),
    path("notes/", include("catalog.urls")),
    path("dashboard/commission/", MerchantCommissionView.as_view(), name="merchant-commission"),
    path("api/", include("payouts.urls")),
    path("checkout/", include("commerce.checkout.urls")),
    path("privacy/", include("commerce.residency.urls")),
    path("agency/", views_portal.portal_home, name="agency-portal"),
    path("agency/runs/<int:run_id>/", views_portal.portal_run, name="agency-portal-run"),
    path(
        "agency/runs/<int:run_id>/payout.csv",
        views_portal.portal_run_csv,
        name="agency-portal-run-csv",
    ),
    path(
        "agency/runs/<int:run_id>/statements/<int:creator_id>/",
        views_portal.portal_statement,
        name="agency-portal-statement",
    ),
    path(
        "agency/runs/<int:run_id>/statements/<int:creator_id>/statement.pdf",
        views_portal.portal_statement_pdf,
        name="agency-portal-statement-pdf",
    ),
    path("finance/tax-exports/", views_finance.tax_exports, name="finance-tax-exports"),
    path(
        "finance/bank-returns/",
        views_bank_returns.bank_return_upload,
        name="finance-bank-returns",
    ),
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
