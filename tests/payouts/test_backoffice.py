"""Back-office pages (issue #14 item 8): layout, sign-in landing, chart, statements, CSV,
admin run page."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model

from payouts.runs import payout_run_compute

from .factories import agency_make, at, creator_make, earning_make


@pytest.fixture
def world(db):
    harbour = agency_make(code="harbour")
    wendy = creator_make(agency=harbour, kind="employment")
    larry = creator_make(agency=harbour, kind="service")
    larry.legal_name = "李拉里"
    larry.save(update_fields=["legal_name"])
    earning_make(wendy, "20000.00", when=at(2026, 1, 10))
    earning_make(larry, "4200.00", when=at(2026, 1, 10))
    run = payout_run_compute(period="2026-01", agency=harbour)
    staff = get_user_model().objects.create_user("ann", "ann@harbour.example.com", "agency")
    harbour.staff.add(staff)
    return {"harbour": harbour, "wendy": wendy, "larry": larry, "run": run, "staff": staff}


def test_agency_staff_land_on_the_portal_after_signing_in(world, client):
    response = client.post(
        "/accounts/login/",
        {
            "login-username": "ann@harbour.example.com",
            "login-password": "agency",
            "login_submit": "1",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/agency/"
    page = client.get("/agency/").content.decode()
    assert 'id="payouts-sign-out"' in page and "/accounts/logout/" in page
    # The site's layout (Oscar's), not a bare page.
    assert "page_inner" in page and "navbar" in page


def test_a_customer_still_lands_where_oscar_sends_them(world, client):
    get_user_model().objects.create_user("cat", "cat@example.com", "shop")
    response = client.post(
        "/accounts/login/",
        {"login-username": "cat@example.com", "login-password": "shop", "login_submit": "1"},
    )
    assert response.status_code == 302 and response["Location"] != "/agency/"


def test_the_chart_has_axes_values_and_a_table(world, client):
    client.force_login(world["staff"])
    page = client.get("/agency/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'class="axis"' in page and 'class="grid"' in page
    assert "The figures as a table" in page
    assert "CN¥24,200.00" in page  # January's gross in the table fallback
    assert ">24.2K<" in page  # the value above January's bars


def test_statements_say_year_to_date_or_this_payment_by_regime(world, client):
    client.force_login(world["staff"])
    run = world["run"]
    wages = client.get(f"/agency/runs/{run.pk}/statements/{world['wendy'].pk}/").content.decode()
    labour = client.get(f"/agency/runs/{run.pk}/statements/{world['larry'].pk}/").content.decode()
    assert "Income, year to date" in wages and "Income of this payment" not in wages
    assert "Income of this payment" in labour and "year to date" not in labour
    zh = client.get(
        f"/agency/runs/{run.pk}/statements/{world['larry'].pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "本次" in zh


def test_run_csv_has_legal_names_and_two_decimal_amounts(world, client):
    client.force_login(world["staff"])
    response = client.get(f"/agency/runs/{world['run'].pk}/payout.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {r["Creator"]: r for r in csv.DictReader(io.StringIO(text))}
    larry = rows[world["larry"].handle]
    assert larry["Name"] == "李拉里"
    for column in ("Gross", "Income", "Taxable income", "Tax withheld", "Net"):
        whole, _, cents = larry[column].partition(".")
        assert whole.isdigit() and len(cents) == 2, (column, larry[column])


def test_admin_run_page_lists_lines_with_a_readable_working(world, admin_client):
    page = admin_client.get(f"/admin/payouts/payoutrun/{world['run'].pk}/change/").content.decode()
    assert world["larry"].handle in page or "李拉里" in page or str(world["larry"]) in page
    assert "payouts-working" in page and "quick deduction" in page
    assert '"cumulative_income"' not in page
    changelist = admin_client.get("/admin/payouts/payoutrun/").content.decode()
    assert "/finance/tax-exports/" in changelist and "/finance/bank-returns/" in changelist


def test_admin_approval_names_the_new_state(world, admin_client):
    response = admin_client.post(
        "/admin/payouts/payoutrun/",
        {"action": "approve", "_selected_action": [world["run"].pk]},
        follow=True,
    )
    assert "Payout run 2026-01 is now approved." in response.content.decode()


@pytest.mark.parametrize(
    ("path", "language", "title"),
    [
        ("/finance/tax-exports/", "en", "Tax exports"),
        ("/finance/tax-exports/", "zh-hans", "税务导出"),
        ("/finance/bank-returns/", "en", "Bank status reports"),
    ],
)
def test_finance_pages_are_titled_like_the_rest_of_the_site(
    admin_client, settings, path, language, title
):
    page = admin_client.get(path, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"<title>{title} | {settings.OSCAR_SHOP_NAME}" in " ".join(page.split())
