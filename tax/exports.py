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
INCOME_ITEM_WAGES = "正常工资薪金"
INCOME_ITEM_LABOUR = "一般劳务报酬所得"
INCOME_ITEM_LABOUR_CONTINUOUS = "其他连续劳务报酬"
# §8.6, the withholding return (扣缴申报表) as the client exports it, 52 columns: the one
# layout the reference gives that carries 是否为非居民个人 and the per-line working, used
# for non-residents' wages and labour remuneration (their own return, not the residents'
# cumulative §8.1/§8.2 sheets).
CN_NONRESIDENT_SHEET = "非居民个人扣缴申报"
CN_NONRESIDENT_HEADERS = (
    "序号",
    "姓名",
    "身份证件类型",
    "身份证件号码",
    "纳税人识别号",
    "是否为非居民个人",
    "所得项目",
    "收入",
    "费用",
    "免税收入",
    "减除费用",
    "基本养老保险费",
    "基本医疗保险费",
    "失业保险费",
    "住房公积金",
    "年金",
    "商业健康保险",
    "税延养老保险",
    "财产原值",
    "允许扣除的税费",
    "公务交通费用",
    "通讯费用",
    "律师办案费用",
    "住房公积金调整",
    "展业成本",
    "西藏附加减除费用",
    "修缮费用",
    "向出租方支付的租金",
    "有关合理费用",
    "其他",
    "累计收入额",
    "累计减除费用",
    "累计专项扣除",
    "子女教育",
    "赡养老人",
    "住房贷款利息",
    "住房租金",
    "继续教育",
    "3岁以下婴幼儿照护",
    "累计个人养老金",
    "累计其他扣除",
    "减按计税比例",
    "准予扣除的捐赠额",
    "累计应纳税所得额",
    "税率/预扣率",
    "速算扣除数",
    "应纳税额",
    "减免税额",
    "协定减免",
    "已缴税额",
    "应补退税额",
    "备注",
)
# The platform's quarterly 《平台内的经营者和从业人员收入信息报送表》 (§4.1, §4.2). The
# reference confirms the content (identity and income by category; for services
# commission 佣金 and tips/gifts 打赏, each total and net; a live-streaming platform also
# reports each streamer's agency) but not the form's column headers: these are ours.
PLATFORM_INCOME_SHEET = "收入信息"
PLATFORM_INCOME_HEADERS = (
    "姓名",
    "证件类型",
    "证件号码",
    "国家(地区)",
    "直播人员服务机构名称",
    "直播人员服务机构统一社会信用代码",
    "所属期",
    "币种",
    "打赏收入总额",
    "打赏收入净额",
    "佣金收入总额",
    "佣金收入净额",
    "收入净额合计",
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
    # "utf-8" and "UTF-8" name the same codec: mutating the name's case is equivalent.
    # pragma: no mutate start
    yield (BOM + writer.writerow([cell_safe(h) for h in headers])).encode("utf-8")
    for row in rows:
        yield writer.writerow([cell_safe(cell) for cell in row]).encode("utf-8")
        # pragma: no mutate end


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
    try:
        for row in rows:
            worksheet.append([cell_safe(cell) for cell in row])
            count += 1
    except BaseException:
        # Finish the sheet's temporary file now (the caller discards the output): left to the
        # garbage collector, openpyxl's half-written XML stream fails noisily later.
        worksheet.close()
        raise
    workbook.save(out)
    return count


def csv_bytes(*, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The whole CSV at once (small files and tests)."""
    buffer = io.BytesIO()
    csv_write(out=buffer, headers=headers, rows=rows)
    return buffer.getvalue()
