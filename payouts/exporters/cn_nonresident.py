"""Export ``cn-nonresident``: lines of ``cn-nonresident-wages`` and
``cn-nonresident-labour``, one row per line in the 52-column withholding-return layout of
§8.6 with 是否为非居民个人 = 是 (reasons and figures: ``payouts.exports``)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from tax import exports as fmt

from ..exports import AGGREGATED_REMARK, NONRESIDENT_YES, figure_amount
from ..regimes import REGIMES
from . import Exporter


def rows(export) -> Iterator[tuple]:
    rows = export.lines("working", "tax")
    for n, row in enumerate(rows, start=1):
        _handle, name, doc, number, regime, income, run_id, period, working, tax = row
        remark = f"{period} run {run_id}"
        if "aggregated" in (working.get("flags") or ()):
            remark = f"{remark}; {AGGREGATED_REMARK}"
        basic = figure_amount(working.get("basic_deduction"))
        yield (
            n,
            name.strip(),
            doc,
            number,
            "",  # 纳税人识别号: assigned by the client
            NONRESIDENT_YES,
            REGIMES[regime].income_item,
            income,  # 收入
            figure_amount(working.get("expense")),  # 费用
            "",  # 免税收入
            basic,  # 减除费用
            *[""] * 19,  # 基本养老保险费 … 其他: none known
            figure_amount(working.get("cumulative_income")),  # 累计收入额 (the month's)
            basic,  # 累计减除费用
            *[""] * 11,  # 累计专项扣除 … 准予扣除的捐赠额: none for non-residents
            figure_amount(working.get("taxable_income")),  # 累计应纳税所得额
            Decimal(str(working.get("rate") or "0")),  # 税率/预扣率
            figure_amount(working.get("quick_deduction")),  # 速算扣除数
            figure_amount(working.get("cumulative_tax")),  # 应纳税额
            "",  # 减免税额
            "",  # 协定减免
            figure_amount(working.get("already_withheld")),  # 已缴税额
            tax,  # 应补退税额: this line's withholding
            remark,
        )


EXPORTER = Exporter(
    identifier="cn-nonresident",
    label=_("Non-residents' wages and labour remuneration (非居民个人)"),
    headers=fmt.CN_NONRESIDENT_HEADERS,
    sheet=fmt.CN_NONRESIDENT_SHEET,
    regimes=("cn-nonresident-wages", "cn-nonresident-labour"),
    rows=rows,
)
