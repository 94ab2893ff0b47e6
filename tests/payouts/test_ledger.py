from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from payouts.ledger import LedgerImbalance, Leg, ledger_entry_post, ledger_first_break
from payouts.models import Entry, PayoutLine, Posting

D = Decimal


def balanced_legs():
    return [
        Leg("platform_revenue", D("100.00"), "CNY"),
        Leg("tax_payable", D("-10.00"), "CNY"),
        Leg("creator_payable", D("-90.00"), "CNY"),
    ]


@pytest.mark.django_db
def test_a_balanced_entry_is_written_with_its_postings():
    entry = ledger_entry_post(reference="test:1", kind="test", postings=balanced_legs())
    assert Entry.objects.get() == entry
    assert sorted(entry.postings.values_list("amount", flat=True)) == [
        D("-90.00"),
        D("-10.00"),
        D("100.00"),
    ]


@pytest.mark.django_db
def test_an_unbalanced_entry_raises_and_writes_nothing():
    legs = balanced_legs()[:2]
    with pytest.raises(LedgerImbalance, match="does not balance in CNY"):
        ledger_entry_post(reference="test:1", kind="test", postings=legs)
    assert not Entry.objects.exists() and not Posting.objects.exists()


@pytest.mark.django_db
def test_balance_is_per_currency():
    legs = [Leg("platform_revenue", D("10.00"), "CNY"), Leg("creator_payable", D("-10.00"), "USD")]
    with pytest.raises(LedgerImbalance):
        ledger_entry_post(reference="test:fx", kind="test", postings=legs)
    assert not Entry.objects.exists()


@pytest.mark.django_db
def test_floats_and_unknown_accounts_are_refused():
    with pytest.raises(LedgerImbalance, match="not a Decimal"):
        ledger_entry_post(
            reference="t",
            kind="t",
            postings=[Leg("tax_payable", 1.0, "CNY")],  # type: ignore[arg-type]
        )
    with pytest.raises(LedgerImbalance, match="unknown account"):
        ledger_entry_post(reference="t", kind="t", postings=[Leg("nowhere", D("0"), "CNY")])


@pytest.mark.django_db
def test_the_same_reference_cannot_post_twice():
    ledger_entry_post(reference="test:1", kind="test", postings=balanced_legs())
    with pytest.raises(IntegrityError):
        ledger_entry_post(reference="test:1", kind="test", postings=balanced_legs())


def _raw_unbalanced_entry():
    entry = Entry.objects.create(reference="raw:1", kind="test")
    Posting.objects.bulk_create(
        [
            Posting(entry=entry, account="platform_revenue", amount=D("100.00"), currency="CNY"),
            Posting(entry=entry, account="creator_payable", amount=D("-99.99"), currency="CNY"),
        ]
    )


@pytest.mark.usefixtures("postgresql")
@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_commit_an_unbalanced_entry():
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            _raw_unbalanced_entry()
    assert not Entry.objects.exists() and not Posting.objects.exists()
    # A balanced raw insert commits.
    with transaction.atomic():
        entry = Entry.objects.create(reference="raw:2", kind="test")
        Posting.objects.bulk_create(
            [
                Posting(entry=entry, account="platform_revenue", amount=D("5"), currency="CNY"),
                Posting(entry=entry, account="creator_payable", amount=D("-5"), currency="CNY"),
            ]
        )
    assert Posting.objects.count() == 2
    # Breaking a committed entry later is refused too.
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            Posting.objects.filter(account="creator_payable").update(amount=D("-4"))


@pytest.mark.django_db
def test_ledger_check_passes_with_a_summary(capsys):
    ledger_entry_post(reference="test:1", kind="test", postings=balanced_legs())
    call_command("ledger_check")
    out = capsys.readouterr().out
    assert "ledger ok: 1 entries, 3 postings" in out
    assert "accrued earnings match the available earnings" in out


@pytest.mark.django_db
def test_ledger_check_fails_on_the_first_unbalanced_entry():
    # Inside the test's transaction, which never commits: the deferred trigger never runs.
    _raw_unbalanced_entry()
    try:
        with pytest.raises(CommandError, match=r"raw:1.*does not balance in CNY.*0\.01") as info:
            call_command("ledger_check")
        assert info.value.returncode == 1
        assert "\n" not in str(info.value)
    finally:
        # Django checks deferred constraints at teardown: leave a balanced ledger behind.
        Posting.objects.all().delete()


@pytest.mark.django_db
def test_ledger_check_fails_on_a_payout_line_that_does_not_add_up():
    from payouts.models import PayoutRun
    from tests.factories import CreatorFactory

    run = PayoutRun.objects.create(period="2026-01", scope="personal")
    PayoutLine.objects.create(
        run=run,
        creator=CreatorFactory(),
        period="2026-01",
        regime="cn-platform-labour",
        currency="CNY",
        earnings_count=1,
        gross=D("100.00"),
        agency_share=D("0"),
        income=D("100.00"),
        taxable_income=D("0"),
        tax=D("3.00"),
        net=D("96.00"),
        working={},
    )
    with pytest.raises(CommandError, match="gross 100.00 != agency share 0.00 \\+ tax 3.00"):
        call_command("ledger_check")


@pytest.mark.django_db
def test_a_stray_creator_earned_posting_breaks_the_check():
    from tests.factories import CreatorFactory

    creator = CreatorFactory()
    ledger_entry_post(
        reference="test:stray",
        kind="test",
        postings=[
            Leg("platform_revenue", D("3.00"), "USD"),
            Leg("creator_earned", D("-3.00"), "USD", creator_id=creator.pk),
        ],
    )
    assert ledger_first_break() == (
        f"creator {creator.pk} USD: creator_earned balance -3.00 is not minus the sum of the "
        "available earnings 0.00"
    )
    with pytest.raises(CommandError) as info:
        call_command("ledger_check")
    assert info.value.returncode == 1
