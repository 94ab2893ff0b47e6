"""Finance computes a payout run from the admin, as ``manage.py payout_run`` does."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from payouts.models import PayoutLine, PayoutRun
from tests.factories import UserFactory

from .factories import agency_make, at, creator_make, earning_make

pytestmark = pytest.mark.django_db
URL = "/admin/payouts/payoutrun/compute/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def finance(client):
    user = UserFactory(username="finance", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="payouts", codename__in=["add_payoutrun", "view_payoutrun"]
        )
    )
    client.force_login(user)
    return client


def test_finance_computes_an_agency_run_and_lands_on_it(finance):
    agency = agency_make(code="harbour", share="0.2")
    creator = creator_make(agency=agency, kind="service")
    earning_make(creator, "1000.00", when=at(2026, 3))
    assert reverse("admin:payouts_payoutrun_compute") == URL
    assert URL in finance.get("/admin/payouts/payoutrun/").content.decode()

    response = finance.post(URL, {"period": "2026-03", "scope": "harbour"})
    run = PayoutRun.objects.get(period="2026-03", agency=agency)
    assert response.status_code == 302
    assert response.url == reverse("admin:payouts_payoutrun_change", args=[run.pk])
    assert run.state == "computed"
    line = PayoutLine.objects.get(run=run)
    # 1,000 - 20% share = 800 labour income: (800 - 800) x 20% = 0 tax.
    assert (line.agency_share, line.income, line.tax) == (
        Decimal("200.00"),
        Decimal("800.00"),
        Decimal("0.00"),
    )
    # Again: the computed run is shown as it is, nothing is written twice.
    finance.post(URL, {"period": "2026-03", "scope": "harbour"})
    assert PayoutLine.objects.filter(run=run).count() == 1


def test_personal_scope_and_refusals_are_form_errors_and_write_nothing(finance):
    creator = creator_make()
    earning_make(creator, "100.00", when=at(2026, 3))
    page = finance.post(URL, {"period": "2999-01", "scope": "personal"})
    assert page.status_code == 200
    assert "Period 2999-01 is not over yet" in page.content.decode()
    page = finance.post(URL, {"period": "2026-13", "scope": "personal"})
    assert "Give the period as YYYY-MM" in page.content.decode()
    page = finance.post(URL, {"period": "2026-03", "scope": "nobody"})
    assert "Select a valid choice" in page.content.decode()
    assert not PayoutRun.objects.exists()

    finance.post(URL, {"period": "2026-03", "scope": "personal"})
    run = PayoutRun.objects.get()
    assert (run.scope, run.agency, run.state) == ("personal", None, "computed")


def test_staff_without_the_permission_cannot_compute(client):
    client.force_login(UserFactory(username="clerk", is_staff=True))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"period": "2026-03", "scope": "personal"}).status_code == 403
    assert not PayoutRun.objects.exists()
