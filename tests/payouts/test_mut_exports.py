"""Tax exports (payouts.exports, payouts.exporters), the parts the worked layouts do not
reach: names for screens, figures and conversions, file names, creators held for their
identity, the refusals' wording, and the exporters registry.
"""

import logging
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from payouts.exporters import (
    EXPORTERS,
    PORTAL_EXPORTERS,
    exporter_get,
    exporters_all,
    rows_started,
)
from payouts.exports import (
    ExportError,
    TaxExport,
    figure_amount,
    person_name,
    tax_export_prepare,
    to_cny,
)
from payouts.models import PayoutRun, Transfer
from payouts.runs import payout_run_compute

from .factories import agency_make, at, creator_make, earning_make

D = Decimal


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- Names for screens ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("", "", "lily_live"),  # no name on the account: the display name
        (None, None, "lily_live"),
        ("  ", " ", "lily_live"),
        ("芳", "王", "王芳"),  # Chinese: family name first, no space
        (" 芳 ", " 王 ", "王芳"),
        ("Amy", "Lee", "Amy Lee"),
        (" Amy ", "", "Amy"),
        ("", "Lee", "Lee"),
        ("Amy", "王", "王Amy"),  # any non-ASCII letter: the Chinese order
    ],
)
def test_person_name(first, last, expected):
    assert person_name(first=first, last=last, display="lily_live") == expected


# --- Figures and conversions ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "text"),
    [
        (None, D("0.00"), "0.00"),
        ("", D("0.00"), "0.00"),
        (0, D("0.00"), "0.00"),
        ("12.5", D("12.50"), "12.50"),
        ("210", D("210.00"), "210.00"),
        ("1234.5678", D("1234.5678"), "1234.5678"),  # exact taxable income stays exact
        ("0.005", D("0.005"), "0.005"),
    ],
)
def test_figure_amount(value, expected, text):
    result = figure_amount(value)
    assert result == expected and str(result) == text


def test_cny_is_taken_as_it_is():
    assert str(to_cny(amount=D("1.005"), currency="CNY", rates=None)) == "1.005"


def test_other_currencies_use_the_lines_recorded_rate_rounded_half_up():
    # 10.01 USD x 7.1235 = 71.306235 -> 71.31; 1.00 x 0.125 = 0.125 -> 0.13 (half-up).
    assert to_cny(amount=D("10.01"), currency="USD", rates={"USD": "7.1235"}) == D("71.31")
    assert str(to_cny(amount=D("1.00"), currency="EUR", rates={"EUR": "0.125"})) == "0.13"


@pytest.mark.parametrize("rates", [None, {}, {"EUR": "7.9"}])
def test_a_currency_without_a_recorded_rate_is_an_inconsistent_run(rates):
    with pytest.raises(ExportError) as caught:
        to_cny(amount=D("1.00"), currency="USD", rates=rates)
    assert str(caught.value) == "No recorded USD rate on a payout line; the run is inconsistent."


# --- File names -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_file_names_name_the_kind_period_and_agency():
    agency = agency_make(code="harbour")
    runs = PayoutRun.objects.none()
    whole = TaxExport(kind="cn-wages", period="2026-01", runs=runs)
    mine = TaxExport(kind="platform-income", period="2026-Q1", runs=runs, agency=agency)
    assert whole.filename(extension="csv") == "tax-cn-wages-2026-01.csv"
    assert mine.filename(extension="xlsx") == "tax-platform-income-2026-Q1-harbour.xlsx"


# --- Prepare: what it finds and how it refuses ----------------------------------------------


@pytest.fixture
def january(db):
    agency = agency_make(code="harbour")
    wages = creator_make(agency=agency, kind="employment")
    earning_make(wages, "1000.00", when=at(2026, 1, 10))
    run = payout_run_compute(period="2026-01", agency=agency)
    return {"agency": agency, "run": run, "wages": wages}


def test_prepare_reads_the_period_loosely_and_keeps_the_layout(january):
    export = tax_export_prepare(kind="platform-income", period=" 2026-q1 ", agency_code="harbour")
    assert (export.kind, export.period, export.agency) == (
        "platform-income",
        "2026-Q1",
        january["agency"],
    )
    assert list(export.runs) == [january["run"]]
    assert export.headers == exporter_get("platform-income").headers
    assert export.sheet == exporter_get("platform-income").sheet
    assert export.filename(extension="csv") == "tax-platform-income-2026-Q1-harbour.csv"


def test_prepare_counts_only_computed_runs_of_the_agency_and_names_the_states_found(january):
    other = agency_make(code="other")
    PayoutRun.objects.create(period="2026-02", scope="agency", agency=other, state="failed")
    PayoutRun.objects.create(period="2026-02", scope="personal", state="draft")
    with pytest.raises(ExportError) as caught:
        tax_export_prepare(kind="cn-wages", period="2026-02")
    assert str(caught.value) == (
        "No computed payout run for 2026-02 (runs found: draft, failed): compute the run first."
    )
    with pytest.raises(ExportError) as caught:
        tax_export_prepare(kind="cn-wages", period="2026-02", agency_code="other")
    assert str(caught.value) == (
        "No computed payout run for 2026-02 (other) (runs found: failed): compute the run first."
    )
    # Another agency's computed January is not this agency's.
    with pytest.raises(ExportError) as caught:
        tax_export_prepare(kind="cn-wages", period="2026-01", agency_code="other")
    assert str(caught.value) == "No computed payout run for 2026-01 (other): compute the run first."


def test_an_unknown_kind_lists_the_kinds(db):
    with pytest.raises(ExportError) as caught:
        tax_export_prepare(kind="cn-other", period="2026-01")
    assert str(caught.value) == (
        "Unknown export kind 'cn-other'; use one of cn-wages, cn-labour, cn-nonresident, "
        "platform-income."
    )


def test_an_unknown_agency_is_named(january):
    with pytest.raises(ExportError) as caught:
        tax_export_prepare(kind="cn-wages", period="2026-01", agency_code="nobody")
    assert str(caught.value) == "Unknown agency 'nobody'."


def test_a_bad_period_is_refused_for_a_known_kind(db):
    with pytest.raises(ExportError) as caught:
        tax_export_prepare(kind="cn-wages", period="2026-Q1")
    assert str(caught.value) == "Period must be YYYY-MM."


# --- Creators held for their identity -------------------------------------------------------


def _hold(run, creator, *, state="held", hold="identity"):
    """A transfer of ``creator`` in ``run`` (by default held for identity, not re-sent)."""
    return Transfer.objects.create(
        run=run,
        creator=creator,
        amount=D("1.00"),
        currency="CNY",
        state=state,
        hold=hold,
        reason="identity",
    )


@pytest.fixture
def personal_january(db):
    """A personal run of two creators; bea's transfer is held for her identity."""
    ann = creator_make()
    bea = creator_make()
    for creator in (ann, bea):
        earning_make(creator, "1000.00", when=at(2026, 1, 10))
        earning_make(creator, "200.00", when=at(2026, 1, 11), kind="commission")
    run = payout_run_compute(period="2026-01", personal=True)
    return {"run": run, "ann": ann, "bea": bea}


def test_a_held_creator_is_left_out_of_every_kind_and_named_with_what_is_missing(
    personal_january,
):
    run, ann, bea = personal_january["run"], personal_january["ann"], personal_january["bea"]
    _hold(run, bea)
    bea.legal_name, bea.id_number = "", ""
    bea.save()
    labour = tax_export_prepare(kind="cn-labour", period="2026-01")
    assert [row[0] for row in labour.rows()] == [ann.handle]
    assert list(labour.creators()) == [ann]
    assert labour.held() == [
        {"handle": bea.handle, "period": "2026-01", "missing": ["legal name", "ID number"]}
    ]
    assert labour.held_summary() == (
        "Not in this file, held from their run until their identity is on file: "
        f"{bea.handle} 2026-01 (legal name, ID number)."
    )
    platform = tax_export_prepare(kind="platform-income", period="2026-Q1")
    rows = list(platform.rows())
    assert [row[2] for row in rows] == [ann.id_number]
    assert list(platform.creators()) == [ann]
    assert rows[0][8:] == (D("1000.00"), D("1000.00"), D("200.00"), D("200.00"), D("1200.00"))


def test_held_creators_are_listed_by_handle(personal_january):
    run, ann, bea = personal_january["run"], personal_january["ann"], personal_january["bea"]
    _hold(run, bea)
    _hold(run, ann)
    export = tax_export_prepare(kind="cn-labour", period="2026-01")
    assert [h["handle"] for h in export.held()] == sorted([ann.handle, bea.handle])
    assert all(h["missing"] == [] for h in export.held())  # on file since: nothing missing
    first, second = sorted([ann.handle, bea.handle])
    assert export.held_summary() == (
        "Not in this file, held from their run until their identity is on file: "
        f"{first} 2026-01 (); {second} 2026-01 ()."
    )
    assert list(export.rows()) == []


@pytest.mark.parametrize(
    ("state", "hold"),
    [("held", "review"), ("pending", "identity"), ("paid", "")],
)
def test_only_transfers_held_for_identity_leave_a_creator_out(personal_january, state, hold):
    run, bea = personal_january["run"], personal_january["bea"]
    _hold(run, bea, state=state, hold=hold)
    export = tax_export_prepare(kind="cn-labour", period="2026-01")
    assert len(list(export.rows())) == 2
    assert export.held() == [] and export.held_summary() == ""
    platform = tax_export_prepare(kind="platform-income", period="2026-01")
    assert len(list(platform.rows())) == 2


def test_a_hold_re_sent_no_longer_leaves_the_creator_out(personal_january):
    run, bea = personal_january["run"], personal_january["bea"]
    held = _hold(run, bea)
    Transfer.objects.create(run=run, creator=bea, amount=D("1.00"), currency="CNY", replaces=held)
    export = tax_export_prepare(kind="cn-labour", period="2026-01")
    assert len(list(export.rows())) == 2 and export.held() == []


def test_a_hold_in_another_run_does_not_leave_the_creator_out(personal_january):
    bea = personal_january["bea"]
    earning_make(bea, "50.00", when=at(2026, 2, 10))
    february = payout_run_compute(period="2026-02", personal=True)
    _hold(february, bea)
    export = tax_export_prepare(kind="cn-labour", period="2026-01")
    assert len(list(export.rows())) == 2 and export.held() == []
    assert [h["period"] for h in tax_export_prepare(kind="cn-labour", period="2026-02").held()] == [
        "2026-02"
    ]


# --- The registry -----------------------------------------------------------------------------


def test_the_registry_gives_tax_exporters_to_finance_and_the_run_export_to_the_portal():
    assert [e.identifier for e in exporters_all()] == list(EXPORTERS)
    assert "agency-run" not in EXPORTERS and list(PORTAL_EXPORTERS) == ["agency-run"]
    portal = exporter_get("agency-run")
    assert (portal.identifier, portal.sheet, portal.quarters) == ("agency-run", "Payout run", False)
    with pytest.raises(KeyError):
        exporter_get("cn-other")


def test_only_platform_income_takes_a_quarter():
    assert [e.identifier for e in exporters_all() if e.quarters] == ["platform-income"]
    quarterly = exporter_get("platform-income").form_fields()
    monthly = exporter_get("cn-wages").form_fields()
    assert str(quarterly["period"].help_text) == "YYYY-MM or a quarter, e.g. 2026-Q3."
    assert str(monthly["period"].help_text) == "YYYY-MM."
    assert quarterly["period"].max_length == 7 and quarterly["period"].required
    assert monthly["agency"].required is False
    assert [c[0] for c in monthly["format"].choices] == ["csv", "xlsx"]


def test_each_tax_exporter_files_its_regimes():
    assert exporter_get("cn-wages").regimes == ("cn-resident-wages",)
    assert exporter_get("cn-labour").regimes == ("cn-resident-labour", "cn-platform-labour")
    assert exporter_get("cn-nonresident").regimes == (
        "cn-nonresident-wages",
        "cn-nonresident-labour",
    )
    assert exporter_get("platform-income").regimes == ()


def test_rows_started_reads_the_first_row_now_and_keeps_every_row():
    read = []

    def rows():
        for n in range(3):
            read.append(n)
            yield (n,)

    started = rows_started(rows())
    assert read == [0]
    assert list(started) == [(0,), (1,), (2,)]
    assert list(rows_started(iter(()))) == []

    def broken():
        raise ExportError("store down")
        yield  # pragma: no cover

    with pytest.raises(ExportError, match="store down"):
        rows_started(broken())


@pytest.mark.django_db
def test_the_portal_export_is_the_runs_lines(january):
    rows = list(exporter_get("agency-run").rows(january["run"]))
    assert len(rows) == 1
    assert rows[0][0] == "2026-01" and rows[0][1] == january["wages"].handle


def test_the_form_fields_are_labelled():
    fields = exporter_get("cn-wages").form_fields()
    assert [str(fields[name].label) for name in ("period", "agency", "format")] == [
        "Period",
        "Agency",
        "Format",
    ]


# --- More of prepare: the log line and the refusal's list ------------------------------------


def test_prepare_logs_the_kind_period_and_agency(january, caplog):
    caplog.set_level(logging.INFO, logger="payouts.exports")
    tax_export_prepare(kind="cn-wages", period="2026-01", agency_code="harbour")
    tax_export_prepare(kind="cn-wages", period="2026-01")
    assert caplog.messages == [
        "tax export cn-wages 2026-01 agency=harbour",
        "tax export cn-wages 2026-01 agency=-",
    ]


def _nameless_lines(count: int):
    """A computed personal run of 2026-01 with ``count`` lines whose creators lack a name."""
    from agencies.models import Creator
    from payouts.models import PayoutLine
    from tests.factories import CreatorFactory

    run = PayoutRun.objects.create(period="2026-01", scope="personal", state="computed")
    creators = [CreatorFactory(legal_name="", id_document_type="居民身份证") for _ in range(count)]
    Creator.objects.filter(pk__in=[c.pk for c in creators]).update(id_number="E1")
    PayoutLine.objects.bulk_create(
        PayoutLine(
            run=run,
            creator=creator,
            period="2026-01",
            regime="cn-platform-labour",
            currency="CNY",
            fx_rates={},
            earnings_count=1,
            gross=D("1.00"),
            agency_share=D("0"),
            income=D("1.00"),
            taxable_income=D("0"),
            tax=D("0"),
            net=D("1.00"),
            working={},
        )
        for creator in creators
    )
    return sorted(c.handle for c in creators)


@pytest.mark.parametrize(("count", "more"), [(20, ""), (21, "; and 1 more")])
def test_a_refusal_lists_twenty_creators_by_handle_and_counts_the_rest(db, count, more):
    handles = _nameless_lines(count)
    with pytest.raises(ExportError) as caught:
        tax_export_prepare(kind="cn-labour", period="2026-01")
    listed = "; ".join(f"{h} (legal name)" for h in handles[:20])
    assert str(caught.value) == (
        f"{count} creator(s) lack the legal name or identity document a filing needs (the "
        f"display name is never used): {listed}{more}. Complete them and export again."
    )


# --- More of the held list and the lines' order -----------------------------------------------


def test_held_creators_are_listed_by_handle_then_period(db):
    from tests.factories import CreatorFactory

    zed = creator_make()
    amy = creator_make()
    CreatorFactory._meta.model.objects.filter(pk=zed.pk).update(handle="zed")
    CreatorFactory._meta.model.objects.filter(pk=amy.pk).update(handle="amy")
    runs = {}
    for month in (3, 1, 2):  # computed out of order: lines are stored March first
        for creator in (zed, amy):
            earning_make(creator, "10.00", when=at(2026, month, 10))
        runs[month] = payout_run_compute(period=f"2026-{month:02d}", personal=True)
        for creator in (zed, amy):
            _hold(runs[month], creator)
    export = tax_export_prepare(kind="platform-income", period="2026-Q1")
    assert [(h["handle"], h["period"]) for h in export.held()] == [
        ("amy", "2026-01"),
        ("amy", "2026-02"),
        ("amy", "2026-03"),
        ("zed", "2026-01"),
        ("zed", "2026-02"),
        ("zed", "2026-03"),
    ]


def test_lines_of_a_month_come_run_by_run(db):
    # Labour of one month from two runs: the agency's (computed first) holds a creator
    # registered after the personal account's creator; the agency's run comes first.
    agency = agency_make()
    early = creator_make()
    late = creator_make(agency=agency, kind="service")
    earning_make(late, "10.00", when=at(2026, 1, 10))
    earning_make(early, "10.00", when=at(2026, 1, 10))
    agency_run = payout_run_compute(period="2026-01", agency=agency)
    personal_run = payout_run_compute(period="2026-01", personal=True)
    rows = list(tax_export_prepare(kind="cn-labour", period="2026-01").rows())
    assert [(row[0], row[-1]) for row in rows] == [
        (late.handle, f"2026-01 run {agency_run.pk}"),
        (early.handle, f"2026-01 run {personal_run.pk}"),
    ]


# --- More of platform income: folding per creator and agency ----------------------------------


def test_platform_income_folds_each_creator_and_agency_over_the_quarters_runs(db):
    # ann and bea under one agency in January and February: one row each (10 + 20 = 30 of
    # tips, 1 + 2 = 3 of commission). cy: agency in January and March, personal in
    # February: one agency row (5 + 7 = 12) and one personal row (6).
    agency = agency_make()
    ann = creator_make(agency=agency, kind="service")
    bea = creator_make(agency=agency, kind="service")
    cy = creator_make(agency=agency, kind="service")
    for creator in (ann, bea):
        earning_make(creator, "10.00", when=at(2026, 1, 5))
        earning_make(creator, "1.00", when=at(2026, 1, 6), kind="commission")
        earning_make(creator, "20.00", when=at(2026, 2, 5))
        earning_make(creator, "2.00", when=at(2026, 2, 6), kind="commission")
    earning_make(cy, "5.00", when=at(2026, 1, 5))
    earning_make(cy, "6.00", when=at(2026, 2, 5), channel="personal", agency=None)
    earning_make(cy, "7.00", when=at(2026, 3, 5))
    payout_run_compute(period="2026-01", agency=agency)
    payout_run_compute(period="2026-02", personal=True)
    payout_run_compute(period="2026-02", agency=agency)
    payout_run_compute(period="2026-03", agency=agency)
    rows = list(tax_export_prepare(kind="platform-income", period="2026-Q1").rows())
    assert [(row[2], row[4], row[8:]) for row in rows] == [
        (
            ann.id_number,
            agency.legal_name,
            (D("30.00"), D("30.00"), D("3.00"), D("3.00"), D("33.00")),
        ),
        (
            bea.id_number,
            agency.legal_name,
            (D("30.00"), D("30.00"), D("3.00"), D("3.00"), D("33.00")),
        ),
        (
            cy.id_number,
            agency.legal_name,
            (D("12.00"), D("12.00"), D("0.00"), D("0.00"), D("12.00")),
        ),
        (cy.id_number, "", (D("6.00"), D("6.00"), D("0.00"), D("0.00"), D("6.00"))),
    ]
    assert [str(cell) for cell in rows[2][8:]] == ["12.00", "12.00", "0.00", "0.00", "12.00"]


def test_platform_income_of_a_creator_without_a_country_leaves_it_blank(db):
    from agencies.models import Creator

    dee = creator_make()
    Creator.objects.filter(pk=dee.pk).update(country="")
    earning_make(dee, "10.00", when=at(2026, 1, 5))
    payout_run_compute(period="2026-01", personal=True)
    [row] = list(tax_export_prepare(kind="platform-income", period="2026-01").rows())
    assert row[3:8] == ("", "", "", "2026-01", "CNY")


def test_platform_income_converts_each_run_at_its_own_lines_rate(db):
    # USD 10.00 in January at 7.0 = 70.00 and USD 10.00 in February at 8.0 = 80.00:
    # 150.00 of tips for the quarter. In the same January run another creator had only
    # EUR (9.0): each line's own rates are used, never another creator's.
    from .factories import payout_rate_make

    payout_rate_make(base="USD", rate="7.0", as_of=date(2026, 1, 1))
    payout_rate_make(base="USD", rate="8.0", as_of=date(2026, 2, 1))
    payout_rate_make(base="EUR", rate="9.0", as_of=date(2026, 1, 1))
    eve = creator_make()  # registered first: her line comes first in the run
    fay = creator_make()
    earning_make(eve, "1.00", when=at(2026, 1, 5), currency="EUR")
    earning_make(fay, "10.00", when=at(2026, 1, 5), currency="USD")
    payout_run_compute(period="2026-01", personal=True)
    earning_make(fay, "10.00", when=at(2026, 2, 5), currency="USD")
    payout_run_compute(period="2026-02", personal=True)
    rows = list(tax_export_prepare(kind="platform-income", period="2026-Q1").rows())
    assert [(row[2], row[8]) for row in rows] == [
        (eve.id_number, D("9.00")),
        (fay.id_number, D("150.00")),
    ]


def test_a_non_resident_line_without_a_rate_in_its_working_shows_zero(db):
    from agencies.models import Creator
    from payouts.models import PayoutLine

    gus = creator_make(residency="non_resident")
    run = PayoutRun.objects.create(period="2026-01", scope="personal", state="computed")
    PayoutLine.objects.create(
        run=run,
        creator=gus,
        period="2026-01",
        regime="cn-nonresident-labour",
        currency="CNY",
        fx_rates={},
        earnings_count=1,
        gross=D("100.00"),
        agency_share=D("0"),
        income=D("100.00"),
        taxable_income=D("0"),
        tax=D("0"),
        net=D("100.00"),
        working={},
    )
    assert Creator.objects.get(pk=gus.pk).tax_residency == "non_resident"
    [row] = list(tax_export_prepare(kind="cn-nonresident", period="2026-01").rows())
    assert row[44] == D("0") and row[-1] == f"2026-01 run {run.pk}"
    assert row[43] == D("0.00") and row[7] == D("100.00")
