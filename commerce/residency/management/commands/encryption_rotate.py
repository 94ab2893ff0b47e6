"""Re-encrypt every encrypted column with the newest key of its region (issue #17).

Idempotent: values already under the newest key are left alone. One progress line per
column; an undecryptable value exits 1 with one line naming table, column and row."""

from django.core.management.base import BaseCommand, CommandError

from commerce.residency.crypto import UndecryptableValue
from commerce.residency.rotation import all_rotate


class Command(BaseCommand):
    help = "Re-encrypt ID and bank numbers and regional records with the newest keys."

    def handle(self, *args, **options):
        total = changed = 0
        try:
            for result in all_rotate():
                total += result.rows
                changed += result.changed
                self.stdout.write(
                    f"encryption_rotate: {result.where}: {result.rows} rows, "
                    f"{result.changed} re-encrypted"
                )
        except UndecryptableValue as exc:
            raise CommandError(f"encryption_rotate: {exc}") from None
        except Exception as exc:  # a store that is down: one line, exit 1
            raise CommandError(f"encryption_rotate: {type(exc).__name__}: {exc}") from None
        self.stdout.write(f"encryption_rotate: done, {changed} of {total} values re-encrypted")
