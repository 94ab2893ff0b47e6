"""Export formats: the withholding client's import layouts, formula-safe CSV and XLSX.

Pure formatting, no Django: rows come in as sequences of cells, bytes (CSV) or a
workbook file (XLSX) go out, row by row, so memory stays flat whatever the size.

Formula injection: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with a single quote, so a spreadsheet shows it as text and
never evaluates it. Numbers (``Decimal``, ``int``) are written as numbers: they are data,
not formulas, and must stay summable.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

# reference/income-tax-withholding.md §8.1: sheet "正常工资薪金收入", 24 columns.
CN_WAGES_SHEET = "正常工资薪金收入"
CN_WAGES_HEADERS = (
    "工号",
    "*姓名",
    "*证件类型",
    "*证件号码",
    "本期收入",
    "本期免税收入",
    "基本养老保险费",
    "基本医疗保险费",
    "失业保险费",
    "住房公积金",
    "累计子女教育",
    "累计继续教育",
    "累计住房贷款利息",
    "累计住房租金",
    "累计赡养老人",
    "累计3岁以下婴幼儿照护",
    "累计个人养老金",
    "企业(职业)年金",
    "商业健康保险",
    "税延养老保险",
    "其他",
    "准予扣除的捐赠额",
    "减免税额",
    "备注",
)
# §8.2, the 15-column layout.
CN_LABOUR_SHEET = "劳务报酬所得"
CN_LABOUR_HEADERS = (
    "工号",
    "*姓名",
    "*证件类型",
    "*证件号码",
    "*所得项目",
    "本期收入",
    "本期免税收入",
    "累计个人养老金",
    "商业健康保险",
    "税延养老保险",
    "其他",
    "允许扣除的税费",
    "减免税额",
    "协定减免",
    "备注",
)
# §8.3 income items.
INCOME_ITEM_LABOUR = "一般劳务报酬所得"
INCOME_ITEM_LABOUR_CONTINUOUS = "其他连续劳务报酬"
# The platform's quarterly income report (§4.1, §4.2): identity and income by kind.
PLATFORM_INCOME_SHEET = "收入信息"
PLATFORM_INCOME_HEADERS = (
    "姓名",
    "证件类型",
    "证件号码",
    "国家(地区)",
    "直播人员服务机构",
    "所属期",
    "币种",
    "打赏收入",
    "佣金收入",
    "收入合计",
)

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def cell_safe(value: Any) -> Any:
    """A cell value that no spreadsheet evaluates: numbers as they are, text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal | int | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(*, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM (Excel then reads the Chinese headers), one chunk per row."""
    writer = csv.writer(_Echo())
    yield (BOM + writer.writerow([cell_safe(h) for h in headers])).encode("utf-8")
    for row in rows:
        yield writer.writerow([cell_safe(cell) for cell in row]).encode("utf-8")


def csv_write(*, out: IO[bytes], headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write the CSV to a binary file; the number of data rows written."""
    count = -1
    for chunk in csv_stream(headers=headers, rows=rows):
        out.write(chunk)
        count += 1
    return count


def xlsx_write(
    *, out: IO[bytes] | str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Write one sheet in openpyxl's write-only mode (rows go to disk as they come)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    worksheet.append([cell_safe(h) for h in headers])
    count = 0
    for row in rows:
        worksheet.append([cell_safe(cell) for cell in row])
        count += 1
    workbook.save(out)
    return count


def csv_bytes(*, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The whole CSV at once (small files and tests)."""
    buffer = io.BytesIO()
    csv_write(out=buffer, headers=headers, rows=rows)
    return buffer.getvalue()
