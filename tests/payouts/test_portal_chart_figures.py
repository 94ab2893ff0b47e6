"""The agency portal's chart shows the statements' figures: per month, the gross, tax and
net the chart (its bars' titles and its table) shows are the sums of that month's
statements of the agency, read from the statement pages themselves. Other agencies' runs,
months outside the last twelve, and months with no run do not leak in.
"""

import re
from datetime import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from payouts.runs import payout_run_compute
from payouts.views_portal import last_months
from tests.factories import UserFactory

from .factories import agency_make, creator_make, earning_make

ROW = (
    r'<tr><td>{period}</td><td class="num">([^<]*)</td>'
    r'<td class="num">([^<]*)</td><td class="num">([^<]*)</td></tr>'
)


def amount(text: str) -> Decimal:
    """CN¥24,200.00 -> Decimal("24200.00")."""
    return Decimal(re.sub(r"[^\d.\-]", "", text))


def when(period: str, day: int = 10) -> datetime:
    year, month = (int(p) for p in period.split("-"))
    return timezone.make_aware(datetime(year, month, day, 12))


@pytest.fixture
def world(db):
    months = last_months(today=timezone.localdate())
    recent, earlier, outside = months[-1], months[-4], None
    year, month = (int(p) for p in months[0].split("-"))
    outside = f"{year - 1 if month == 1 else year}-{12 if month == 1 else month - 1:02d}"
    harbour, river = agency_make(code="harbour"), agency_make(code="river")
    lily = creator_make(agency=harbour, kind="employment")  # wages: cumulative withholding
    sam = creator_make(agency=harbour, kind="service")  # labour: per payment
    rose = creator_make(agency=river, kind="service")
    earning_make(lily, "20000.00", when=when(recent))
    earning_make(sam, "3000.00", when=when(recent, 12))
    earning_make(lily, "8000.00", when=when(earlier))
    earning_make(rose, "99000.00", when=when(recent))
    earning_make(lily, "55555.00", when=when(outside))
    # Oldest first: a run takes every available earning up to its period.
    runs = {
        "outside": payout_run_compute(period=outside, agency=harbour),
        "earlier": payout_run_compute(period=earlier, agency=harbour),
        "recent": payout_run_compute(period=recent, agency=harbour),
        "river": payout_run_compute(period=recent, agency=river),
    }
    ann = UserFactory(username="ann")
    harbour.staff.add(ann)
    return {
        "months": months,
        "recent": recent,
        "earlier": earlier,
        "harbour": harbour,
        "lily": lily,
        "sam": sam,
        "runs": runs,
        "ann": ann,
    }


def statement_figures(client, run, creator) -> tuple[Decimal, Decimal, Decimal]:
    url = f"/agency/runs/{run.pk}/statements/{creator.pk}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    figures = [
        amount(re.search(rf"<th>{label}</th><td[^>]*>([^<]*)</td>", page).group(1))
        for label in ("Gross", "Tax withheld", "Net")
    ]
    return tuple(figures)


def test_the_chart_shows_the_sum_of_the_months_statements(world, client):
    client.force_login(world["ann"])
    runs = world["runs"]
    lily_recent = statement_figures(client, runs["recent"], world["lily"])
    sam_recent = statement_figures(client, runs["recent"], world["sam"])
    lily_earlier = statement_figures(client, runs["earlier"], world["lily"])
    # The statements hold the engine's figures: gross as earned, tax withheld, net = the
    # creator's income (gross less the agency's 20%) less tax.
    assert lily_recent[0] == Decimal("20000.00") and sam_recent[0] == Decimal("3000.00")
    assert sam_recent[1] > 0 and lily_recent[1] > 0
    for gross, tax, net in (lily_recent, sam_recent, lily_earlier):
        assert net == gross * Decimal("0.8") - tax

    response = client.get("/agency/", HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    (chart,) = [c["chart"] for c in response.context["charts"]]
    by_month = {m["period"]: m for m in chart["months"]}
    assert list(by_month) == world["months"]

    expected = {
        world["recent"]: tuple(a + b for a, b in zip(lily_recent, sam_recent, strict=True)),
        world["earlier"]: lily_earlier,
    }
    for period in world["months"]:
        gross, tax, net = expected.get(period, (Decimal("0"),) * 3)
        month = by_month[period]
        assert (month["gross"], month["tax"], month["net"]) == (gross, tax, net), period
        assert [b["value"] for b in month["bars"]] == [gross, tax, net]
        # The table beside the chart shows the same figures.
        row = re.search(ROW.format(period=period), page)
        assert row, period
        assert tuple(amount(cell) for cell in row.groups()) == (gross, tax, net), period
    # The bars' titles carry the recent month's figures, as the statements show them.
    titles = re.findall(rf"<title>{world['recent']} ([^<]*)</title>", page)
    assert [amount(t) for t in titles] == list(expected[world["recent"]])
    # Bars are drawn to one scale: the recent gross (the largest) reaches furthest up, and
    # a month's net bar is to its gross bar as net is to gross.
    recent_bars = {b["key"]: b for b in by_month[world["recent"]]["bars"]}
    ratio = recent_bars["net"]["height"] / recent_bars["gross"]["height"]
    assert ratio == pytest.approx(
        float(expected[world["recent"]][2] / expected[world["recent"]][0]), abs=0.01
    )
    # River's 99,000 (another agency) and the month before the window never show.
    assert "99,000" not in page and "55,555" not in page
