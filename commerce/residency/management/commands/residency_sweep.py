"""Delete orphaned regional records (issue #17): records that no global ``HomeRegion`` or
``OrderResidency`` points at, last written longer ago than the grace period -- the leftovers
of a checkout or sign-up whose global write failed after the regional one. Idempotent; one
line per store. The beat job ``residency-orphans-sweep`` runs it daily."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.encryption.stores import RegionalStoreUnavailable
from commerce.residency.services import personal_records_sweep


class Command(BaseCommand):
    help = "Delete regional personal records that nothing in the global database points at."

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace-hours",
            type=int,
            default=settings.RESIDENCY_ORPHAN_GRACE_HOURS,
            help="Keep orphans younger than this (a write may still be completing).",
        )

    def handle(self, *args, grace_hours, **options):
        if grace_hours < 0:
            raise CommandError("residency_sweep: --grace-hours must be 0 or more")
        try:
            deleted = personal_records_sweep(grace=timedelta(hours=grace_hours))
        except RegionalStoreUnavailable as error:
            raise CommandError(f"residency_sweep: {error}") from None
        for region, count in deleted.items():
            self.stdout.write(f"residency_sweep: {region}: {count} orphaned records deleted")
