"""Export ``cn-wages``: lines of ``cn-resident-wages``, the withholding client's
"正常工资薪金收入" import sheet (§8.1, 24 columns); 本期收入 is the creator's income."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext_lazy as _

from tax import exports as fmt

from . import Exporter


def rows(export) -> Iterator[tuple]:
    for handle, name, doc, number, _regime, income, run_id, period in export.lines():
        yield (handle, name.strip(), doc, number, income, *[""] * 18, f"{period} run {run_id}")


EXPORTER = Exporter(
    identifier="cn-wages",
    label=_("Wages (正常工资薪金所得)"),
    headers=fmt.CN_WAGES_HEADERS,
    sheet=fmt.CN_WAGES_SHEET,
    regimes=("cn-resident-wages",),
    rows=rows,
)
