"""Prove the ledger: every entry balances per currency, every payout line adds up."""

from django.core.management.base import BaseCommand, CommandError

from payouts.ledger import ledger_first_imbalance, payout_line_first_break
from payouts.models import Entry, PayoutLine, Posting


class Command(BaseCommand):
    help = "Check that ledger entries balance and payout lines add up; exit 1 on a break."

    def handle(self, *args, **options):
        broken = ledger_first_imbalance() or payout_line_first_break()
        if broken:
            raise CommandError(broken)
        self.stdout.write(
            f"ledger ok: {Entry.objects.count()} entries, {Posting.objects.count()} postings "
            f"balance per currency; {PayoutLine.objects.count()} payout lines add up"
        )
