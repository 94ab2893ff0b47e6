"""Exit 1 if the global database holds any personal value of an overseas user (issue #17).

Names the table and column of each finding, never the value."""

from django.core.management.base import BaseCommand, CommandError

from commerce.residency.audit import global_findings, overseas_values, text_columns


class Command(BaseCommand):
    help = "Check that overseas users' personal data is only in their regional stores."

    def handle(self, *args, **options):
        try:
            users, values = overseas_values()
            findings = global_findings(values=values)
        except Exception as exc:  # a regional store that is down: one line, exit 1
            raise CommandError(f"residency_audit: {type(exc).__name__}: {exc}") from None
        if findings:
            raise CommandError(
                f"residency_audit: personal data of overseas users found in the global "
                f"database: {', '.join(findings)}"
            )
        columns = sum(1 for _ in text_columns())
        self.stdout.write(
            f"residency_audit: clean: {len(values)} values of {users} overseas users and orders "
            f"checked against {columns} text columns of the global database"
        )
