"""The ledger's balance in the database (migrations 0003, 0013): entries written whole are
checked when their statement ends, everything else per posting at commit."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction

from payouts.ledger import Account, EntrySpec, Leg, _batch_checked, ledger_entries_post
from payouts.models import Entry, Posting

WHOLE = r"ledger entries written together: entry \d+ does not balance in CNY: sum "
ALONE = r"^ledger entry \d+ does not balance in CNY: sum "


def _postings_insert(rows) -> None:
    """Postings written by one SQL statement, as a caller bypassing ``payouts.ledger``."""
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO payouts_posting (entry_id, account, amount, currency)"
            " VALUES (%s, %s, %s, 'CNY')",
            rows,
        )


# The triggers are PostgreSQL's: elsewhere the test fails (the fixture), never skips.
@pytest.mark.usefixtures("postgresql")
@pytest.mark.django_db(transaction=True)
def test_postings_written_as_whole_entries_are_checked_when_their_statement_ends():
    entry = Entry.objects.create(reference="whole:1", kind="test")
    with pytest.raises(IntegrityError, match=WHOLE + "1.00"):
        with transaction.atomic(), _batch_checked():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO payouts_posting (entry_id, account, amount, currency)"
                    " VALUES (%s, 'bank', 1.00, 'CNY'), (%s, 'tax_payable', 0.00, 'CNY')",
                    [entry.pk, entry.pk],
                )
            raise AssertionError("refused when the statement ends, before anything else runs")
    assert not Posting.objects.exists()
    # Balanced in the statement: written.
    with transaction.atomic(), _batch_checked(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO payouts_posting (entry_id, account, amount, currency)"
            " VALUES (%s, 'bank', 1.00, 'CNY'), (%s, 'tax_payable', -1.00, 'CNY')",
            [entry.pk, entry.pk],
        )
    assert Posting.objects.filter(entry=entry).count() == 2


@pytest.mark.usefixtures("postgresql")
@pytest.mark.django_db(transaction=True)
def test_a_session_that_says_it_writes_whole_entries_cannot_skip_the_check():
    # Before 0013 a session could set the setting without recording a batch, and then no
    # check ran on its postings, nor on changes or deletions it made.
    entry = Entry.objects.create(reference="whole:2", kind="test")
    ledger_entries_post(
        entries=[
            EntrySpec(
                reference="whole:3",
                kind="test",
                legs=[
                    Leg(Account.BANK, D("5.00"), "CNY"),
                    Leg(Account.TAX_PAYABLE, D("-5.00"), "CNY"),
                ],
            )
        ]
    )
    written = Entry.objects.get(reference="whole:3")
    with pytest.raises(IntegrityError, match=WHOLE + "2.00"):  # one posting on its own
        with transaction.atomic(), _batch_checked():
            _postings_insert([(entry.pk, "bank", D("2.00"))])
    with pytest.raises(IntegrityError, match=WHOLE + "7.00"):  # added to a balanced entry
        with transaction.atomic(), _batch_checked():
            _postings_insert([(written.pk, "bank", D("7.00"))])
    with pytest.raises(IntegrityError, match=ALONE + "6.00"):  # a change, checked at commit
        with transaction.atomic(), _batch_checked():
            Posting.objects.filter(entry=written, account="bank").update(amount=D("11.00"))
    with pytest.raises(IntegrityError, match=ALONE + "5.00"):  # a deletion, checked at commit
        with transaction.atomic(), _batch_checked():
            Posting.objects.filter(entry=written, account="tax_payable").delete()
    assert sorted(Posting.objects.values_list("amount", flat=True)) == [D("-5.00"), D("5.00")]


@pytest.mark.usefixtures("postgresql")
@pytest.mark.django_db(transaction=True)
def test_postings_written_one_by_one_are_checked_at_commit():
    # Outside ``_batch_checked`` an entry may be written over several statements: each
    # posting's entry is checked at commit, when the entry must be whole.
    entry = Entry.objects.create(reference="alone:1", kind="test")
    with pytest.raises(IntegrityError, match=ALONE + "1.00"):
        with transaction.atomic():
            _postings_insert([(entry.pk, "bank", D("1.00"))])
    with transaction.atomic():
        _postings_insert([(entry.pk, "bank", D("3.00"))])
        _postings_insert([(entry.pk, "tax_payable", D("-3.00"))])  # whole at commit
    assert Posting.objects.filter(entry=entry).count() == 2


@pytest.mark.usefixtures("postgresql")
@pytest.mark.django_db(transaction=True)
def test_a_run_named_by_its_earnings_cannot_be_deleted_in_the_database():
    # The earnings' link to their run has no per-row foreign key (migration 0011: the take
    # of a million earnings would check each at commit); a trigger keeps the link whole.
    from payouts.models import Earning, PayoutRun
    from payouts.runs import payout_run_compute

    from .factories import at, creator_make, earning_make

    earning_make(creator_make(), "10.00", when=at(2026, 1))
    run = payout_run_compute(period="2026-01", personal=True)
    with pytest.raises(IntegrityError, match=f"payout run {run.pk} is named by its earnings"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM payouts_payoutrun WHERE id = %s", [run.pk])
    assert Earning.objects.get().payout_run_id == run.pk
    # A run no earning names (nothing was available for it) can go.
    empty = PayoutRun.objects.create(period="2026-02", scope=PayoutRun.Scope.PERSONAL)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM payouts_payoutrun WHERE id = %s", [empty.pk])
    assert not PayoutRun.objects.filter(pk=empty.pk).exists()
