"""Payout runs (payouts.runs), rule by rule: periods and refusals, rates, rounding, the
cumulative history, the line's ledger entry, the run's record of its take and the monthly
computing of every scope. Figures are worked in comments.
"""

import logging
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from payouts.models import Earning, Entry, PayoutRun
from payouts.runs import (
    PayoutRunError,
    PayoutRunFailed,
    PayoutRunRefused,
    _take_record,
    payout_run_approve,
    payout_run_compute,
    payout_run_fail,
    payout_runs_compute_for_period,
    period_bounds,
    period_previous,
)
from tax.withholding import Payment, withhold
from tests.factories import RateFactory

from .factories import agency_make, at, creator_make, earning_make, payout_rate_make

pytestmark = pytest.mark.django_db

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def postings(run, creator):
    """The line's ledger entry as sorted (account, currency, amount) legs."""
    entry = Entry.objects.get(reference=f"payout-line:{run.pk}:{creator.pk}")
    assert entry.kind == "payout_line"
    assert entry.description == f"payout {run.period} creator {creator.pk}"
    return sorted((p.account, p.currency, p.amount) for p in entry.postings.all())


def legs(*rows):
    return sorted((account, currency, D(amount)) for account, currency, amount in rows)


# --- Periods and refusals -------------------------------------------------------------------


def test_periods_are_months_of_the_shanghai_calendar():
    assert period_bounds(period="2026-01") == (
        datetime(2026, 1, 1, tzinfo=SHANGHAI),
        datetime(2026, 2, 1, tzinfo=SHANGHAI),
    )
    assert period_previous(today=date(2026, 3, 1)) == "2026-02"
    assert period_previous(today=date(2026, 1, 31)) == "2025-12"
    with pytest.raises(PayoutRunRefused) as caught:
        period_bounds(period="2026-13")
    assert str(caught.value) == "Period must be YYYY-MM."


@pytest.mark.parametrize(("agency", "personal"), [(True, True), (False, False)])
def test_exactly_one_scope(agency, personal):
    with pytest.raises(PayoutRunRefused) as caught:
        payout_run_compute(
            period="2026-01", agency=agency_make() if agency else None, personal=personal
        )
    assert str(caught.value) == "Give exactly one scope: an agency or personal accounts."
    assert not PayoutRun.objects.exists()


def test_a_run_can_be_computed_from_the_first_instant_after_its_period():
    earning_make(creator_make(), "10.00", when=at(2026, 1))
    _, end = period_bounds(period="2026-01")
    with pytest.raises(PayoutRunRefused) as caught:
        payout_run_compute(period="2026-01", personal=True, now=end - timedelta(microseconds=1))
    assert str(caught.value) == (
        "Period 2026-01 is not over yet: a run can be computed from 2026-02-01."
    )
    run = payout_run_compute(period="2026-01", personal=True, now=end)
    assert (run.state, run.scope, run.agency_id) == ("computed", "personal", None)
    assert run.computed_at == end
    assert list(run.state_changes.values_list("to_state", "at")) == [
        ("draft", end),
        ("computed", end),
    ]


def test_an_agency_run_is_scoped_to_the_agency():
    agency = agency_make()
    earning_make(creator_make(agency=agency, kind="service"), "10.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", agency=agency)
    assert (run.scope, run.agency_id) == ("agency", agency.pk)


def test_a_missing_rate_names_the_first_currency_the_kind_and_the_last_day():
    ada = creator_make()
    for currency in ("USD", "EUR"):
        earning_make(ada, "10.00", when=at(2026, 2), currency=currency)
    with pytest.raises(PayoutRunRefused) as caught:
        payout_run_compute(period="2026-02", personal=True)
    assert str(caught.value) == (
        "No customs rate from EUR to CNY on 2026-02-28: add the rate first."
    )


# --- Rates and rounding -----------------------------------------------------------------------


def test_the_rate_in_force_on_the_last_day_of_the_period_is_used():
    # 2026-01-31 is the last day: its rate (7.2) wins over the 30th's (7.1); 10 USD = 72.00.
    payout_rate_make(base="USD", rate="7.1", as_of=date(2026, 1, 30))
    payout_rate_make(base="USD", rate="7.2", as_of=date(2026, 1, 31))
    ada = creator_make()
    earning_make(ada, "10.00", when=at(2026, 1), currency="USD")
    line = payout_run_compute(period="2026-01", personal=True).lines.get()
    assert (line.gross, line.fx_rates) == (D("72.00"), {"USD": "7.2000000000"})


def test_an_inverse_rate_is_rounded_to_ten_places_half_up():
    # Only CNY -> USD is on file: 1 CNY = 2048 USD, so 1 USD = 1/2048 = 0.00048828125 CNY,
    # rounded to 0.0004882813 (half-even would give ...812). 100,000,000.00 USD at that
    # rate = 48,828.13 CNY (at ...812 it would be 48,828.12).
    RateFactory(kind="customs", base="CNY", quote="USD", rate=D("2048"), as_of=date(2026, 1, 1))
    ada = creator_make()
    earning_make(ada, "100000000.00", when=at(2026, 1), currency="USD")
    line = payout_run_compute(period="2026-01", personal=True).lines.get()
    assert line.fx_rates == {"USD": "0.0004882813"}
    assert line.gross == D("48828.13")


def test_each_currency_is_converted_and_rounded_half_up_before_the_sum():
    # USD 0.01 x 0.5 = 0.005 -> 0.01; EUR 0.01 x 0.5 = 0.005 -> 0.01; plus 1.00 CNY = 1.02
    # (converting the summed 0.02 once would give 0.01 + 1.00 = 1.01).
    payout_rate_make(base="USD", rate="0.5")
    payout_rate_make(base="EUR", rate="0.5")
    ada = creator_make()
    earning_make(ada, "0.01", when=at(2026, 1), currency="USD")
    earning_make(ada, "0.01", when=at(2026, 1), currency="EUR")
    earning_make(ada, "1.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", personal=True)
    line = run.lines.get()
    assert line.gross == D("1.02")
    assert line.fx_rates == {"EUR": "0.5000000000", "USD": "0.5000000000"}
    assert line.earnings_count == 3
    # Cleared per currency, bridged to CNY at the converted amounts, paid net in CNY
    # (1.02 under the threshold: no tax).
    assert postings(run, ada) == legs(
        ("creator_earned", "CNY", "1.00"),
        ("creator_earned", "EUR", "0.01"),
        ("fx_conversion", "EUR", "-0.01"),
        ("fx_conversion", "CNY", "0.01"),
        ("creator_earned", "USD", "0.01"),
        ("fx_conversion", "USD", "-0.01"),
        ("fx_conversion", "CNY", "0.01"),
        ("creator_payable", "CNY", "-1.02"),
    )


def test_zero_legs_are_left_out_of_the_entry():
    # CNY +10 and -10 net to nothing (no CNY clearing leg); USD 0.01 x 0.4 = 0.004 -> 0.00
    # (no CNY bridge leg); the rest is USD 20.00 x 0.4 = 8.00.
    payout_rate_make(base="USD", rate="0.4")
    ada = creator_make()
    original = earning_make(ada, "10.00", when=at(2026, 1))
    earning_make(ada, "-10.00", when=at(2026, 1), reverses=original)
    earning_make(ada, "20.00", when=at(2026, 1), currency="USD")
    run = payout_run_compute(period="2026-01", personal=True)
    assert run.lines.get().gross == D("8.00")
    assert postings(run, ada) == legs(
        ("creator_earned", "USD", "20.00"),
        ("fx_conversion", "USD", "-20.00"),
        ("fx_conversion", "CNY", "8.00"),
        ("creator_payable", "CNY", "-8.00"),
    )


def test_the_agency_share_is_rounded_half_up_to_the_fen():
    # 0.05 x 50 % = 0.025 -> 0.03 (half-even: 0.02); the creator's income 0.02.
    agency = agency_make(share="0.5")
    bo = creator_make(agency=agency, kind="service")
    earning_make(bo, "0.05", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", agency=agency)
    line = run.lines.get()
    assert (line.gross, line.agency_share, line.income, line.tax, line.net) == (
        D("0.05"),
        D("0.03"),
        D("0.02"),
        D("0.00"),
        D("0.02"),
    )
    assert postings(run, bo) == legs(
        ("creator_earned", "CNY", "0.05"),
        ("agency_payable", "CNY", "-0.03"),
        ("creator_payable", "CNY", "-0.02"),
    )
    assert (
        Entry.objects.get(reference=f"payout-line:{run.pk}:{bo.pk}")
        .postings.get(account="agency_payable")
        .agency_id
        == agency.pk
    )


def test_a_line_with_tax_credits_tax_payable():
    # Personal, resident: 10,000 of platform labour; the engine's tax for the month.
    ada = creator_make()
    earning_make(ada, "10000.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", personal=True)
    line = run.lines.get()
    expected = withhold("cn-platform-labour", [Payment(period="2026-01", gross=D("10000.00"))])
    assert line.tax == expected[-1].tax and line.tax > 0
    assert line.taxable_income == expected[-1].taxable_income
    assert line.net == D("10000.00") - line.tax
    assert line.working == expected[-1].as_dict()
    assert postings(run, ada) == legs(
        ("creator_earned", "CNY", "10000.00"),
        ("tax_payable", "CNY", -line.tax),
        ("creator_payable", "CNY", -line.net),
    )


# --- Regime and the cumulative history ------------------------------------------------------


def test_employment_wins_when_a_month_mixes_contract_kinds():
    agency = agency_make()
    cy = creator_make(agency=agency, kind="service")
    earning_make(cy, "100.00", when=at(2026, 1), contract_kind="service")
    earning_make(cy, "100.00", when=at(2026, 1), contract_kind="employment")
    line = payout_run_compute(period="2026-01", agency=agency).lines.get()
    assert line.regime == "cn-resident-wages" and line.earnings_count == 2


def test_history_is_the_same_regime_earlier_in_the_same_tax_year_only():
    # Wages of 20,000 less 20 % = 16,000 a month. December 2025 is another tax year; the
    # January labour of a personal account is another regime; April, computed before
    # February and March (their earnings arrive later), is a later period. So February
    # counts January only, March January and February.
    agency = agency_make()
    di = creator_make(agency=agency, kind="employment")

    def month(year, number):
        earning_make(di, "20000.00", when=at(year, number))
        return payout_run_compute(period=f"{year}-{number:02d}", agency=agency).lines.get()

    month(2025, 12)
    month(2026, 1)
    earning_make(di, "5000.00", when=at(2026, 1), channel="personal", agency=None)
    payout_run_compute(period="2026-01", personal=True)
    month(2026, 4)
    february, march = month(2026, 2), month(2026, 3)
    payments = [Payment(period=f"2026-0{n}", gross=D("16000.00")) for n in (1, 2, 3)]
    expected = withhold("cn-resident-wages", payments)
    assert (february.tax, february.working) == (expected[1].tax, expected[1].as_dict())
    assert (march.tax, march.working) == (expected[2].tax, expected[2].as_dict())
    assert march.working != february.working  # cumulative: March counts three months


# --- Approving and failing ------------------------------------------------------------------


def test_approving_names_the_state_of_a_run_that_is_not_computed():
    run = PayoutRun.objects.create(period="2026-01", scope="personal", state="failed")
    with pytest.raises(PayoutRunError) as caught:
        payout_run_approve(run=run, user=None)
    assert str(caught.value) == ("Only a computed payout run can be approved; this one is failed.")


def test_a_failure_is_recorded_cut_to_2000_characters_but_never_on_a_computed_run():
    draft = PayoutRun.objects.create(period="2026-01", scope="personal")
    payout_run_fail(run_id=draft.pk, reason="x" * 2500)
    draft.refresh_from_db()
    assert draft.state == "failed" and draft.failure_reason == "x" * 2000
    earning_make(creator_make(), "10.00", when=at(2026, 2))
    computed = payout_run_compute(period="2026-02", personal=True)
    payout_run_fail(run_id=computed.pk, reason="late")
    computed.refresh_from_db()
    assert (computed.state, computed.failure_reason) == ("computed", "")


def test_a_failure_while_computing_is_recorded_with_its_type_and_logged(monkeypatch, caplog):
    import payouts.runs

    earning_make(creator_make(), "100.00", when=at(2026, 1))

    def broken(**kwargs):
        raise RuntimeError("ledger down")

    monkeypatch.setattr(payouts.runs, "ledger_entries_post", broken)
    caplog.set_level(logging.ERROR, logger="payouts.runs")
    with pytest.raises(PayoutRunFailed) as caught:
        payout_run_compute(period="2026-01", personal=True)
    run = PayoutRun.objects.get()
    assert str(caught.value) == (
        "Payout run 2026-01 failed, nothing was written: RuntimeError: ledger down"
    )
    assert (run.state, run.failure_reason) == ("failed", "RuntimeError: ledger down")
    assert [r.getMessage() for r in caplog.records] == [f"payout run {run.pk} failed"]


# --- The run's record of its take -----------------------------------------------------------


def test_the_record_counts_the_take_and_the_creators_left_out():
    ada, bea = creator_make(), creator_make()
    earning_make(ada, "10.00", when=at(2026, 1))
    earning_make(ada, "5.00", when=at(2026, 1))
    original = earning_make(bea, "10.00", when=at(2026, 1), state="in_run")
    earning_make(bea, "-10.00", when=at(2026, 1), reverses=original)
    run = payout_run_compute(period="2026-01", personal=True)
    assert run.state_changes.get(to_state="computed").reason == (
        "Earnings taken (available → in_run): 2. Creators left out, their sum is not positive: 1."
    )


def test_the_record_names_held_creators_by_handle_up_to_a_hundred():
    held = {n: [f"c{n:03d}", "legal name"] for n in range(101)}
    record = _take_record(count=7, left_out=0, held=held)
    assert record.startswith("Earnings taken (available → in_run): 7. Creators held")
    assert "(101): c000: Held until" in record
    assert "c099: Held until" in record and "c100:" not in record
    assert record.endswith("(missing: legal name).; and 1 more")
    del held[100]
    assert _take_record(count=7, left_out=0, held=held).endswith(
        "c099: "
        + ("Held until the creator's identity for the tax filing is on file (missing: legal name).")
    )
    listed = _take_record(count=0, left_out=2, held={5: ["b", "ID number"], 9: ["a", "ID type"]})
    assert listed == (
        "Earnings taken (available → in_run): 0. "
        "Creators left out, their sum is not positive: 2. "
        "Creators held, their earnings stay available (2): "
        "a: Held until the creator's identity for the tax filing is on file "
        "(missing: ID type).; "
        "b: Held until the creator's identity for the tax filing is on file "
        "(missing: ID number)."
    )


def test_an_agency_run_holds_only_creators_missing_part_of_their_identity():
    agency = agency_make()
    ok = creator_make(agency=agency, kind="service")
    nameless = creator_make(agency=agency, kind="service")
    nameless.legal_name = ""
    nameless.save()
    earning_make(ok, "10.00", when=at(2026, 1))
    kept = earning_make(nameless, "10.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", agency=agency)
    assert list(run.lines.values_list("creator_id", flat=True)) == [ok.pk]
    assert Earning.objects.get(pk=kept.pk).state == "available"
    assert run.state_changes.get(to_state="computed").reason == (
        "Earnings taken (available → in_run): 1. "
        "Creators held, their earnings stay available (1): "
        f"{nameless.handle}: Held until the creator's identity for the tax filing is on file "
        "(missing: legal name)."
    )


# --- The monthly computing of every scope ---------------------------------------------------


def test_every_scope_is_computed_and_a_refused_one_does_not_stop_the_others(caplog):
    first, broken, last = agency_make(code="a1"), agency_make(code="a2"), agency_make(code="a3")
    earning_make(creator_make(agency=first, kind="service"), "10.00", when=at(2026, 1))
    earning_make(
        creator_make(agency=broken, kind="service"), "10.00", when=at(2026, 1), currency="USD"
    )
    earning_make(creator_make(agency=last, kind="service"), "10.00", when=at(2026, 1))
    earning_make(creator_make(), "10.00", when=at(2026, 1))
    earning_make(creator_make(agency=first, kind="service"), "10.00", when=at(2026, 2))
    caplog.set_level(logging.ERROR, logger="payouts.runs")
    done = payout_runs_compute_for_period(period="2026-01")
    runs = {(r.agency_id, r.scope): r for r in PayoutRun.objects.all()}
    assert done == [
        runs[(first.pk, "agency")].pk,
        runs[(last.pk, "agency")].pk,
        runs[(None, "personal")].pk,
    ]
    assert (broken.pk, "agency") not in runs
    assert [r.getMessage() for r in caplog.records] == [
        f"payout run 2026-01 ({broken.legal_name}) not computed"
    ]
    assert all(r.period == "2026-01" and r.state == "computed" for r in runs.values())


def test_nothing_available_in_the_period_computes_nothing():
    earning_make(creator_make(), "10.00", when=at(2026, 2))
    earning_make(creator_make(), "10.00", when=at(2026, 1), state="pending")
    assert payout_runs_compute_for_period(period="2026-01") == []
    assert not PayoutRun.objects.exists()


# --- What was taken must be what was totalled ---------------------------------------------------


def _between_totals_and_take(monkeypatch, act):
    """Run ``act`` after the run has totalled the earnings and before it takes them."""
    import payouts.runs

    history_load = payouts.runs._history_load

    def hooked(**kwargs):
        act()
        return history_load(**kwargs)

    monkeypatch.setattr(payouts.runs, "_history_load", hooked)


@pytest.mark.parametrize("change", ["arrives", "leaves"])
def test_earnings_changed_between_totals_and_take_fail_the_run_naming_the_creator(
    monkeypatch, change
):
    # ann's earnings are totalled; before the take one more arrives (ann is then taken
    # with more than was totalled) or hers all leave (ann is not taken at all).
    from payouts.services import earnings_state_move

    ann, bob = creator_make(), creator_make()
    first = earning_make(ann, "100.00", when=at(2026, 1))
    earning_make(bob, "100.00", when=at(2026, 1))
    if change == "arrives":
        _between_totals_and_take(
            monkeypatch, lambda: earning_make(ann, "5.00", when=at(2026, 1, 20))
        )
    else:
        _between_totals_and_take(
            monkeypatch,
            lambda: earnings_state_move(earning_ids=[first.pk], to_state="reversed"),
        )
    with pytest.raises(PayoutRunFailed) as caught:
        payout_run_compute(period="2026-01", personal=True)
    reason = (
        f"PayoutRunError: The earnings of creator {ann.pk} changed while the run was "
        "computed; compute it again."
    )
    assert str(caught.value) == f"Payout run 2026-01 failed, nothing was written: {reason}"
    assert PayoutRun.objects.get().failure_reason == reason


def test_a_refused_personal_scope_is_logged_as_personal(caplog):
    earning_make(creator_make(), "10.00", when=at(2026, 1), currency="USD")  # no rate
    caplog.set_level(logging.ERROR, logger="payouts.runs")
    assert payout_runs_compute_for_period(period="2026-01") == []
    assert [r.getMessage() for r in caplog.records] == [
        "payout run 2026-01 (personal) not computed"
    ]


def test_an_agency_run_of_a_period_whose_personal_run_exists_is_its_own_run():
    agency = agency_make()
    earning_make(creator_make(), "10.00", when=at(2026, 1))
    earning_make(creator_make(agency=agency, kind="service"), "20.00", when=at(2026, 1))
    personal = payout_run_compute(period="2026-01", personal=True)
    mine = payout_run_compute(period="2026-01", agency=agency)
    assert mine.pk != personal.pk
    assert (mine.scope, mine.agency_id, mine.state) == ("agency", agency.pk, "computed")
    assert mine.lines.get().gross == D("20.00")


def test_a_creator_whose_available_earnings_sum_to_exactly_zero_is_left_out():
    ada, bea = creator_make(), creator_make()
    earning_make(ada, "10.00", when=at(2026, 1))
    original = earning_make(bea, "10.00", when=at(2026, 1))
    reversal = earning_make(bea, "-10.00", when=at(2026, 1), reverses=original)
    run = payout_run_compute(period="2026-01", personal=True)
    assert list(run.lines.values_list("creator_id", flat=True)) == [ada.pk]
    states = Earning.objects.filter(pk__in=[original.pk, reversal.pk])
    assert set(states.values_list("state", flat=True)) == {"available"}
    assert run.state_changes.get(to_state="computed").reason == (
        "Earnings taken (available → in_run): 1. Creators left out, their sum is not positive: 1."
    )


def test_a_currency_sorting_before_cny_is_added_to_the_gross_not_replaced():
    # AUD 10.00 x 5 = 50.00, plus CNY 1.00: gross 51.00, whichever currency comes first.
    payout_rate_make(base="AUD", rate="5")
    ada = creator_make()
    earning_make(ada, "10.00", when=at(2026, 1), currency="AUD")
    earning_make(ada, "1.00", when=at(2026, 1))
    line = payout_run_compute(period="2026-01", personal=True).lines.get()
    assert (line.gross, line.fx_rates) == (D("51.00"), {"AUD": "5.0000000000"})


def test_a_currency_arriving_after_the_rate_check_fails_the_run(monkeypatch):
    # Rates are looked up before the run is created; a USD earning arriving in between
    # has none: the run fails, naming the currency, and nothing is written.
    import payouts.runs

    ada = creator_make()
    earning_make(ada, "10.00", when=at(2026, 1))
    create = payouts.runs._run_get_or_create

    def arriving(**kwargs):
        earning_make(ada, "1.00", when=at(2026, 1, 20), currency="USD")
        return create(**kwargs)

    monkeypatch.setattr(payouts.runs, "_run_get_or_create", arriving)
    with pytest.raises(PayoutRunFailed) as caught:
        payout_run_compute(period="2026-01", personal=True)
    assert str(caught.value) == (
        "Payout run 2026-01 failed, nothing was written: PayoutRunError: No rate for USD."
    )
    assert not PayoutRun.objects.get().lines.exists()


def test_lines_of_a_run_that_failed_after_computing_are_not_earlier_withholding():
    # January computed (16,000 of wages) and then failed: February withholds as if it were
    # the first month of the year.
    agency = agency_make()
    di = creator_make(agency=agency, kind="employment")
    earning_make(di, "20000.00", when=at(2026, 1))
    january = payout_run_compute(period="2026-01", agency=agency)
    PayoutRun.objects.filter(pk=january.pk).update(state="failed")
    earning_make(di, "20000.00", when=at(2026, 2))
    february = payout_run_compute(period="2026-02", agency=agency).lines.get()
    alone = withhold("cn-resident-wages", [Payment(period="2026-02", gross=D("16000.00"))])
    assert february.working == alone[-1].as_dict()


def test_of_several_creators_whose_earnings_left_the_lowest_id_is_named(monkeypatch):
    # ann, bob and cy are totalled; before the take all of cy's and bob's earnings are
    # reversed: neither is taken. The run fails naming one of them, the lowest id (bob),
    # so the message is the same whichever order the rows come back in.
    from payouts.services import earnings_state_move

    ann, bob, cy = creator_make(), creator_make(), creator_make()
    earning_make(ann, "100.00", when=at(2026, 1))
    leaving = [earning_make(c, "100.00", when=at(2026, 1)).pk for c in (cy, bob)]
    _between_totals_and_take(
        monkeypatch, lambda: earnings_state_move(earning_ids=leaving, to_state="reversed")
    )
    with pytest.raises(PayoutRunFailed) as caught:
        payout_run_compute(period="2026-01", personal=True)
    assert f"The earnings of creator {bob.pk} changed" in str(caught.value)
    assert bob.pk < cy.pk


def test_a_run_created_by_another_worker_between_look_up_and_create_is_the_one_computed(
    monkeypatch,
):
    # Two workers compute one scope: both look the run up and find none; the other one
    # creates it first, so this worker's create breaks the unique constraint and it takes
    # the run the other created: of this agency and period, not another scope's.
    from django.db.models import QuerySet

    harbour, other = agency_make(), agency_make(code="other")
    earning_make(creator_make(agency=harbour), "100.00", when=at(2026, 1))
    PayoutRun.objects.create(period="2026-01", scope="personal", agency=None)
    PayoutRun.objects.create(period="2026-01", scope="agency", agency=other)
    created_first = PayoutRun.objects.create(period="2026-01", scope="agency", agency=harbour)
    first, missed = QuerySet.first, []

    def not_found_once(queryset):  # the look-up ran before the other worker's create
        if queryset.model is PayoutRun and not missed:
            missed.append(queryset)
            return None
        return first(queryset)

    monkeypatch.setattr(QuerySet, "first", not_found_once)
    run = payout_run_compute(period="2026-01", agency=harbour)
    assert (len(missed), run.pk, run.state) == (1, created_first.pk, "computed")
    assert run.lines.get().gross == D("100.00")
    assert PayoutRun.objects.filter(period="2026-01").count() == 3
