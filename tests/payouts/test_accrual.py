"""Earnings post to the ledger when they become owed; payout runs clear that accrual."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from payouts.ledger import creator_earned_first_mismatch, ledger_earnings_post
from payouts.models import Earning, Entry, Posting
from payouts.runs import payout_run_compute
from payouts.services import earning_state_set

from .conftest import event, post_signed
from .factories import agency_make, at, balance, creator_make, earning_make, payout_rate_make

D = Decimal
pytestmark = pytest.mark.django_db


def legs_of(reference):
    entry = Entry.objects.get(reference=reference)
    return sorted(
        (p.account, p.amount, p.currency, p.creator_id) for p in entry.postings.all()
    ), entry.kind


def test_a_tip_through_the_api_is_accrued_once_at_intake(client, lily):
    response = post_signed(client, event())
    earning = Earning.objects.get()
    assert response.status_code == 201
    legs, kind = legs_of(f"earning:{earning.pk}:accrued")
    assert kind == "earning_accrued"
    assert legs == [
        ("creator_earned", D("-12.50"), "CNY", lily.pk),
        ("platform_revenue", D("12.50"), "CNY", None),
    ]
    assert post_signed(client, event()).status_code == 200  # replay
    assert Entry.objects.count() == 1 and Posting.objects.count() == 2
    call_command("ledger_check")


def test_a_batch_is_accrued_per_earning_in_its_currency_and_a_replay_writes_nothing(
    client, lily, mia
):
    payload = {
        "events": [
            event(1),
            event(2, kind="gift", currency="COIN", amount="1001"),  # 100.10 CNY, half to lily
            event(3, amount="5.00", currency="USD"),
            event(4, creator="mia"),  # refused: unverified overseas creator
        ]
    }
    response = post_signed(client, payload)
    assert [r["status"] for r in response.json()["results"]] == [201, 201, 201, 422]
    assert Entry.objects.filter(kind="earning_accrued").count() == 3
    assert balance("creator_earned", currency="CNY", creator=lily) == D("-62.55")  # 12.50 + 50.05
    assert balance("creator_earned", currency="USD", creator=lily) == D("-5.00")
    assert balance("platform_revenue", currency="CNY") == D("62.55")
    assert not Posting.objects.filter(creator=mia).exists()

    again = post_signed(client, payload)
    assert [r["status"] for r in again.json()["results"]] == [200, 200, 200, 422]
    assert Entry.objects.count() == 3 and Posting.objects.count() == 6
    call_command("ledger_check")


def test_posting_the_accrual_again_writes_nothing():
    ada = creator_make()
    earning = earning_make(ada, "10.00", when=at(2026, 1))  # accrued by the factory
    assert ledger_earnings_post(earnings=Earning.objects.all(), step="accrued") == 0
    assert Entry.objects.count() == 1
    pending = earning_make(ada, "3.00", when=at(2026, 1), state="pending")
    assert ledger_earnings_post(earnings=Earning.objects.all(), step="accrued") == 0
    assert not Entry.objects.filter(reference__contains=f":{pending.pk}:").exists()
    assert Entry.objects.get().reference == f"earning:{earning.pk}:accrued"


def test_reversing_an_available_earning_undoes_its_accrual_a_pending_one_posts_nothing():
    ada = creator_make()
    available = earning_make(ada, "10.00", when=at(2026, 1))
    pending = earning_make(ada, "4.00", when=at(2026, 1), state="pending")
    earning_state_set(earning=available, to_state="reversed", reason="fraud")
    earning_state_set(earning=pending, to_state="reversed", reason="fraud")
    legs, kind = legs_of(f"earning:{available.pk}:reversed")
    assert kind == "earning_reversed"
    assert legs == [
        ("creator_earned", D("10.00"), "CNY", ada.pk),
        ("platform_revenue", D("-10.00"), "CNY", None),
    ]
    assert not Entry.objects.filter(reference__startswith=f"earning:{pending.pk}:").exists()
    assert balance("creator_earned", currency="CNY", creator=ada) == 0
    assert balance("platform_revenue", currency="CNY") == 0
    call_command("ledger_check")


def test_a_run_clears_the_accrual_of_its_earnings_in_each_currency():
    payout_rate_make(base="USD", rate="7.1234", as_of=date(2026, 1, 5))
    ada = creator_make()
    earning_make(ada, "100.00", when=at(2026, 1), currency="USD")
    earning_make(ada, "0.05", when=at(2026, 1), currency="USD")
    earning_make(ada, "100.00", when=at(2026, 1))
    later = earning_make(ada, "7.00", when=at(2026, 2, 3))  # next month's: stays accrued
    assert balance("creator_earned", currency="USD", creator=ada) == D("-100.05")

    run = payout_run_compute(period="2026-01", personal=True)
    line = run.lines.get()
    assert line.gross == D("812.70")  # 100.05 USD × 7.1234 = 712.696… → 712.70, + 100 CNY
    assert line.tax == 0 and line.net == line.gross  # under the platform-labour threshold
    legs, kind = legs_of(f"payout-line:{run.pk}:{ada.pk}")
    assert kind == "payout_line"
    assert legs == sorted(
        [
            ("creator_earned", D("100.05"), "USD", ada.pk),
            ("fx_conversion", D("-100.05"), "USD", None),
            ("creator_earned", D("100.00"), "CNY", ada.pk),
            ("fx_conversion", D("712.70"), "CNY", None),
            ("creator_payable", -line.net, "CNY", ada.pk),
        ]
    )
    # The run's earnings net to zero on creator_earned; the next month's stays owed.
    assert balance("creator_earned", currency="USD", creator=ada) == 0
    assert balance("creator_earned", currency="CNY", creator=ada) == -later.amount
    # fx_conversion holds the USD bought and its CNY cost: it balances within the entry,
    # not per currency.
    assert balance("fx_conversion", currency="USD") == D("-100.05")
    assert balance("fx_conversion", currency="CNY") == D("712.70")
    assert creator_earned_first_mismatch() is None
    call_command("ledger_check")


def test_a_currency_is_converted_once_whatever_the_contract_kinds_of_its_earnings():
    payout_rate_make(base="USD", rate="7.1234", as_of=date(2026, 1, 5))
    agency = agency_make()
    sam = creator_make(agency=agency, kind="employment")
    earning_make(sam, "0.05", when=at(2026, 1), currency="USD")
    earning_make(sam, "0.05", when=at(2026, 1), currency="USD", contract_kind="service")
    run = payout_run_compute(period="2026-01", agency=agency)
    # 0.10 × 7.1234 = 0.71234 → 0.71 (two conversions of 0.05 would give 0.36 + 0.36).
    assert run.lines.get().gross == D("0.71")
    assert balance("fx_conversion", currency="CNY") == D("0.71")
    call_command("ledger_check")


def test_a_creator_left_out_of_a_run_stays_accrued():
    ada, bea = creator_make(), creator_make()
    earning_make(ada, "10.00", when=at(2026, 1))
    original = earning_make(bea, "10.00", when=at(2026, 1), state="in_run")  # paid earlier
    negative = earning_make(bea, "-10.00", when=at(2026, 1), reverses=original)
    run = payout_run_compute(period="2026-01", personal=True)
    assert list(run.lines.values_list("creator_id", flat=True)) == [ada.pk]
    # The negative earning's accrual is the mirror: the creator owes it back.
    assert balance("creator_earned", currency="CNY", creator=bea) == D("10.00")
    assert Earning.objects.get(pk=negative.pk).state == "available"
    assert not Entry.objects.filter(reference=f"payout-line:{run.pk}:{bea.pk}").exists()
    call_command("ledger_check")


def test_ledger_check_fails_in_one_line_when_an_accrual_is_missing():
    ada = creator_make()
    earning_make(ada, "10.00", when=at(2026, 1))
    Earning.objects.create(  # written around the services: never accrued
        creator=ada,
        kind="tip",
        amount=D("2.50"),
        currency="CNY",
        occurred_at=at(2026, 1),
        source_ref="raw",
        state="available",
        channel="personal",
    )
    with pytest.raises(CommandError) as info:
        call_command("ledger_check")
    assert info.value.returncode == 1
    message = str(info.value)
    assert "\n" not in message
    assert message == (
        f"creator {ada.pk} CNY: creator_earned balance -10.00 is not minus the sum of the "
        "available earnings 12.50"
    )


def test_ledger_check_fails_when_an_accrual_outlives_its_earning():
    ada = creator_make()
    earning = earning_make(ada, "10.00", when=at(2026, 1))
    # Moved around the services: the earning is no longer owed but its accrual stays.
    Earning.objects.filter(pk=earning.pk).update(state="reversed")
    with pytest.raises(CommandError, match=rf"creator {ada.pk} CNY: creator_earned balance -10"):
        call_command("ledger_check")


def test_rewards_in_through_the_api_then_a_run_leave_nothing_accrued(client, lily):
    from django.utils import timezone

    from payouts.runs import period_bounds

    post_signed(
        client, {"events": [event(1), event(2, kind="gift", currency="COIN", amount="500")]}
    )
    day = timezone.localdate(Earning.objects.first().occurred_at)
    period = f"{day.year:04d}-{day.month:02d}"
    _, end = period_bounds(period=period)
    run = payout_run_compute(period=period, personal=True, now=end)
    assert run.lines.get().gross == D("37.50")  # 12.50 + 500 coins × 0.10 × 50%
    assert balance("creator_earned", currency="CNY", creator=lily) == 0
    assert balance("platform_revenue", currency="CNY") == D("37.50")
    call_command("ledger_check")
