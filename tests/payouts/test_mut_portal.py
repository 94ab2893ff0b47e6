"""Agency portal reads: who sees what, and the run CSV row by row, figure by figure."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from payouts import selectors_portal as sel
from payouts.models import PayoutLine
from payouts.runs import payout_run_compute
from tests.factories import UserFactory

from .factories import agency_make, at, creator_make, earning_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    harbour, river = agency_make(code="harbour"), agency_make(code="river")
    zoe = creator_make(agency=harbour, kind="employment")
    zoe.display_name, zoe.legal_name = "Zoe", "  Zhou Zoe  "
    zoe.save()
    amy = creator_make(agency=harbour, kind="service")
    amy.display_name = "Amy"
    amy.save()
    rose = creator_make(agency=river, kind="service")
    earning_make(zoe, "20000.00", when=at(2026, 1, 10))
    earning_make(amy, "3000.00", when=at(2026, 1, 12))
    earning_make(rose, "5000.00", when=at(2026, 1, 10))
    harbour_run = payout_run_compute(period="2026-01", agency=harbour)
    river_run = payout_run_compute(period="2026-01", agency=river)
    ann = UserFactory(username="ann")
    harbour.staff.add(ann)
    return {
        "harbour": harbour,
        "river": river,
        "zoe": zoe,
        "amy": amy,
        "rose": rose,
        "harbour_run": harbour_run,
        "river_run": river_run,
        "ann": ann,
    }


def test_only_active_signed_in_staff_see_their_agencies(world):
    assert list(sel.portal_agencies(user=world["ann"])) == [world["harbour"]]
    assert list(sel.portal_runs(user=world["ann"])) == [world["harbour_run"]]
    world["river"].staff.add(world["ann"])
    # Both, by legal name.
    assert list(sel.portal_agencies(user=world["ann"])) == [world["harbour"], world["river"]]
    world["ann"].is_active = False
    world["ann"].save()
    assert list(sel.portal_agencies(user=world["ann"])) == []
    assert list(sel.portal_runs(user=world["ann"])) == []
    assert list(sel.portal_agencies(user=AnonymousUser())) == []


def test_a_runs_lines_are_listed_by_display_name(world):
    lines = list(sel.portal_run_lines(run=world["harbour_run"]))
    assert [line.creator.display_name for line in lines] == ["Amy", "Zoe"]


def test_working_figures_read_as_decimals_with_zero_for_missing_or_broken(world):
    working = {"rate": "0.10", "quick_deduction": "2520", "cumulative_income": "oops"}
    line = PayoutLine(working={**working, "months": 3, "scope": "year"})
    figures = sel.working_figures(line=line)
    assert figures["rate"] == Decimal("0.10")
    assert figures["quick_deduction"] == Decimal("2520")
    assert figures["cumulative_income"] == Decimal("0")  # not a number: zero, not a crash
    assert figures["expense"] == Decimal("0")  # missing: zero
    assert (figures["months"], figures["scope"]) == (3, "year")
    empty = sel.working_figures(line=PayoutLine(working=None))
    assert (empty["months"], empty["scope"], empty["already_withheld"]) == (0, "", Decimal("0"))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("", ""),
        (Decimal("3360"), "3360.00"),
        ("2.345", "2.35"),  # half-up
        ("2.344", "2.34"),
        (Decimal("-0.005"), "-0.01"),
        (7, "7.00"),
    ],
)
def test_csv_amounts_are_plain_two_decimal_numbers(value, text):
    assert sel.csv_amount(value) == text


def test_the_run_csv_row_carries_each_figure_of_the_line(world):
    rows = list(sel.portal_run_csv_rows(run=world["harbour_run"]))
    assert len(rows) == 2
    zoe_line = world["harbour_run"].lines.get(creator=world["zoe"])
    (row,) = [r for r in rows if r[1] == world["zoe"].handle]
    working = zoe_line.working
    assert (
        row
        == (
            "2026-01",
            world["zoe"].handle,
            "Zhou Zoe",  # the legal name, trimmed
            world["zoe"].id_document_type,
            "*" * 14 + world["zoe"].id_number[-4:],
            zoe_line.regime,
            "20000.00",
            f"{zoe_line.agency_share:.2f}",
            f"{zoe_line.income:.2f}",
            f"{zoe_line.taxable_income:.2f}",
            working.get("rate", ""),
            sel.csv_amount(working.get("quick_deduction")),
            sel.csv_amount(working.get("cumulative_income")),
            sel.csv_amount(working.get("cumulative_tax")),
            sel.csv_amount(working.get("already_withheld")),
            f"{zoe_line.tax:.2f}",
            f"{zoe_line.net:.2f}",
            "CNY",
        )
    )
    assert zoe_line.agency_share == Decimal("4000.00")  # 20% of 20,000
    assert zoe_line.income == Decimal("16000.00")
    # Ordered by creator id (the order they were made in).
    assert [r[1] for r in rows] == [world["zoe"].handle, world["amy"].handle]


def test_the_portal_csv_is_the_rows_under_their_headers(world, client):
    client.force_login(world["ann"])
    response = client.get(f"/agency/runs/{world['harbour_run'].pk}/payout.csv")
    assert response["Content-Disposition"] == 'attachment; filename="payout-harbour-2026-01.csv"'
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows[0]) == len(sel.RUN_CSV_HEADERS) == 18
    expected = [list(r) for r in sel.portal_run_csv_rows(run=world["harbour_run"])]
    assert rows[1:] == expected
    # Another agency's run: 404, no rows.
    other = client.get(f"/agency/runs/{world['river_run'].pk}/payout.csv")
    assert other.status_code == 404


def test_a_line_without_a_legal_name_or_a_rate_has_empty_cells(world):
    zoe = world["zoe"]
    zoe.legal_name = ""
    zoe.save()
    PayoutLine.objects.filter(run=world["harbour_run"], creator=zoe).update(working={})
    rows = {r[1]: r for r in sel.portal_run_csv_rows(run=world["harbour_run"])}
    row = rows[zoe.handle]
    assert row[2] == ""  # no legal name: empty, never a placeholder
    assert row[10:15] == ("", "", "", "", "")  # rate and the working's amounts


def test_monthly_totals_are_one_agencys_even_for_staff_of_two(world):
    world["river"].staff.add(world["ann"])
    harbour = sel.portal_monthly_totals(
        user=world["ann"], agency=world["harbour"], months=["2025-12", "2026-01"]
    )
    lines = world["harbour_run"].lines.all()
    assert harbour == [
        {"period": "2025-12", "gross": 0, "tax": 0, "net": 0},
        {
            "period": "2026-01",
            "gross": Decimal("23000.00"),
            "tax": sum(line.tax for line in lines),
            "net": sum(line.net for line in lines),
        },
    ]
    river = sel.portal_monthly_totals(user=world["ann"], agency=world["river"], months=["2026-01"])
    assert river[0]["gross"] == Decimal("5000.00")
    # Not staff of it: nothing, whatever agency is asked for.
    outsider = UserFactory(username="olga")
    assert sel.portal_monthly_totals(user=outsider, agency=world["river"], months=["2026-01"]) == [
        {"period": "2026-01", "gross": 0, "tax": 0, "net": 0}
    ]


def test_every_working_figure_is_read_under_its_own_name():
    keys = (
        "rate",
        "quick_deduction",
        "expense",
        "basic_deduction",
        "cumulative_income",
        "cumulative_deductions",
        "cumulative_taxable",
        "cumulative_tax",
        "already_withheld",
    )
    working = {key: f"{n}.5" for n, key in enumerate(keys, start=1)}
    figures = sel.working_figures(line=PayoutLine(working=working))
    assert {key: figures[key] for key in keys} == {
        key: Decimal(f"{n}.5") for n, key in enumerate(keys, start=1)
    }


def test_runs_newest_first_and_lines_by_name_then_id(world):
    zoe, amy = world["zoe"], world["amy"]
    earning_make(zoe, "1000.00", when=at(2026, 2, 10))
    february = payout_run_compute(period="2026-02", agency=world["harbour"])
    assert list(sel.portal_runs(user=world["ann"])) == [february, world["harbour_run"]]
    amy.display_name = "Zoe"  # two creators of one name: the older id first
    amy.save()
    lines = list(sel.portal_run_lines(run=world["harbour_run"]))
    assert [line.creator_id for line in lines] == sorted([zoe.pk, amy.pk])
