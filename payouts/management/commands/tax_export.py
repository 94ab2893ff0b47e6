"""Write a tax export: ``tax_export --period 2026-01 --kind cn-wages -o wages.csv``.

``-o`` ending in ``.xlsx`` writes XLSX, anything else CSV (UTF-8 with a BOM). Rows are
read with an iterator and written one by one. No computed run → exit 1, one line.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from payouts.exports import EXPORT_KINDS, ExportError, tax_export_prepare
from tax.exports import csv_write, xlsx_write


class Command(BaseCommand):
    help = "Export a period's withholding (cn-wages, cn-labour) or platform income report."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM (platform-income: YYYY-Qn)")
        parser.add_argument("--kind", required=True, choices=EXPORT_KINDS)
        parser.add_argument("--agency", default="", help="only this agency's runs (its code)")
        parser.add_argument("-o", "--output", required=True, help="file (.csv or .xlsx)")

    def handle(self, *args, period, kind, agency, output, **options):
        try:
            export = tax_export_prepare(kind=kind, period=period, agency_code=agency)
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        with open(output, "wb") as out:
            if output.lower().endswith(".xlsx"):
                count = xlsx_write(
                    out=out, sheet=export.sheet, headers=export.headers, rows=export.rows()
                )
            else:
                count = csv_write(out=out, headers=export.headers, rows=export.rows())
        self.stdout.write(
            _("tax export %(kind)s %(period)s: %(count)d lines written to %(file)s")
            % {"kind": kind, "period": export.period, "count": count, "file": output}
        )
