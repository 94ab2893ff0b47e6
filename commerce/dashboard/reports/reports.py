"""Dashboard reports fork: every report's CSV is formula-safe.

Oscar's reports (orders, open and submitted baskets, vouchers, offers, product and user
analytics) all load ``ReportCSVFormatter`` from here (``get_class``), so its one writer
puts every cell through ``tax.exports.cell_safe``: a customer's name, email or basket
note starting with ``=``, ``+``, ``-``, ``@``, a tab or CR is written as text, never as a
formula a spreadsheet evaluates.
"""

from oscar.apps.dashboard.reports import reports as core
from oscar.apps.dashboard.reports.reports import *  # noqa: F403  (Oscar fork convention)

from tax.exports import cell_safe

# Oscar's mark for "no value" in its reports: a lone dash, which no spreadsheet evaluates,
# so it is written as it is.
NO_VALUE = "-"


class FormulaSafeCSVWriter:
    """Oscar's CSV writer with every cell through ``cell_safe``."""

    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row):
        self.writer.writerow([cell if cell == NO_VALUE else cell_safe(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class ReportCSVFormatter(core.ReportCSVFormatter):
    def get_csv_writer(self, file_handle, **kwargs):
        return FormulaSafeCSVWriter(super().get_csv_writer(file_handle, **kwargs))
