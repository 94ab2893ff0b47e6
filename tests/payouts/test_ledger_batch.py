"""The ledger's balance is checked at commit once per batch of entries (migration 0009)."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from payouts.ledger import _batch_checked
from payouts.models import Entry, LedgerBatch, Posting


# The trigger is PostgreSQL's: elsewhere the test fails (the fixture), never skips.
@pytest.mark.usefixtures("postgresql")
@pytest.mark.django_db(transaction=True)
def test_an_unbalanced_entry_of_a_batch_is_refused_at_commit():
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            entry = Entry.objects.create(reference="batch:1", kind="test")
            LedgerBatch.objects.create(first_entry=entry.pk, last_entry=entry.pk)
            with _batch_checked():
                Posting.objects.create(entry=entry, account="bank", amount=D("1"), currency="CNY")
    assert not Entry.objects.exists()
    # Outside a batch, a raw posting is still checked on its own at commit.
    with pytest.raises(IntegrityError, match="does not balance"):
        with transaction.atomic():
            entry = Entry.objects.create(reference="batch:2", kind="test")
            with _batch_checked():
                pass
            Posting.objects.create(entry=entry, account="bank", amount=D("1"), currency="CNY")
    assert not Posting.objects.exists()
