"""Exports as a registry, in the manner of pretix's exporters.

Each exporter is one module defining ``EXPORTER = Exporter(...)``: an ``identifier``
(the ``--kind`` of ``manage.py tax_export`` and of the finance page), a ``label``, the
``form_fields`` it asks for (period, agency, file type), its ``rows(export)`` and its
layout per file type (``headers``; ``sheet`` for XLSX; CSV is UTF-8 with a BOM and
formula-safe cells, ``tax.exports``). The command and the finance page list the tax
exporters of ``EXPORTERS``; the agency portal uses ``PORTAL_EXPORTERS``. A new export kind
is one module and one line here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module
from itertools import chain

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EXPORTERS: dict[str, str] = {
    "cn-wages": "payouts.exporters.cn_wages",
    "cn-labour": "payouts.exporters.cn_labour",
    "cn-nonresident": "payouts.exporters.cn_nonresident",
    "platform-income": "payouts.exporters.platform_income",
}
# Exports of the agency portal (not tax filings: not offered to finance's command/page).
PORTAL_EXPORTERS: dict[str, str] = {
    "agency-run": "payouts.exporters.agency_run",
}
FILE_TYPES = (("csv", "CSV"), ("xlsx", "XLSX"))


@dataclass(frozen=True)
class Exporter:
    identifier: str
    label: Promise
    headers: tuple[str, ...]
    sheet: str
    rows: Callable[..., Iterator[tuple]]
    regimes: tuple[str, ...] = ()  # the payout lines' regimes it files (none: earnings)
    quarters: bool = False  # a quarter (YYYY-Qn) is a period too

    def form_fields(self) -> dict[str, forms.Field]:
        help_text = _("YYYY-MM or a quarter, e.g. 2026-Q3.") if self.quarters else _("YYYY-MM.")
        return {
            "period": forms.CharField(label=_("Period"), max_length=7, help_text=help_text),
            "agency": forms.CharField(label=_("Agency"), required=False),
            "format": forms.ChoiceField(label=_("Format"), choices=FILE_TYPES),
        }


def rows_started(rows: Iterator[tuple]) -> Iterator[tuple]:
    """``rows`` with the first one read now: a streamed response's first chunk (and its
    look-ups, e.g. a regional store that is down) fails before the response starts."""
    rows = iter(rows)
    first = next(rows, None)
    return rows if first is None else chain((first,), rows)


def exporter_get(identifier: str) -> Exporter:
    """The exporter registered as ``identifier`` (KeyError for an unknown one)."""
    path = EXPORTERS.get(identifier) or PORTAL_EXPORTERS[identifier]
    return import_module(path).EXPORTER


def exporters_all() -> list[Exporter]:
    return [exporter_get(identifier) for identifier in EXPORTERS]
