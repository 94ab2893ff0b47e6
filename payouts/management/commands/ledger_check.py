"""Prove the ledger: every entry balances per currency, every payout line adds up, and
every creator's accrued earnings match their available earnings."""

from django.core.management.base import BaseCommand, CommandError

from payouts.ledger import ledger_first_break
from payouts.models import Entry, PayoutLine, Posting


class Command(BaseCommand):
    help = (
        "Check that ledger entries balance, payout lines add up and accrued earnings match "
        "the available earnings; exit 1 on the first break."
    )

    def handle(self, *args, **options):
        broken = ledger_first_break()
        if broken:
            raise CommandError(broken)
        self.stdout.write(
            f"ledger ok: {Entry.objects.count()} entries, {Posting.objects.count()} postings "
            f"balance per currency; {PayoutLine.objects.count()} payout lines add up; "
            "accrued earnings match the available earnings"
        )
