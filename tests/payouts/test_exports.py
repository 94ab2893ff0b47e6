import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.http import StreamingHttpResponse
from django.utils import translation
from openpyxl import load_workbook

from payouts.exports import ExportError, export_months, tax_export_prepare
from payouts.runs import payout_run_compute
from tax.exports import (
    CN_LABOUR_HEADERS,
    CN_WAGES_HEADERS,
    PLATFORM_INCOME_HEADERS,
    cell_safe,
    csv_bytes,
    xlsx_write,
)
from tests.factories import UserFactory

from .factories import agency_make, at, creator_make, earning_make

D = Decimal
ID_NUMBER = "11010519491231002X"
EVIL = '=HYPERLINK("http://x","y")'


@pytest.fixture(autouse=True)
def _english():
    """Messages in English (an earlier web test may leave another language active)."""
    with translation.override("en"):
        yield


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def runs(db):
    agency = agency_make(share="0.2")
    wages = creator_make(agency=agency, kind="employment")
    wages.id_document_type, wages.id_number = "居民身份证", ID_NUMBER
    wages.display_name = EVIL
    wages.save()
    earning_make(wages, "20000.00", when=at(2026, 1, 10))
    earning_make(wages, "500.00", when=at(2026, 1, 11), kind="commission")
    labour = creator_make(agency=agency, kind="service")
    earning_make(labour, "5000.00", when=at(2026, 1, 12))
    personal = creator_make()
    earning_make(personal, "10000.00", when=at(2026, 2, 12), kind="gift")
    january = payout_run_compute(period="2026-01", agency=agency)
    february = payout_run_compute(period="2026-02", personal=True)
    return {"agency": agency, "january": january, "february": february, "wages": wages}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("plain", "plain"),
        ("李=1", "李=1"),
        (D("-5.00"), D("-5.00")),
        (None, ""),
    ],
)
def test_cell_safe_neutralises_formulas_only(value, expected):
    assert cell_safe(value) == expected


def test_csv_has_bom_and_neutralised_cells():
    data = csv_bytes(headers=("a", "b"), rows=[("=cmd|' /C calc'!A0", D("1.50"))])
    assert csv_rows(data) == [["a", "b"], ["'=cmd|' /C calc'!A0", "1.50"]]


def test_xlsx_cells_are_text_not_formulas(tmp_path):
    path = tmp_path / "out.xlsx"
    xlsx_write(out=str(path), sheet="s", headers=("a", "b"), rows=[("=1+2", D("3.25"))])
    sheet = load_workbook(path).active
    assert [c.value for c in sheet[2]] == ["'=1+2", 3.25]
    assert sheet["A2"].data_type == "s"


@pytest.mark.parametrize(
    ("kind", "period", "months"),
    [
        ("cn-wages", "2026-01", ("2026-01",)),
        ("platform-income", "2026-q3", ("2026-07", "2026-08", "2026-09")),
        ("platform-income", "2026-02", ("2026-02",)),
    ],
)
def test_export_periods(kind, period, months):
    assert export_months(kind=kind, period=period) == months


@pytest.mark.parametrize(("kind", "period"), [("cn-wages", "2026-Q1"), ("cn-labour", "2026-13")])
def test_bad_periods_are_refused(kind, period):
    with pytest.raises(ExportError, match="Period must be"):
        export_months(kind=kind, period=period)


def test_cn_wages_csv_layout(runs, tmp_path):
    out = tmp_path / "wages.csv"
    call_command("tax_export", "--period", "2026-01", "--kind", "cn-wages", "-o", str(out))
    rows = csv_rows(out.read_bytes())
    assert rows[0] == list(CN_WAGES_HEADERS) and len(rows[0]) == 24
    assert rows[0][:5] == ["工号", "*姓名", "*证件类型", "*证件号码", "本期收入"]
    line = runs["january"].lines.get(creator=runs["wages"])
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == "'" + EVIL  # display name is a formula: neutralised
    assert row[2:5] == ["居民身份证", ID_NUMBER, str(line.income)]
    assert len(row) == 24


def test_cn_labour_csv_layout_and_income_items(runs, tmp_path):
    out = tmp_path / "labour.csv"
    call_command("tax_export", "--period=2026-01", "--kind=cn-labour", "-o", str(out))
    rows = csv_rows(out.read_bytes())
    assert rows[0] == list(CN_LABOUR_HEADERS) and len(rows[0]) == 15
    assert [r[4] for r in rows[1:]] == ["一般劳务报酬所得"]
    assert rows[1][5] == "4000.00"

    out2 = tmp_path / "labour2.csv"
    call_command("tax_export", "--period=2026-02", "--kind=cn-labour", "-o", str(out2))
    assert [r[4] for r in csv_rows(out2.read_bytes())[1:]] == ["其他连续劳务报酬"]


def test_cn_wages_xlsx(runs, tmp_path):
    out = tmp_path / "wages.xlsx"
    call_command("tax_export", "--period=2026-01", "--kind=cn-wages", "-o", str(out))
    book = load_workbook(out)
    sheet = book["正常工资薪金收入"]
    rows = list(sheet.values)
    assert list(rows[0]) == list(CN_WAGES_HEADERS)
    assert rows[1][1] == "'" + EVIL and rows[1][3] == ID_NUMBER


def test_platform_income_by_kind_for_a_quarter(runs, tmp_path):
    out = tmp_path / "platform.csv"
    call_command("tax_export", "--period=2026-Q1", "--kind=platform-income", "-o", str(out))
    rows = csv_rows(out.read_bytes())
    assert rows[0] == list(PLATFORM_INCOME_HEADERS)
    by_id = {r[2]: r for r in rows[1:]}
    wages = by_id[ID_NUMBER]
    assert wages[4:] == ["harbour", "2026-Q1", "CNY", "20000.00", "500.00", "20500.00"]
    assert len(rows) == 4  # three creators, one currency each


def test_agency_filter(runs, tmp_path):
    out = tmp_path / "p.csv"
    call_command(
        "tax_export", "--period=2026-Q1", "--kind=platform-income", "--agency=harbour", "-o", out
    )
    assert len(csv_rows(out.read_bytes())) == 3


@pytest.mark.django_db
def test_command_without_run_fails_with_one_line(tmp_path):
    out = tmp_path / "none.csv"
    with pytest.raises(CommandError) as excinfo:
        call_command("tax_export", "--period=2026-03", "--kind=cn-wages", "-o", str(out))
    assert str(excinfo.value) == ("No computed payout run for 2026-03: compute the run first.")
    assert not out.exists()


@pytest.mark.django_db
def test_command_exit_code_is_non_zero(tmp_path, capsys):
    from django.core.management import execute_from_command_line

    with pytest.raises(SystemExit) as excinfo:
        execute_from_command_line(
            ["manage.py", "tax_export", "--period=2026-03", "--kind=cn-wages", "-o", "x.csv"]
        )
    assert excinfo.value.code != 0
    err = capsys.readouterr().err.strip()
    assert err == "CommandError: No computed payout run for 2026-03: compute the run first."


def test_unknown_agency(runs, tmp_path):
    with pytest.raises(CommandError, match="Unknown agency"):
        call_command("tax_export", "--period=2026-01", "--kind=cn-wages", "--agency=x", "-o", "y")


def test_id_numbers_never_logged(runs, caplog, tmp_path):
    caplog.set_level("DEBUG")
    call_command("tax_export", "--period=2026-01", "--kind=cn-wages", "-o", tmp_path / "w.csv")
    export = tax_export_prepare(kind="cn-wages", period="2026-01")
    list(export.rows())
    assert ID_NUMBER not in caplog.text


# --- Finance downloads ----------------------------------------------------------------------


@pytest.fixture
def finance(db):
    user = UserFactory(username="finance", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_payoutline"))
    return user


def download(client, **data):
    return client.post("/finance/tax-exports/", data={"format": "csv", "agency": "", **data})


def test_finance_download_streams_csv(runs, finance, client):
    client.force_login(finance)
    assert client.get("/finance/tax-exports/").status_code == 200
    response = download(client, kind="cn-wages", period="2026-01")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    rows = csv_rows(b"".join(response.streaming_content))
    assert rows[0] == list(CN_WAGES_HEADERS)
    assert rows[1][1] == "'" + EVIL
    assert 'filename="tax-cn-wages-2026-01.csv"' in response["Content-Disposition"]


def test_finance_download_xlsx(runs, finance, client, tmp_path):
    client.force_login(finance)
    response = download(client, kind="cn-labour", period="2026-01", format="xlsx")
    assert isinstance(response, StreamingHttpResponse)
    path = tmp_path / "d.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    assert list(load_workbook(path).active.values)[0] == CN_LABOUR_HEADERS


def test_finance_download_without_run_is_a_form_error(finance, client):
    client.force_login(finance)
    response = download(client, kind="cn-wages", period="2026-03")
    assert response.status_code == 200
    assert "No computed payout run for 2026-03" in response.content.decode()


@pytest.mark.django_db
def test_finance_download_needs_the_permission(client):
    client.force_login(UserFactory(username="plain", is_staff=True))
    assert client.get("/finance/tax-exports/").status_code == 403
    client.logout()
    assert client.get("/finance/tax-exports/").status_code == 302
