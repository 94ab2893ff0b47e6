"""Tax export layouts, worked line by line (reference: income-tax-withholding.md §4, §5, §8).

Each case: earnings in, a run computed by ``payout_run_compute``, the exported row out,
with figures worked by hand.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from agencies.models import Creator
from payouts.exports import tax_export_prepare
from payouts.runs import payout_run_compute
from tax import exports as fmt

from .factories import agency_make, at, creator_make, earning_make, payout_rate_make

D = Decimal
EVIL = '=HYPERLINK("http://x","y")'

# The headers exactly as the reference lists them.
REF_8_1 = (
    "工号 *姓名 *证件类型 *证件号码 本期收入 本期免税收入 基本养老保险费 基本医疗保险费 失业保险费 "
    "住房公积金 累计子女教育 累计继续教育 累计住房贷款利息 累计住房租金 累计赡养老人 "
    "累计3岁以下婴幼儿照护 累计个人养老金 企业(职业)年金 商业健康保险 税延养老保险 其他 "
    "准予扣除的捐赠额 减免税额 备注"
).split()
REF_8_2 = (
    "工号, *姓名, *证件类型, *证件号码, *所得项目, 本期收入, 本期免税收入, 累计个人养老金, "
    "商业健康保险, 税延养老保险, 其他, 允许扣除的税费, 减免税额, 协定减免, 备注"
).split(", ")
REF_8_6 = (
    "序号, 姓名, 身份证件类型, 身份证件号码, 纳税人识别号, 是否为非居民个人, 所得项目, 收入, 费用, "
    "免税收入, 减除费用, 基本养老保险费, 基本医疗保险费, 失业保险费, 住房公积金, 年金, "
    "商业健康保险, "
    "税延养老保险, 财产原值, 允许扣除的税费, 公务交通费用, 通讯费用, 律师办案费用, 住房公积金调整, "
    "展业成本, 西藏附加减除费用, 修缮费用, 向出租方支付的租金, 有关合理费用, 其他, 累计收入额, "
    "累计减除费用, 累计专项扣除, 子女教育, 赡养老人, 住房贷款利息, 住房租金, 继续教育, "
    "3岁以下婴幼儿照护, 累计个人养老金, 累计其他扣除, 减按计税比例, 准予扣除的捐赠额, "
    "累计应纳税所得额, 税率/预扣率, 速算扣除数, 应纳税额, 减免税额, 协定减免, 已缴税额, "
    "应补退税额, 备注"
).split(", ")
# Our own design (the reference gives the form's content, not its headers).
PLATFORM_INCOME = [
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
]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("layout", "reference", "count"),
    [
        (fmt.CN_WAGES_HEADERS, REF_8_1, 24),
        (fmt.CN_LABOUR_HEADERS, REF_8_2, 15),
        (fmt.CN_NONRESIDENT_HEADERS, REF_8_6, 52),
        (fmt.PLATFORM_INCOME_HEADERS, PLATFORM_INCOME, 13),
    ],
)
def test_headers_are_the_references(layout, reference, count):
    assert list(layout) == reference and len(layout) == count


def person(*, agency=None, kind="", residency="resident", name, doc="居民身份证", number):
    creator = creator_make(agency=agency, kind=kind, residency=residency)
    creator.display_name = "Display Only"
    creator.legal_name, creator.id_document_type, creator.id_number = name, doc, number
    creator.save()
    return creator


def export_csv(tmp_path, *, kind, period, agency="") -> list[list[str]]:
    out = tmp_path / f"{kind}-{period}.csv"
    args = ["tax_export", f"--period={period}", f"--kind={kind}", "-o", str(out)]
    if agency:
        args.append(f"--agency={agency}")
    call_command(*args)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.fixture
def agency(db):
    return agency_make(share="0.2")


# --- Residents: §8.1 wages, §8.2 labour ------------------------------------------------------


def test_resident_wage_line(agency, tmp_path):
    # 20,000 tip + 500 commission = 20,500 gross; agency 20% = 4,100; income 16,400.
    zhang = person(agency=agency, kind="employment", name="张三", number="11010519491231002X")
    earning_make(zhang, "20000.00", when=at(2026, 1, 10))
    earning_make(zhang, "500.00", when=at(2026, 1, 11), kind="commission")
    run = payout_run_compute(period="2026-01", agency=agency)
    rows = export_csv(tmp_path, kind="cn-wages", period="2026-01")
    assert rows == [
        list(fmt.CN_WAGES_HEADERS),
        [zhang.handle, "张三", "居民身份证", "11010519491231002X", "16400.00"]
        + [""] * 18
        + [f"2026-01 run {run.pk}"],
    ]


@pytest.mark.parametrize(
    ("channel", "period", "gross", "income", "item"),
    [
        # Service contract through the agency: 5,000 less 20% share; per payment (§3).
        ("service", "2026-01", "5000.00", "4000.00", "一般劳务报酬所得"),
        # Personal account: the platform withholds cumulatively (16号), §8.3 item 0489.
        ("personal", "2026-02", "10000.00", "10000.00", "其他连续劳务报酬"),
    ],
)
def test_resident_labour_line(agency, tmp_path, channel, period, gross, income, item):
    personal = channel == "personal"
    wang = person(
        agency=None if personal else agency,
        kind="" if personal else "service",
        name="王芳",
        number="110105199001010011",
    )
    month = int(period[5:])
    earning_make(wang, gross, when=at(2026, month, 12))
    if personal:
        payout_run_compute(period=period, personal=True)
    else:
        payout_run_compute(period=period, agency=agency)
    rows = export_csv(tmp_path, kind="cn-labour", period=period)
    assert rows[0] == list(fmt.CN_LABOUR_HEADERS)
    assert rows[1][:6] == [wang.handle, "王芳", "居民身份证", "110105199001010011", item, income]
    assert rows[1][6:14] == [""] * 8 and rows[1][14].startswith(f"{period} run ")
    assert len(rows) == 2
    # Neither lands in the other resident sheet nor the non-residents' return.
    assert len(export_csv(tmp_path, kind="cn-wages", period=period)) == 1
    assert len(export_csv(tmp_path, kind="cn-nonresident", period=period)) == 1


# --- Non-residents: §8.6 --------------------------------------------------------------------

R86 = {name: i for i, name in enumerate(REF_8_6)}


def cells(row: list[str], *names: str) -> list[str]:
    return [row[R86[name]] for name in names]


FIGURES = ("所得项目", "收入", "费用", "减除费用", "累计收入额", "累计减除费用", "累计应纳税所得额")
TAX = ("税率/预扣率", "速算扣除数", "应纳税额", "已缴税额", "应补退税额")


@pytest.mark.parametrize(
    ("channel", "gross", "figures", "tax"),
    [
        # Wages: 20,000 less 20% = 16,000; 16,000 - 5,000 = 11,000 on Table 3: 10%, 210.
        (
            "employment",
            "20000.00",
            ["正常工资薪金", "16000.00", "0.00", "5000.00", "16000.00", "5000.00", "11000.00"],
            ["0.10", "210.00", "890.00", "0.00", "890.00"],
        ),
        # Labour, personal account: 10,000 x 80% = 8,000 on Table 3: 10%, 210.
        (
            "personal",
            "10000.00",
            ["一般劳务报酬所得", "10000.00", "2000.00", "0.00", "10000.00", "0.00", "8000.00"],
            ["0.10", "210.00", "590.00", "0.00", "590.00"],
        ),
    ],
)
def test_nonresident_line(agency, tmp_path, channel, gross, figures, tax):
    personal = channel == "personal"
    smith = person(
        agency=None if personal else agency,
        kind="" if personal else channel,
        residency="non_resident",
        name="John·Smith",
        doc="外国护照",
        number="E12345678",
    )
    earning_make(smith, gross, when=at(2026, 1, 12))
    if personal:
        run = payout_run_compute(period="2026-01", personal=True)
    else:
        run = payout_run_compute(period="2026-01", agency=agency)
    rows = export_csv(tmp_path, kind="cn-nonresident", period="2026-01")
    assert rows[0] == REF_8_6 and len(rows) == 2
    row = rows[1]
    assert row[:7] == ["1", "John·Smith", "外国护照", "E12345678", "", "是", figures[0]]
    assert cells(row, *FIGURES) == figures
    assert cells(row, *TAX) == tax
    assert cells(row, "备注") == [f"2026-01 run {run.pk}"]
    filled = {"序号", "姓名", "身份证件类型", "身份证件号码", "是否为非居民个人", "备注"}
    filled |= set(FIGURES) | set(TAX)
    assert all(row[i] == "" for name, i in R86.items() if name not in filled)
    # Non-residents never appear in the residents' sheets.
    assert len(export_csv(tmp_path, kind="cn-wages", period="2026-01")) == 1
    assert len(export_csv(tmp_path, kind="cn-labour", period="2026-01")) == 1


def test_nonresident_labour_aggregated_within_the_month(agency, tmp_path):
    # Agency (service) 3,750 less 20% = 3,000, then personal 3,000, both January:
    # one payment for the month (§5.1). First: 2,400 x 3% = 72. Second: 6,000 x 80% =
    # 4,800 x 10% - 210 = 270, less 72 withheld = 198.
    lee = person(
        agency=agency,
        kind="service",
        residency="non_resident",
        name="LEE·MEI",
        doc="外国护照",
        number="K7654321",
    )
    earning_make(lee, "3750.00", when=at(2026, 1, 5))
    earning_make(lee, "3000.00", when=at(2026, 1, 6), channel="personal", agency=None)
    first = payout_run_compute(period="2026-01", agency=agency)
    second = payout_run_compute(period="2026-01", personal=True)
    rows = export_csv(tmp_path, kind="cn-nonresident", period="2026-01")
    assert [r[0] for r in rows[1:]] == ["1", "2"]
    assert cells(rows[1], *FIGURES) == [
        "一般劳务报酬所得",
        "3000.00",
        "600.00",
        "0.00",
        "3000.00",
        "0.00",
        "2400.00",
    ]
    assert cells(rows[1], *TAX) == ["0.03", "0.00", "72.00", "0.00", "72.00"]
    assert cells(rows[1], "备注") == [f"2026-01 run {first.pk}"]
    assert cells(rows[2], *FIGURES) == [
        "一般劳务报酬所得",
        "3000.00",
        "1200.00",
        "0.00",
        "6000.00",
        "0.00",
        "4800.00",
    ]
    assert cells(rows[2], *TAX) == ["0.10", "210.00", "270.00", "72.00", "198.00"]
    assert cells(rows[2], "备注") == [f"2026-01 run {second.pk}; 与本月此前支付合并计税"]
    # The agency's own file holds only its line.
    mine = export_csv(tmp_path, kind="cn-nonresident", period="2026-01", agency=agency.code)
    assert len(mine) == 2 and cells(mine[1], "应补退税额") == ["72.00"]


def test_nonresident_xlsx_numbers(agency, tmp_path):
    smith = person(
        agency=agency,
        kind="employment",
        residency="non_resident",
        name="John·Smith",
        doc="外国护照",
        number="E12345678",
    )
    earning_make(smith, "20000.00", when=at(2026, 1, 12))
    payout_run_compute(period="2026-01", agency=agency)
    out = tmp_path / "nr.xlsx"
    call_command("tax_export", "--period=2026-01", "--kind=cn-nonresident", "-o", str(out))
    sheet = load_workbook(out)[fmt.CN_NONRESIDENT_SHEET]
    rows = list(sheet.values)
    assert list(rows[0]) == REF_8_6
    assert rows[1][R86["收入"]] == 16000 and rows[1][R86["应补退税额"]] == 890


# --- Platform income: CNY, by kind, per quarter ---------------------------------------------


def test_platform_income_converts_usd_as_the_run_did(agency, tmp_path):
    # USD at 7.1235 (customs, in force on 2026-01-31). Per run and currency the run
    # converts the sum: 10.01 tip + 15.01 commission - 5.00 reversed = 20.02 USD
    # -> 142.61247 -> 142.61 CNY; commission net 10.01 -> 71.306235 -> 71.31; so tips
    # net = 142.61 - 71.31 = 71.30 (the rounding fen). Totals before reversals: tips
    # 10.01 -> 71.31; commission 15.01 -> 106.923735 -> 106.92. Plus 100.00 CNY of tips.
    payout_rate_make(base="USD", rate="7.1235")
    amy = person(agency=agency, kind="service", name="Amy·Lee", doc="外国护照", number="P1234567")
    earning_make(amy, "10.01", when=at(2026, 1, 3), currency="USD")
    earning_make(amy, "10.01", when=at(2026, 1, 4), currency="USD", kind="commission")
    refunded = earning_make(amy, "5.00", when=at(2026, 1, 5), currency="USD", kind="commission")
    earning_make(
        amy, "-5.00", when=at(2026, 1, 6), currency="USD", kind="commission", reverses=refunded
    )
    earning_make(amy, "100.00", when=at(2026, 1, 7), kind="gift")
    run = payout_run_compute(period="2026-01", agency=agency)
    line = run.lines.get(creator=amy)
    assert line.gross == D("242.61")  # 142.61 + 100.00

    rows = export_csv(tmp_path, kind="platform-income", period="2026-Q1")
    assert rows == [
        PLATFORM_INCOME,
        [
            "Amy·Lee",
            "外国护照",
            "P1234567",
            "CN",
            "Harbour Talent Ltd",
            "91350211M000100Y43",
            "2026-Q1",
            "CNY",
            "171.31",
            "171.30",
            "106.92",
            "71.31",
            "242.61",
        ],
    ]


def test_platform_income_quarter_per_creator_and_agency(agency, tmp_path):
    # January through the agency, February both through the agency and personally.
    zhao = person(agency=agency, kind="service", name="赵六", number="110105199001010020")
    earning_make(zhao, "1000.00", when=at(2026, 1, 10))
    earning_make(zhao, "200.00", when=at(2026, 2, 10), kind="commission")
    earning_make(zhao, "300.00", when=at(2026, 2, 11), channel="personal", agency=None)
    earning_make(zhao, "999.00", when=at(2026, 4, 1))  # next quarter
    for month in ("2026-01", "2026-02", "2026-04"):
        payout_run_compute(period=month, agency=agency)
    payout_run_compute(period="2026-02", personal=True)
    rows = export_csv(tmp_path, kind="platform-income", period="2026-Q1")
    identity = ["赵六", "居民身份证", "110105199001010020", "CN"]
    assert rows[1:] == [
        identity
        + ["Harbour Talent Ltd", "91350211M000100Y43", "2026-Q1", "CNY"]
        + ["1000.00", "1000.00", "200.00", "200.00", "1200.00"],
        identity + ["", "", "2026-Q1", "CNY", "300.00", "300.00", "0.00", "0.00", "300.00"],
    ]
    february = export_csv(tmp_path, kind="platform-income", period="2026-02")
    assert [r[6] for r in february[1:]] == ["2026-02", "2026-02"]
    assert [r[12] for r in february[1:]] == ["200.00", "300.00"]


# --- Names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["cn-wages", "platform-income"])
def test_formula_in_a_legal_name_is_neutralised(agency, tmp_path, kind):
    evil = person(agency=agency, kind="employment", name=EVIL, number="11010519491231002X")
    earning_make(evil, "1000.00", when=at(2026, 1, 10))
    payout_run_compute(period="2026-01", agency=agency)
    rows = export_csv(tmp_path, kind=kind, period="2026-01")
    column = 1 if kind == "cn-wages" else 0
    assert rows[1][column] == "'" + EVIL
    out = tmp_path / "evil.xlsx"
    call_command("tax_export", "--period=2026-01", f"--kind={kind}", "-o", str(out))
    cell = list(load_workbook(out).active.rows)[1][column]
    assert cell.value == "'" + EVIL and cell.data_type == "s"
    assert "Display Only" not in (tmp_path / f"{kind}-2026-01.csv").read_text("utf-8-sig")


@pytest.mark.parametrize(
    ("kind", "blank", "lacks"),
    [
        ("cn-wages", {"legal_name": ""}, "legal name"),
        ("cn-labour", {"legal_name": "  "}, "legal name"),
        ("cn-nonresident", {"id_number": ""}, "ID number"),
        ("platform-income", {"legal_name": "", "id_document_type": ""}, "legal name, ID type"),
    ],
)
def test_missing_legal_name_or_id_refuses_the_export(agency, tmp_path, kind, blank, lacks):
    residency = "non_resident" if kind == "cn-nonresident" else "resident"
    contract = "service" if kind == "cn-labour" else "employment"
    ok = person(agency=agency, kind=contract, residency=residency, name="甲", number="E1111111")
    nameless = person(
        agency=agency, kind=contract, residency=residency, name="乙", number="E2222222"
    )
    earning_make(ok, "1000.00", when=at(2026, 1, 10))
    earning_make(nameless, "1000.00", when=at(2026, 1, 10))
    payout_run_compute(period="2026-01", agency=agency)
    # Blanked after the run: a run holds a creator without them (test_identity_hold_agency);
    # the export still refuses a line whose creator lost them since.
    for field, value in blank.items():
        setattr(nameless, field, value)
    nameless.save()
    out = tmp_path / "refused.csv"
    with pytest.raises(CommandError) as excinfo:
        call_command("tax_export", "--period=2026-01", f"--kind={kind}", "-o", str(out))
    assert str(excinfo.value) == (
        "1 creator(s) lack the legal name or identity document a filing needs (the display "
        f"name is never used): {nameless.handle} ({lacks}). Complete them and export again."
    )
    assert list(tmp_path.iterdir()) == []


def test_missing_names_are_listed_up_to_twenty(agency, tmp_path):
    nameless = []
    for n in range(22):
        creator = person(agency=agency, kind="employment", name="名", number=f"E{n:07d}")
        earning_make(creator, "100.00", when=at(2026, 1, 10))
        nameless.append(creator.handle)
    payout_run_compute(period="2026-01", agency=agency)
    # Blanked after the run (a run holds a creator without a name: test_identity_hold_agency).
    Creator.objects.filter(handle__in=nameless).update(legal_name="")
    with pytest.raises(Exception) as excinfo:
        tax_export_prepare(kind="cn-wages", period="2026-01")
    message = str(excinfo.value)
    assert message.startswith("22 creator(s) lack")
    listed = sorted(nameless)[:20]
    assert all(f"{h} (legal name)" in message for h in listed)
    assert "and 2 more" in message
    assert "E0000000" not in message  # no ID numbers in messages


def test_missing_name_outside_the_export_does_not_block_it(agency, tmp_path):
    wages = person(agency=agency, kind="employment", name="张三", number="11010519491231002X")
    labour = person(agency=agency, kind="service", name="李四", number="110105199001010011")
    earning_make(wages, "1000.00", when=at(2026, 1, 10))
    earning_make(labour, "1000.00", when=at(2026, 1, 10))
    payout_run_compute(period="2026-01", agency=agency)
    # Blanked after the run (a run holds a creator without a name: test_identity_hold_agency).
    Creator.objects.filter(pk=labour.pk).update(legal_name="")
    assert len(export_csv(tmp_path, kind="cn-wages", period="2026-01")) == 2
    with pytest.raises(CommandError, match="lack the legal name"):
        export_csv(tmp_path, kind="cn-labour", period="2026-01")
