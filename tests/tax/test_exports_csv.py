"""CSV/XLSX safety in tax.exports on its own (pure, no Django): formula injection defused,
numbers kept as numbers, the BOM and row counts exact. The mutation group `tax-exports`
runs these (scripts/mutation.sh)."""

import csv
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from tax.exports import (
    BOM,
    FORMULA_PREFIXES,
    cell_safe,
    csv_bytes,
    csv_stream,
    csv_write,
    xlsx_write,
)


def test_the_six_formula_prefixes():
    # OWASP CSV injection: = + - @ and the tab / carriage return that some readers strip.
    assert FORMULA_PREFIXES == ("=", "+", "-", "@", "\t", "\r")
    assert BOM == "\ufeff"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+86 138", "'+86 138"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        # Only a leading prefix is dangerous: inside the text it is data.
        ("a=b", "a=b"),
        ("王芳", "王芳"),
        ("", ""),
        (None, ""),
        # Booleans are text (True is an int in Python, but not an amount).
        (True, "True"),
        (False, "False"),
        # Numbers stay numbers, negative ones too, so a spreadsheet can sum them.
        (D("-5.00"), D("-5.00")),
        (-3, -3),
        (0, 0),
        (1.5, 1.5),
    ],
)
def test_cell_safe(value, expected):
    result = cell_safe(value)
    assert result == expected
    assert type(result) is type(expected)


def test_a_non_text_non_number_is_written_as_its_text():
    class Period:
        def __str__(self):
            return "=2026-01"

    assert cell_safe(Period()) == "'=2026-01"


def test_the_csv_starts_with_one_bom_and_defuses_headers_and_cells():
    data = csv_bytes(headers=("=h", "金额"), rows=[("-1", D("1.50")), ("ok", None)])
    assert data.startswith(BOM.encode("utf-8"))
    assert data.count(BOM.encode("utf-8")) == 1
    text = data.decode("utf-8")[1:]
    assert list(csv.reader(io.StringIO(text))) == [
        ["'=h", "金额"],
        ["'-1", "1.50"],
        ["ok", ""],
    ]
    assert text.endswith("\r\n")


def test_the_stream_yields_one_chunk_per_row_headers_first():
    chunks = list(csv_stream(headers=("a",), rows=[("1",), ("2",)]))
    assert chunks == [(BOM + "a\r\n").encode(), b"1\r\n", b"2\r\n"]


@pytest.mark.parametrize("n", [0, 1, 3])
def test_csv_write_returns_the_number_of_data_rows(n):
    out = io.BytesIO()
    assert csv_write(out=out, headers=("a", "b"), rows=[("x", i) for i in range(n)]) == n
    assert out.getvalue().decode("utf-8").count("\r\n") == n + 1


def test_xlsx_cells_are_text_or_numbers_never_formulas(tmp_path):
    path = tmp_path / "out.xlsx"
    written = xlsx_write(
        out=str(path),
        sheet="非居民个人扣缴申报 with a name longer than thirty-one characters",
        headers=("=a", "b"),
        rows=[("=1+2", D("3.25")), ("@x", -4)],
    )
    assert written == 2
    book = load_workbook(path)
    # Excel refuses sheet names over 31 characters: the name is cut, not refused.
    assert book.sheetnames == ["非居民个人扣缴申报 with a name longer th"]
    sheet = book.active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["'=a", "b"],
        ["'=1+2", 3.25],
        ["'@x", -4],
    ]
    assert sheet["A2"].data_type == "s" and sheet["B2"].data_type == "n"


def test_xlsx_write_passes_a_failing_rows_error_through(tmp_path):
    def rows():
        yield ("ok", 1)
        raise ValueError("source failed")

    with pytest.raises(ValueError, match="source failed"):
        xlsx_write(out=str(tmp_path / "x.xlsx"), sheet="s", headers=("a", "b"), rows=rows())
