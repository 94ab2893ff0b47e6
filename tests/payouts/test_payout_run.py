import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from payouts.models import (
    Earning,
    EarningStateChange,
    Entry,
    PayoutLine,
    PayoutRun,
    PayoutRunStateChange,
    Posting,
)
from payouts.runs import (
    PayoutRunError,
    PayoutRunFailed,
    PayoutRunRefused,
    payout_run_approve,
    payout_run_compute,
    regime_for,
)
from payouts.states import earning_moves
from payouts.tasks import payout_runs_monthly
from tax.withholding import Payment, withhold

from .factories import agency_make, at, creator_make, earning_make, payout_rate_make

D = Decimal


def postings_of(line):
    """The line's entry as {account: amount}, for lines whose earnings are all in CNY."""
    entry = Entry.objects.get(reference=f"payout-line:{line.run_id}:{line.creator_id}")
    postings = list(entry.postings.all())
    assert {p.currency for p in postings} == {"CNY"}
    return {p.account: p.amount for p in postings}


def line_entries():
    return Entry.objects.filter(kind="payout_line")


@pytest.mark.django_db
def test_wages_under_an_agency_withhold_cumulatively_across_two_runs():
    agency = agency_make(share="0.2")
    lily = creator_make(agency=agency, kind="employment")
    earning_make(lily, "12000.00", when=at(2026, 1, 10))
    earning_make(lily, "8000.00", when=at(2026, 1, 20))
    earning_make(lily, "30000.00", when=at(2026, 2, 10))

    january = payout_run_compute(period="2026-01", agency=agency)
    line = january.lines.get()
    assert january.state == "computed"
    assert (line.regime, line.earnings_count) == ("cn-resident-wages", 2)
    # 20,000 gross; the agency takes 20% (4,000); wages 16,000 - 5,000 basic = 11,000 × 3%.
    assert (line.gross, line.agency_share, line.income) == (D("20000"), D("4000"), D("16000"))
    assert (line.taxable_income, line.tax, line.net) == (D("11000"), D("330.00"), D("15670.00"))
    assert line.working["rate"] == "0.03" and line.working["regime"] == "cn-resident-wages"
    # The line clears the accrued earnings (creator_earned) into the agency, tax and creator.
    assert postings_of(line) == {
        "creator_earned": D("20000.00"),
        "agency_payable": D("-4000.00"),
        "tax_payable": D("-330.00"),
        "creator_payable": D("-15670.00"),
    }

    february = payout_run_compute(period="2026-02", agency=agency).lines.get()
    # Cumulative: (16,000 + 24,000) - 10,000 = 30,000 × 3% = 900, less 330 withheld = 570.
    expected = withhold(
        "cn-resident-wages",
        [Payment(period="2026-01", gross=D("16000")), Payment(period="2026-02", gross=D("24000"))],
    )[-1]
    assert february.tax == expected.tax == D("570.00")
    assert february.working["cumulative_income"] == "40000.00"
    assert february.working["already_withheld"] == "330.00"


@pytest.mark.django_db
def test_a_service_contract_is_labour_per_payment():
    agency = agency_make(share="0.2")
    sam = creator_make(agency=agency, kind="service")
    earning_make(sam, "5000.00", when=at(2026, 1))
    line = payout_run_compute(period="2026-01", agency=agency).lines.get()
    # 4,000 after the agency's 20%: 4,000 - 800 = 3,200 × 20% = 640.
    assert line.regime == "cn-resident-labour"
    assert (line.income, line.tax, line.net) == (D("4000.00"), D("640.00"), D("3360.00"))


@pytest.mark.django_db
def test_a_personal_account_is_platform_labour_withheld_by_the_platform():
    ada = creator_make()
    earning_make(ada, "10000.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", personal=True)
    line = run.lines.get()
    expected = withhold("cn-platform-labour", [Payment(period="2026-01", gross=D("10000"))])[0]
    assert line.regime == "cn-platform-labour"
    assert line.agency_share == 0
    # 10,000 - 20% expense - 5,000 = 3,000 × 3% = 90.
    assert line.tax == expected.tax == D("90.00")
    assert postings_of(line) == {
        "creator_earned": D("10000.00"),
        "tax_payable": D("-90.00"),
        "creator_payable": D("-9910.00"),
    }


@pytest.mark.django_db
def test_a_non_resident_personal_account_is_non_resident_labour():
    noa = creator_make(residency="non_resident")
    earning_make(noa, "10000.00", when=at(2026, 1))
    line = payout_run_compute(period="2026-01", personal=True).lines.get()
    # 10,000 × 80% = 8,000 × 10% - 210 = 590 (monthly table).
    assert line.regime == "cn-nonresident-labour"
    assert line.tax == D("590.00")


@pytest.mark.parametrize(
    ("kind", "residency", "personal", "regime"),
    [
        ("employment", "resident", False, "cn-resident-wages"),
        ("employment", "non_resident", False, "cn-nonresident-wages"),
        ("service", "resident", False, "cn-resident-labour"),
        ("service", "non_resident", False, "cn-nonresident-labour"),
        ("", "resident", True, "cn-platform-labour"),
        ("", "non_resident", True, "cn-nonresident-labour"),
    ],
)
def test_regime_from_contract_and_residency(kind, residency, personal, regime):
    assert regime_for(contract_kind=kind, residency=residency, personal=personal) == regime


@pytest.mark.django_db
def test_a_usd_earning_is_converted_with_the_recorded_payout_rate():
    payout_rate_make(base="USD", rate="7.1234", as_of=date(2026, 1, 5))
    payout_rate_make(base="USD", rate="9.9999", as_of=date(2026, 2, 1))  # after the period
    ada = creator_make()
    earning_make(ada, "100.00", when=at(2026, 1), currency="USD")
    earning_make(ada, "0.05", when=at(2026, 1), currency="USD")
    earning_make(ada, "100.00", when=at(2026, 1))
    line = payout_run_compute(period="2026-01", personal=True).lines.get()
    # 100.05 USD × 7.1234 = 712.696... → 712.70 (half-up), plus 100 CNY.
    assert line.gross == D("812.70")
    assert line.currency == "CNY"
    assert line.fx_rates == {"USD": "7.1234000000"}


@pytest.mark.django_db
def test_a_currency_without_a_rate_is_refused_and_nothing_is_written():
    ada = creator_make()
    earning_make(ada, "100.00", when=at(2026, 1), currency="EUR")
    with pytest.raises(PayoutRunRefused, match="No customs rate from EUR to CNY on 2026-01-31"):
        payout_run_compute(period="2026-01", personal=True)
    assert not PayoutRun.objects.exists()
    assert not line_entries().exists() and not PayoutLine.objects.exists()
    assert Earning.objects.get().state == "available"


@pytest.mark.django_db
def test_a_period_not_over_is_refused(capsys):
    ada = creator_make()
    earning_make(ada, "100.00", when=at(2026, 1))
    with pytest.raises(PayoutRunRefused, match="not over yet"):
        payout_run_compute(period="2026-02", personal=True, now=at(2026, 2, 28, 23))
    with pytest.raises(CommandError, match="not over yet"):
        call_command("payout_run", "--period", "2999-01", "--personal")
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("payout_run", "--period", "2026-13", "--personal")
    assert not PayoutRun.objects.exists()


@pytest.mark.django_db
def test_the_command_computes_a_run(capsys):
    agency = agency_make(code="harbour")
    earning_make(creator_make(agency=agency, kind="service"), "10.00", when=at(2026, 1))
    call_command("payout_run", "--period", "2026-01", "--agency", "harbour")
    assert "1 lines" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Unknown agency"):
        call_command("payout_run", "--period", "2026-01", "--agency", "nobody")
    call_command("ledger_check")


@pytest.mark.django_db
def test_the_run_takes_only_its_scope_and_period_and_records_every_move():
    agency = agency_make()
    mine = creator_make()
    theirs = creator_make(agency=agency, kind="service")
    taken = [
        earning_make(mine, "60.00", when=at(2025, 12, 30)),  # an earlier month's leftover
        earning_make(mine, "40.00", when=at(2026, 1, 31, 23)),
    ]
    later = earning_make(mine, "5.00", when=at(2026, 2, 1, 0))
    pending = earning_make(mine, "5.00", when=at(2026, 1), state="pending")
    other = earning_make(theirs, "5.00", when=at(2026, 1))

    run = payout_run_compute(period="2026-01", personal=True)
    assert run.lines.get().gross == D("100.00")
    states = dict(Earning.objects.values_list("id", "state"))
    assert [states[e.pk] for e in taken] == ["in_run", "in_run"]
    assert states[later.pk] == states[other.pk] == "available"
    assert states[pending.pk] == "pending"
    assert set(Earning.objects.filter(payout_run=run).values_list("id", flat=True)) == {
        e.pk for e in taken
    }
    # Recorded set-wise (payouts.states): each taken earning has one move to in_run, from
    # available, at the run's computing; the others have none.
    everyone = [*taken, later, pending, other]
    moves = earning_moves(earning_ids=[e.pk for e in everyone])
    in_run = {pk: [m for m in found if m.to_state == "in_run"] for pk, found in moves.items()}
    assert sorted(pk for pk, found in in_run.items() if found) == sorted(e.pk for e in taken)
    assert {(m.from_state, len(in_run[pk])) for pk in in_run for m in in_run[pk]} == {
        ("available", 1)
    }
    assert {m.at for found in in_run.values() for m in found} == {run.computed_at}
    assert (
        "Earnings taken (available → in_run): 2."
        in run.state_changes.get(to_state="computed").reason
    )
    assert list(run.state_changes.values_list("from_state", "to_state")) == [
        ("", "draft"),
        ("draft", "computed"),
    ]


@pytest.mark.django_db
def test_a_creator_whose_month_nets_to_nothing_gets_no_line():
    ada, bea = creator_make(), creator_make()
    earning_make(ada, "10.00", when=at(2026, 1))
    original = earning_make(bea, "10.00", when=at(2026, 1), state="in_run")
    earning_make(bea, "-10.00", when=at(2026, 1), reverses=original)
    run = payout_run_compute(period="2026-01", personal=True)
    assert list(run.lines.values_list("creator_id", flat=True)) == [ada.pk]
    assert Earning.objects.get(creator=bea, amount__lt=0).state == "available"


@pytest.mark.django_db
def test_computing_a_computed_run_again_changes_nothing():
    ada = creator_make()
    earning_make(ada, "100.00", when=at(2026, 1))
    first = payout_run_compute(period="2026-01", personal=True)
    earning_make(ada, "50.00", when=at(2026, 1, 20))  # arrives late: next run's
    counts = (
        PayoutLine.objects.count(),
        Entry.objects.count(),
        Posting.objects.count(),
        EarningStateChange.objects.count(),
        PayoutRunStateChange.objects.count(),
    )
    again = payout_run_compute(period="2026-01", personal=True)
    assert again.pk == first.pk and again.state == "computed"
    assert counts == (
        PayoutLine.objects.count(),
        Entry.objects.count(),
        Posting.objects.count(),
        EarningStateChange.objects.count(),
        PayoutRunStateChange.objects.count(),
    )
    assert PayoutLine.objects.get().gross == D("100.00")


@pytest.mark.django_db
def test_a_failure_rolls_everything_back_and_records_the_reason(monkeypatch):
    import payouts.runs

    ada = creator_make()
    earning_make(ada, "100.00", when=at(2026, 1))

    def broken(**kwargs):
        raise RuntimeError("ledger down")

    monkeypatch.setattr(payouts.runs, "ledger_entries_post", broken)
    with pytest.raises(PayoutRunFailed, match="ledger down"):
        payout_run_compute(period="2026-01", personal=True)
    run = PayoutRun.objects.get()
    assert run.state == "failed" and "ledger down" in run.failure_reason
    assert not PayoutLine.objects.exists() and not line_entries().exists()
    assert Earning.objects.get().state == "available"
    assert not EarningStateChange.objects.exists()

    monkeypatch.undo()  # resumed: the failed run is computed
    run = payout_run_compute(period="2026-01", personal=True)
    assert run.state == "computed" and run.failure_reason == ""
    assert list(run.state_changes.values_list("to_state", flat=True)) == [
        "draft",
        "failed",
        "computed",
    ]


@pytest.mark.django_db
def test_approve_only_from_computed(django_user_model):
    user = django_user_model.objects.create(username="finance")
    draft = PayoutRun.objects.create(period="2026-01", scope="personal")
    with pytest.raises(PayoutRunError, match="Only a computed payout run"):
        payout_run_approve(run=draft, user=user)
    earning_make(creator_make(), "100.00", when=at(2026, 2))
    run = payout_run_compute(period="2026-02", personal=True)
    run = payout_run_approve(run=run, user=user)
    assert (run.state, run.approved_by) == ("approved", user)
    assert run.state_changes.last().actor == user
    with pytest.raises(PayoutRunError, match="this one is approved"):
        payout_run_approve(run=run, user=user)


@pytest.mark.django_db
def test_the_admin_action_approves_computed_runs(admin_client):
    earning_make(creator_make(), "100.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", personal=True)
    draft = PayoutRun.objects.create(period="2026-02", scope="personal")
    response = admin_client.post(
        "/admin/payouts/payoutrun/",
        {"action": "approve", "_selected_action": [run.pk, draft.pk]},
        follow=True,
    )
    assert response.status_code == 200
    run.refresh_from_db()
    draft.refresh_from_db()
    assert (run.state, draft.state) == ("approved", "draft")


@pytest.mark.django_db
def test_one_run_per_scope_and_period_even_for_personal_accounts():
    PayoutRun.objects.create(period="2026-01", scope="personal")
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutRun.objects.create(period="2026-01", scope="personal")
    agency = agency_make()
    PayoutRun.objects.create(period="2026-01", scope="agency", agency=agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        PayoutRun.objects.create(period="2026-01", scope="agency", agency=agency)


@pytest.mark.django_db
def test_the_monthly_task_computes_every_scope_of_the_period():
    agency = agency_make()
    earning_make(creator_make(agency=agency, kind="service"), "10.00", when=at(2026, 1))
    earning_make(creator_make(), "10.00", when=at(2026, 1))
    ids = payout_runs_monthly.apply(kwargs={"period": "2026-01"}).get()
    assert len(ids) == 2
    assert set(PayoutRun.objects.values_list("scope", "state")) == {
        ("agency", "computed"),
        ("personal", "computed"),
    }
    # Safe to run twice: nothing is left to take, the computed runs stay as they are.
    assert payout_runs_monthly.apply(kwargs={"period": "2026-01"}).get() == []
    assert PayoutRun.objects.count() == 2 and PayoutLine.objects.count() == 2


@pytest.mark.usefixtures("postgresql")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_computations_make_one_run():
    creators = [creator_make() for _ in range(3)]
    for creator in creators:
        earning_make(creator, "100.00", when=at(2026, 1))
    barrier = threading.Barrier(2)
    results, errors = [], []

    def compute():
        try:
            barrier.wait()
            results.append(payout_run_compute(period="2026-01", personal=True).pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=compute) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(results)) == 1 and len(results) == 2
    assert PayoutRun.objects.count() == 1
    assert PayoutLine.objects.count() == 3 == line_entries().count()
    taken = list(Earning.objects.filter(payout_run=results[0]).values_list("id", flat=True))
    moves = earning_moves(earning_ids=taken)
    assert len(taken) == 3
    assert [[m.to_state for m in moves[pk]] for pk in taken] == [["in_run"]] * 3
    call_command("ledger_check")


def test_the_monthly_task_is_on_the_beat_schedule(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["payouts-runs-monthly"]
    assert entry["task"] == "payouts.tasks.payout_runs_monthly"
    assert payout_runs_monthly.acks_late
