"""The ledger's balance is checked at commit once per batch of entries (migrations 0010, 0012)."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, connection, transaction

from payouts.ledger import _batch_checked
from payouts.models import Entry, LedgerBatch, Posting


# The trigger is PostgreSQL's: elsewhere the test fails (the fixture), never skips.
@pytest.mark.usefixtures("postgresql")
@pytest.mark.django_db(transaction=True)
def test_an_unbalanced_entry_of_a_batch_is_refused_at_commit():
    # The batch's check refuses it (its message names the batch), not a check per posting.
    with pytest.raises(IntegrityError, match=r"ledger batch \d+-\d+: ledger entry \d+ does not"):
        with transaction.atomic():
            entry = Entry.objects.create(reference="batch:1", kind="test")
            LedgerBatch.objects.create(first_entry=entry.pk, last_entry=entry.pk)
            with _batch_checked():
                Posting.objects.create(entry=entry, account="bank", amount=D("1"), currency="CNY")
    assert not Entry.objects.exists()
    # Outside a batch, a raw posting is still checked on its own at commit.
    with pytest.raises(IntegrityError, match=r"^ledger entry \d+ does not balance"):
        with transaction.atomic():
            entry = Entry.objects.create(reference="batch:2", kind="test")
            with _batch_checked():
                pass
            Posting.objects.create(entry=entry, account="bank", amount=D("1"), currency="CNY")
    assert not Posting.objects.exists()


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
