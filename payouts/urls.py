"""All payouts routes, included by the project's root urls as ``include("payouts.urls")``.

The API keeps its ``payouts:`` namespace; the pages keep their global names.
"""

from django.urls import include, path

from . import views_bank_returns, views_finance, views_portal
from .api import rewards_receive
from .views_merchant import MerchantCommissionView
from .webhooks import stripe_connect_webhook

api_patterns = [
    path("rewards/", rewards_receive, name="rewards"),
    path("stripe/connect-webhook/", stripe_connect_webhook, name="stripe-connect-webhook"),
]

urlpatterns = [
    path("api/", include((api_patterns, "payouts"))),
    path("dashboard/commission/", MerchantCommissionView.as_view(), name="merchant-commission"),
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
]
