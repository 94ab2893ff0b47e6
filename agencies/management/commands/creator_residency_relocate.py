"""Move creators' legal names, ID numbers and payout accounts still on their rows into the
regional store of their users' home regions (issue #17; idempotent, one line out)."""

from django.core.management.base import BaseCommand, CommandError

from agencies.personal import creators_personal_relocate_all


class Command(BaseCommand):
    help = "Move creators' personal values into their home region's store (idempotent)."

    def handle(self, *args, **options):
        try:
            moved = creators_personal_relocate_all()
        except Exception as exc:  # a regional store that is down: one line, exit 1
            raise CommandError(f"creator_residency_relocate: {type(exc).__name__}: {exc}") from None
        self.stdout.write(f"creator_residency_relocate: {moved} creators moved to their region")
