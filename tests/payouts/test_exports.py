"""Tax exports: formats, periods, the command's refusals and the finance downloads.

The layouts, worked line by line, are in test_exports_cases.py.
"""

import csv
import io
import os
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command, execute_from_command_line
from django.http import StreamingHttpResponse
from django.utils import translation
from openpyxl import load_workbook

from payouts import exports as payouts_exports
from payouts.exports import EXPORT_KINDS, ExportError, export_months, tax_export_prepare
from payouts.runs import payout_run_compute
from tax.exports import (
    CN_LABOUR_HEADERS,
    CN_NONRESIDENT_HEADERS,
    CN_WAGES_HEADERS,
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


def identified(creator, *, name: str, number: str = ID_NUMBER, doc: str = "居民身份证"):
    creator.legal_name, creator.id_document_type, creator.id_number = name, doc, number
    creator.save()
    return creator


@pytest.fixture
def runs(db):
    agency = agency_make(share="0.2")
    wages = identified(creator_make(agency=agency, kind="employment"), name=EVIL)
    earning_make(wages, "20000.00", when=at(2026, 1, 10))
    labour = identified(
        creator_make(agency=agency, kind="service"), name="王芳", number="110105199001010011"
    )
    earning_make(labour, "5000.00", when=at(2026, 1, 12))
    personal = identified(creator_make(), name="赵六", number="110105199001010020")
    earning_make(personal, "10000.00", when=at(2026, 2, 12), kind="gift")
    january = payout_run_compute(period="2026-01", agency=agency)
    february = payout_run_compute(period="2026-02", personal=True)
    return {"agency": agency, "january": january, "february": february, "wages": wages}


# --- Formats --------------------------------------------------------------------------------


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


# --- Periods and kinds ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "period", "months"),
    [
        ("cn-wages", "2026-01", ("2026-01",)),
        ("cn-nonresident", "2026-12", ("2026-12",)),
        ("platform-income", "2026-q3", ("2026-07", "2026-08", "2026-09")),
        ("platform-income", "2026-Q1", ("2026-01", "2026-02", "2026-03")),
        ("platform-income", "2026-02", ("2026-02",)),
    ],
)
def test_export_periods(kind, period, months):
    assert export_months(kind=kind, period=period) == months


@pytest.mark.parametrize(
    ("kind", "period", "message"),
    [
        ("cn-wages", "2026-Q1", "Period must be YYYY-MM."),
        ("cn-labour", "2026-13", "Period must be YYYY-MM."),
        ("cn-nonresident", "26-01", "Period must be YYYY-MM."),
        ("platform-income", "2026-Q5", "Period must be YYYY-MM or YYYY-Qn, e.g. 2026-Q3."),
    ],
)
def test_bad_periods_are_refused(kind, period, message):
    with pytest.raises(ExportError) as excinfo:
        export_months(kind=kind, period=period)
    assert str(excinfo.value) == message


def test_command_offers_every_kind():
    assert EXPORT_KINDS == ("cn-wages", "cn-labour", "cn-nonresident", "platform-income")


@pytest.mark.django_db
def test_unknown_kind_is_refused():
    with pytest.raises(ExportError, match="Unknown export kind 'cn-other'"):
        tax_export_prepare(kind="cn-other", period="2026-01")


# --- Refusals: nothing written --------------------------------------------------------------

NO_RUN = "No computed payout run for 2026-03: compute the run first."


@pytest.mark.django_db
@pytest.mark.parametrize("kind", EXPORT_KINDS)
def test_command_without_run_fails_with_one_line_and_no_file(kind, tmp_path):
    out = tmp_path / "none.csv"
    with pytest.raises(CommandError) as excinfo:
        call_command("tax_export", "--period=2026-03", f"--kind={kind}", "-o", str(out))
    assert str(excinfo.value) == NO_RUN
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_command_exit_code_is_non_zero(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as excinfo:
        execute_from_command_line(
            ["manage.py", "tax_export", "--period=2026-03", "--kind=cn-wages", "-o", "x.csv"]
        )
    assert excinfo.value.code == 1
    assert capsys.readouterr().err.strip() == f"CommandError: {NO_RUN}"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.django_db
def test_refused_export_leaves_an_existing_file_alone(tmp_path):
    out = tmp_path / "wages.csv"
    out.write_bytes(b"last month's file")
    with pytest.raises(CommandError):
        call_command("tax_export", "--period=2026-03", "--kind=cn-wages", "-o", str(out))
    assert out.read_bytes() == b"last month's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wages.csv"]


def test_run_not_computed_names_its_state(runs, tmp_path):
    from payouts.models import PayoutRun

    PayoutRun.objects.create(period="2026-03", scope="personal")
    with pytest.raises(CommandError) as excinfo:
        call_command("tax_export", "--period=2026-03", "--kind=cn-labour", "-o", tmp_path / "x")
    assert str(excinfo.value) == (
        "No computed payout run for 2026-03 (runs found: draft): compute the run first."
    )


def test_agency_without_run_in_the_period(runs, tmp_path):
    agency_make(code="other")
    with pytest.raises(CommandError) as excinfo:
        call_command(
            "tax_export", "--period=2026-01", "--kind=cn-wages", "--agency=other", "-o", "x.csv"
        )
    assert str(excinfo.value) == (
        "No computed payout run for 2026-01 (other): compute the run first."
    )


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_failure_while_writing_leaves_no_file(runs, tmp_path, monkeypatch, extension):
    def rows(self):
        yield ("first", "row")
        raise ExportError("broken half-way")

    monkeypatch.setattr(payouts_exports.TaxExport, "rows", rows)
    out = tmp_path / f"wages.{extension}"
    with pytest.raises(CommandError, match="broken half-way"):
        call_command("tax_export", "--period=2026-01", "--kind=cn-wages", "-o", str(out))
    assert list(tmp_path.iterdir()) == []


def test_missing_directory_is_refused(runs, tmp_path):
    out = tmp_path / "nowhere" / "wages.csv"
    with pytest.raises(CommandError, match="No such directory"):
        call_command("tax_export", "--period=2026-01", "--kind=cn-wages", "-o", str(out))


def test_unknown_agency(runs, tmp_path):
    with pytest.raises(CommandError, match="Unknown agency 'x'"):
        call_command(
            "tax_export", "--period=2026-01", "--kind=cn-wages", "--agency=x", "-o", tmp_path / "y"
        )
    assert list(tmp_path.iterdir()) == []


def test_written_file_is_complete_and_private(runs, tmp_path):
    out = tmp_path / "wages.csv"
    stdout = io.StringIO()
    call_command("tax_export", "--period=2026-01", "--kind=cn-wages", "-o", out, stdout=stdout)
    assert stdout.getvalue().strip() == (f"tax export cn-wages 2026-01: 1 lines written to {out}")
    assert os.stat(out).st_mode & 0o077 == 0  # it holds ID numbers
    assert sorted(p.name for p in tmp_path.iterdir()) == ["wages.csv"]


@pytest.mark.parametrize("kind", EXPORT_KINDS)
def test_id_numbers_never_logged(runs, caplog, tmp_path, kind):
    caplog.set_level("DEBUG")
    period = "2026-Q1" if kind == "platform-income" else "2026-01"
    call_command("tax_export", f"--period={period}", f"--kind={kind}", "-o", tmp_path / "w.csv")
    list(tax_export_prepare(kind=kind, period=period).rows())
    assert "tax export" in caplog.text
    assert ID_NUMBER not in caplog.text


def test_agency_filter(runs, tmp_path):
    out = tmp_path / "p.csv"
    call_command(
        "tax_export", "--period=2026-Q1", "--kind=platform-income", "--agency=harbour", "-o", out
    )
    assert len(csv_rows(out.read_bytes())) == 3  # header and the agency's two creators
    call_command("tax_export", "--period=2026-Q1", "--kind=platform-income", "-o", out)
    assert len(csv_rows(out.read_bytes())) == 4  # and the personal account


# --- Finance downloads ----------------------------------------------------------------------

URL = "/finance/tax-exports/"


@pytest.fixture
def finance(db):
    user = UserFactory(username="finance", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_payoutline"))
    return user


def download(client, **data):
    return client.post(URL, data={"format": "csv", "agency": "", **data})


def test_finance_download_streams_csv(runs, finance, client):
    client.force_login(finance)
    page = client.get(URL)
    assert page.status_code == 200
    assert 'value="cn-nonresident"' in page.content.decode()
    response = download(client, kind="cn-wages", period="2026-01")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    rows = csv_rows(b"".join(response.streaming_content))
    assert rows[0] == list(CN_WAGES_HEADERS)
    assert rows[1][1] == "'" + EVIL
    assert 'filename="tax-cn-wages-2026-01.csv"' in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("kind", "headers"),
    [("cn-labour", CN_LABOUR_HEADERS), ("cn-nonresident", CN_NONRESIDENT_HEADERS)],
)
def test_finance_download_xlsx(runs, finance, client, tmp_path, kind, headers):
    client.force_login(finance)
    response = download(client, kind=kind, period="2026-01", format="xlsx")
    assert isinstance(response, StreamingHttpResponse)
    assert f"tax-{kind}-2026-01.xlsx" in response["Content-Disposition"]
    path = tmp_path / "d.xlsx"
    path.write_bytes(b"".join(response.streaming_content))
    assert list(load_workbook(path).active.values)[0] == headers


def test_finance_download_without_run_is_a_form_error(finance, client):
    client.force_login(finance)
    response = download(client, kind="cn-wages", period="2026-03")
    assert response.status_code == 200
    assert "Content-Disposition" not in response
    assert NO_RUN in response.content.decode()


def test_finance_download_with_missing_legal_name_is_a_form_error(runs, finance, client):
    wages = runs["wages"]
    wages.legal_name = ""
    wages.save()
    client.force_login(finance)
    for fmt in ("csv", "xlsx"):
        response = download(client, kind="cn-wages", period="2026-01", format=fmt)
        assert response.status_code == 200 and "Content-Disposition" not in response
        page = response.content.decode()
        assert f"{wages.handle} (legal name)" in page
        assert ID_NUMBER not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("staff", "superuser", "permission", "status"),
    [
        (True, False, True, 200),  # finance staff
        (False, True, False, 200),  # superuser
        (True, False, False, 403),  # other staff
        (False, False, True, 403),  # permission but not staff (e.g. agency staff)
        (False, False, False, 403),  # a shopper
    ],
)
def test_finance_access(client, staff, superuser, permission, status):
    user = UserFactory(username="someone", is_staff=staff, is_superuser=superuser)
    if permission:
        user.user_permissions.add(Permission.objects.get(codename="view_payoutline"))
    client.force_login(user)
    assert client.get(URL).status_code == status
    assert download(client, kind="cn-wages", period="2026-01").status_code == status


@pytest.mark.django_db
def test_finance_page_needs_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]
    assert download(client, kind="cn-wages", period="2026-01").status_code == 302
