"""The demo's payouts: last month is run, approved and sent in the admin, and the agency
portal's statements show the tax worked out by hand in the README ("Payouts in the demo")."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from agencies.models import Creator
from commerce.celery import app
from commerce.demo.services import demo_data_load
from payouts.demo import payouts_demo_load
from payouts.models import PayoutLine, PayoutRun, Transfer

D = Decimal
TODAY = date(2026, 11, 21)

# (handle, regime, gross, agency share, tax, net) of 2026-10, worked by hand:
# xiaomei, wages: 12,000 tip + 80,000 coins x 0.10 x (1 - 50%) = 16,000; 30% share 4,800;
#   income 11,200; cumulative (10,500 + 11,200) - 2 x 5,000 = 11,700 x 3% = 351 - 165 = 186.
# lily-shanghai, labour: 6,000 - 1,800 = 4,200 > 4,000: 4,200 x 80% = 3,360 x 20% = 672.
# yuki-tokyo, non-resident wages: HKD 10,000 x (1 / 1.0935 = 0.9144947417) = 9,144.95;
#   20% share 1,828.99; (7,315.96 - 5,000) x 3% = 69.4788 -> 69.48.
# emma-london, non-resident wages: 9,000 - 1,800 = 7,200; (7,200 - 5,000) x 3% = 66.
# chengdu-foodie, platform labour: cumulative (5,000 + 8,000) x 80% - 2 x 5,000 = 400 x 3% = 12.
# hangzhou-tea, platform labour: 1,200 x 80% - 5,000 < 0: no tax.
HAND = {
    "xiaomei": ("cn-resident-wages", "16000.00", "4800.00", "186.00", "11014.00"),
    "lily-shanghai": ("cn-resident-labour", "6000.00", "1800.00", "672.00", "3528.00"),
    "yuki-tokyo": ("cn-nonresident-wages", "9144.95", "1828.99", "69.48", "7246.48"),
    "emma-london": ("cn-nonresident-wages", "9000.00", "1800.00", "66.00", "7134.00"),
    "chengdu-foodie": ("cn-platform-labour", "8000.00", "0.00", "12.00", "7988.00"),
    "hangzhou-tea": ("cn-platform-labour", "1200.00", "0.00", "0.00", "1200.00"),
}


@pytest.fixture
def demo(stand_in):
    """The demo data with payouts, Celery in-process (as ``make demo`` runs it)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        demo_data_load(products=10, notes=5, creators=22)
        summary = payouts_demo_load(today=TODAY)
        yield stand_in, summary
    finally:
        app.conf.task_always_eager = eager


@pytest.mark.django_db(transaction=True)
def test_last_month_is_run_approved_and_sent_in_the_admin_and_statements_match(demo, client):
    stand_in, summary = demo
    assert (summary["paid_period"], summary["open_period"]) == ("2026-09", "2026-10")
    assert set(PayoutRun.objects.filter(period="2026-09").values_list("state", flat=True)) == {
        "completed"
    }
    sent_before = stand_in.created

    for scope in (["--agency", "starlight-mcn"], ["--agency", "harbour-talent"], ["--personal"]):
        call_command("payout_run", "--period", "2026-10", *scope)
    runs = list(PayoutRun.objects.filter(period="2026-10"))
    assert len(runs) == 3 and {r.state for r in runs} == {"computed"}

    lines = {
        line.creator.handle: (
            line.regime,
            str(line.gross),
            str(line.agency_share),
            str(line.tax),
            str(line.net),
        )
        for line in PayoutLine.objects.filter(period="2026-10").select_related("creator")
    }
    assert lines == HAND

    # Finance approves, then sends, with the admin's actions.
    client.force_login(get_user_model().objects.get(username="admin"))
    changelist = reverse("admin:payouts_payoutrun_changelist")
    ids = [str(r.pk) for r in runs]
    for action in ("approve", "payout_runs_send"):
        response = client.post(changelist, {"action": action, "_selected_action": ids})
        assert response.status_code == 302
    states = dict(PayoutRun.objects.filter(period="2026-10").values_list("agency__code", "state"))
    assert states["harbour-talent"] == "completed"  # Stripe Connect: paid at once
    assert stand_in.created == sent_before + 1
    harbour = Transfer.objects.get(run__period="2026-10", agency__code="harbour-talent")
    assert harbour.amount == D("9144.95") - D("69.48") + D("9000.00") - D("66.00")
    starlight = Transfer.objects.get(run__period="2026-10", agency__code="starlight-mcn")
    assert starlight.state == "submitted" and starlight.batch.xml_path.endswith(".xml")

    # The agency's staff read the statement; its tax is the hand-computed 186.00.
    xiaomei = Creator.objects.get(handle="xiaomei")
    starlight_run = PayoutRun.objects.get(period="2026-10", agency__code="starlight-mcn")
    client.force_login(get_user_model().objects.get(username="starlight-staff"))
    url = reverse("agency-portal-statement", args=[starlight_run.pk, xiaomei.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    for figure in ("CN¥16,000.00", "CN¥4,800.00", "11,700.00", "3%", "CN¥186.00", "CN¥11,014.00"):
        assert figure in text, figure
    # ...and nothing of the other agency.
    harbour_run = PayoutRun.objects.get(period="2026-10", agency__code="harbour-talent")
    yuki = Creator.objects.get(handle="yuki-tokyo")
    other = reverse("agency-portal-statement", args=[harbour_run.pk, yuki.pk])
    assert client.get(other).status_code == 404

    call_command("ledger_check")


@pytest.mark.django_db(transaction=True)
def test_loading_the_demo_payouts_twice_changes_nothing(demo):
    _stand_in, _summary = demo
    counts = (PayoutRun.objects.count(), PayoutLine.objects.count(), Transfer.objects.count())
    again = payouts_demo_load(today=TODAY)
    assert again["posted"] == 0
    assert (
        PayoutRun.objects.count(),
        PayoutLine.objects.count(),
        Transfer.objects.count(),
    ) == counts
