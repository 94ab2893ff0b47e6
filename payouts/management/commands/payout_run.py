"""Compute, send or resume a payout run: ``payout_run --period YYYY-MM --personal [--send]``."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from agencies.models import Agency
from payouts.models import PayoutRun
from payouts.runs import PayoutRunError, payout_run_compute
from payouts.transfers import payout_run_send, payout_transfers_requeue


class Command(BaseCommand):
    help = (
        "Compute the payout run of a month for one agency or for personal accounts; "
        "--send sends it once approved; --resume queues its pending transfers again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM")
        scope = parser.add_mutually_exclusive_group(required=True)
        scope.add_argument("--agency", help="the agency's code")
        scope.add_argument("--personal", action="store_true", help="personal accounts")
        step = parser.add_mutually_exclusive_group()
        step.add_argument("--send", action="store_true", help="send the run (it must be approved)")
        step.add_argument(
            "--resume",
            action="store_true",
            help="queue again the run's pending transfers (after a worker died)",
        )

    def handle(self, *args, period, agency, personal, send, resume, **options):
        found = None
        if agency:
            found = Agency.objects.filter(code=agency).first()
            if found is None:
                raise CommandError(_("Unknown agency %(code)r.") % {"code": agency})
        if send or resume:
            run = PayoutRun.objects.filter(period=period, agency=found).first()
            if run is None:
                raise CommandError(
                    _("There is no payout run of %(period)s for this scope; compute it first.")
                    % {"period": period}
                )
            if send:
                try:
                    run = payout_run_send(run=run)
                except PayoutRunError as exc:
                    raise CommandError(str(exc)) from exc
                sent = run.transfers.count()
                self.stdout.write(f"payout run {run.pk} {run}: {run.state}, {sent} transfers")
                return
            # The operator says the worker is gone: no need to wait for the beat's delay.
            queued = payout_transfers_requeue(run=run, older_than=timedelta(0))
            self.stdout.write(f"payout run {run.pk} {run}: {queued} pending transfers queued")
            return
        try:
            run = payout_run_compute(period=period, agency=found, personal=personal)
        except PayoutRunError as exc:
            raise CommandError(str(exc)) from exc
        lines = run.lines.count()
        self.stdout.write(f"payout run {run.pk} {run}: {lines} lines")
