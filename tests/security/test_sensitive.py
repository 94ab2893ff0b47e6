"""Issue #12: an error report never shows an ID number, a bank account or a payment method.

Django's error reports (the DEBUG page, mails to ADMINS) list POST parameters and the local
variables of every frame; ``sensitive_post_parameters`` / ``sensitive_variables`` replace
them with stars. Each view and admin form that receives such data is checked here by
rendering the report Django would send.
"""

import sys

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.views.debug import ExceptionReporter

from agencies.models import Agency, Creator
from agencies.services import creator_identity_set
from agencies.validators import ID_RESIDENT_CARD
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

ID_NUMBER = "11010519491231002X"
ACCOUNT = "6222020200001234567"


def report_of(request, exc_info=None) -> str:
    exc_type, exc, tb = exc_info or (RuntimeError, RuntimeError("boom"), None)
    reporter = ExceptionReporter(request, exc_type, exc, tb)
    return reporter.get_traceback_text() + reporter.get_traceback_html()


def posted(admin_user, data: dict):
    request = RequestFactory().post("/admin/", data)
    request.user = admin_user
    return request


def test_the_creator_admin_form_hides_the_id_number_and_account(admin_user):
    creator = CreatorFactory()
    request = posted(
        admin_user,
        {"new_id_number": ID_NUMBER, "payout_account_number": ACCOUNT, "handle": "visible"},
    )
    admin.site._registry[Creator].changeform_view(request, str(creator.pk))
    report = report_of(request)
    assert ID_NUMBER not in report and ACCOUNT not in report
    assert "visible" in report  # other fields are still shown
    assert "********************" in report


def test_the_agency_admin_form_hides_the_bank_account(admin_user):
    agency = Agency.objects.create(
        code="harbour", legal_name="Harbour", country="HK", registration_number="12345678"
    )
    request = posted(admin_user, {"bank_account_number": ACCOUNT, "legal_name": "shown"})
    admin.site._registry[Agency].changeform_view(request, str(agency.pk))
    report = report_of(request)
    assert ACCOUNT not in report and "shown" in report


def test_the_identity_service_and_validators_hide_the_number_in_tracebacks():
    creator = CreatorFactory()
    bad = "11010519491231002Y"  # wrong checksum: the validator raises deep inside
    try:
        creator_identity_set(creator=creator, document_type=ID_RESIDENT_CARD, number=bad)
    except ValidationError:
        exc_info = sys.exc_info()
    else:  # pragma: no cover
        pytest.fail("the number was accepted")
    frames = ExceptionReporter(None, *exc_info).get_traceback_frames()
    ours = {f["function"]: repr(f["vars"]) for f in frames if "/agencies/" in f["filename"]}
    assert {"creator_identity_set", "id_number_normalize"} <= set(ours)
    for variables in ours.values():
        assert "1101051949" not in variables and "'number'" in variables


def test_the_payment_view_hides_the_payment_method():
    from commerce.checkout.views import PaymentDetailsView

    request = RequestFactory().post("/checkout/preview/", {"payment_method": "pm_card_secret"})
    try:
        PaymentDetailsView.as_view(preview=True)(request)
    except Exception:  # noqa: BLE001  (no session or basket here: only the marking matters)
        pass
    assert request.sensitive_post_parameters == ("payment_method",)
    assert "pm_card_secret" not in report_of(request)
