"""Export ``agency-run``: one agency's payout run, a line per creator (the agency portal's
CSV; ID numbers masked, 姓名 the legal name, amounts as plain two-decimal numbers)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from ..selectors_portal import RUN_CSV_HEADERS, portal_run_csv_rows
from . import Exporter


def rows(export) -> Iterator[tuple]:
    """``export`` is the run (already scoped to the user's agencies by the view)."""
    return portal_run_csv_rows(run=export)


EXPORTER = Exporter(
    identifier="agency-run",
    label=_("Payout run lines"),
    headers=RUN_CSV_HEADERS,
    sheet="Payout run",
    rows=rows,
)
