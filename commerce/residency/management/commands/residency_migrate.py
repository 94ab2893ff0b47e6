"""Migrate every regional personal-data store (``migrate`` does only ``default``)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from commerce.residency.regions import regional_aliases


class Command(BaseCommand):
    help = "Apply migrations to every regional database of RESIDENCY_REGIONS."

    def handle(self, *args, **options):
        for alias in regional_aliases():
            if alias == "default":
                continue
            try:
                call_command("migrate", database=alias, interactive=False, verbosity=0)
            except Exception as exc:  # a store that is down: one line, exit 1
                raise CommandError(f"residency_migrate: {alias}: {exc}") from None
            self.stdout.write(f"residency_migrate: {alias} migrated")
