"""Export ``cn-labour``: lines of ``cn-resident-labour`` (一般劳务报酬所得) and
``cn-platform-labour`` (其他连续劳务报酬), the 15-column labour sheet (§8.2)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from tax import exports as fmt

from ..regimes import REGIMES
from . import Exporter


def rows(export) -> Iterator[tuple]:
    for handle, name, doc, number, regime, income, run_id, period in export.lines():
        yield (
            handle,
            name.strip(),
            doc,
            number,
            REGIMES[regime].income_item,
            income,
            *[""] * 8,
            f"{period} run {run_id}",
        )


EXPORTER = Exporter(
    identifier="cn-labour",
    label=_("Labour remuneration (劳务报酬所得)"),
    headers=fmt.CN_LABOUR_HEADERS,
    sheet=fmt.CN_LABOUR_SHEET,
    regimes=("cn-resident-labour", "cn-platform-labour"),
    rows=rows,
)
