"""Write a tax export: ``tax_export --period 2026-01 --kind cn-wages -o wages.csv``.

``-o`` ending in ``.xlsx`` writes XLSX, anything else CSV (UTF-8 with a BOM). Rows are
read with an iterator and written one by one to a temporary file beside ``-o`` (created
private, mode 0600: it holds ID numbers), renamed over ``-o`` only once complete, so a
refused or failed export leaves no file, partial or otherwise. No computed run, an unknown
agency, a creator without a legal name or ID → one line on stderr and exit 1.
"""

import contextlib
import os
import tempfile

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from agencies.encryption.stores import RegionalStoreUnavailable
from payouts.exports import EXPORT_KINDS, ExportError, tax_export_prepare
from tax.exports import csv_write, xlsx_write


class Command(BaseCommand):
    help = (
        "Export a period's withholding (cn-wages, cn-labour, cn-nonresident) or the "
        "platform income report (platform-income)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM (platform-income: YYYY-Qn)")
        # The exporters registry (payouts.exporters) gives the kinds.
        parser.add_argument("--kind", required=True, choices=EXPORT_KINDS)
        parser.add_argument("--agency", default="", help="only this agency's runs (its code)")
        parser.add_argument("-o", "--output", required=True, help="file (.csv or .xlsx)")

    def handle(self, *args, period, kind, agency, output, **options):
        output = os.fspath(output)
        directory = os.path.dirname(os.path.abspath(output))
        if not os.path.isdir(directory):
            raise CommandError(_("No such directory: %(dir)s") % {"dir": directory})
        try:
            export = tax_export_prepare(kind=kind, period=period, agency_code=agency)
        except (ExportError, RegionalStoreUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        xlsx = output.lower().endswith(".xlsx")
        fd, partial = tempfile.mkstemp(prefix=".tax-export-", suffix=".part", dir=directory)
        try:
            with os.fdopen(fd, "wb") as out:
                if xlsx:
                    count = xlsx_write(
                        out=out, sheet=export.sheet, headers=export.headers, rows=export.rows()
                    )
                else:
                    count = csv_write(out=out, headers=export.headers, rows=export.rows())
            os.replace(partial, output)
        except (ExportError, RegionalStoreUnavailable) as exc:
            self._discard(partial)
            raise CommandError(str(exc)) from exc
        except BaseException:
            self._discard(partial)
            raise
        held = export.held_summary()
        if held:
            self.stderr.write(held)
        self.stdout.write(
            _("tax export %(kind)s %(period)s: %(count)d lines written to %(file)s")
            % {"kind": kind, "period": export.period, "count": count, "file": output}
        )

    @staticmethod
    def _discard(path: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
