"""Load the demo payouts (after ``demo_data``): see ``payouts.demo``."""

from django.core.management.base import BaseCommand, CommandError

from agencies.models import Creator
from payouts.demo import payouts_demo_load


class Command(BaseCommand):
    help = "Post two months of demo rewards, pay the earlier month, leave last month to run."

    def handle(self, *args, **options):
        if not Creator.objects.filter(handle="xiaomei").exists():
            raise CommandError("Load the demo data first: manage.py demo_data")
        summary = payouts_demo_load()
        self.stdout.write(
            f"Demo payouts: {summary['posted']} rewards posted; {summary['paid_period']} paid; "
            f"{summary['open_period']} ready to run "
            f"(manage.py payout_run --period {summary['open_period']} --agency starlight-mcn)"
        )
