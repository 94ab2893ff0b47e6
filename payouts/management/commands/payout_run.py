"""Create (or resume) and compute a payout run: ``payout_run --period YYYY-MM --personal``."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from agencies.models import Agency
from payouts.runs import PayoutRunError, payout_run_compute


class Command(BaseCommand):
    help = "Compute the payout run of a month for one agency or for personal accounts."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--agency", help="the agency's code")
        scope.add_argument("--personal", action="store_true", help="personal accounts")

    def handle(self, *args, period, agency, personal, **options):
        found = None
        if agency:
            found = Agency.objects.filter(code=agency).first()
            if found is None:
                raise CommandError(_("Unknown agency %(code)r.") % {"code": agency})
        try:
            run = payout_run_compute(period=period, agency=found, personal=personal)
        except PayoutRunError as exc:
            raise CommandError(str(exc)) from exc
        lines = run.lines.count()
        self.stdout.write(f"payout run {run.pk} {run}: {lines} lines")
