"""Re-send parcel refunds left in flight (Stripe unreachable or the process stopped).

Each is re-sent with its own idempotency key, so Stripe makes it at most once.
"""

from datetime import timedelta

import stripe
from django.core.management.base import BaseCommand
from django.utils import timezone
from oscar.core.loading import get_model

from commerce.checkout.payments import consignment_refund_send

ConsignmentRefund = get_model("order", "ConsignmentRefund")


class Command(BaseCommand):
    help = "Re-send parcel refunds still in flight (same idempotency key)."

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=60, help="seconds (default 60)")

    def handle(self, *args, older_than: int, **options):
        cutoff = timezone.now() - timedelta(seconds=older_than)
        pending = ConsignmentRefund.objects.filter(
            state=ConsignmentRefund.State.CREATED, created_at__lt=cutoff
        ).values_list("pk", flat=True)
        done = failed = 0
        for pk in list(pending):
            try:
                row = consignment_refund_send(refund_id=pk)
            except stripe.StripeError as error:
                failed += 1
                self.stderr.write(f"refund {pk}: {type(error).__name__}")
                continue
            done += row.state == ConsignmentRefund.State.SUCCEEDED
        self.stdout.write(f"{done} refunds settled, {failed} still in flight or refused.")
        if failed:
            raise SystemExit(1)
