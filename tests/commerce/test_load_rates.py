from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from oscar.core.loading import get_model

Rate = get_model("partner", "Rate")

pytestmark = pytest.mark.django_db


def write(tmp_path, text):
    path = tmp_path / "rates.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_loads_and_updates(tmp_path):
    path = write(
        tmp_path,
        "base,quote,rate,source,as_of,kind\n"
        "CNY,USD,0.1405,ECB,2026-11-20,display\n"
        "CNY,JPY,21.35,PBOC,2026-11-20,customs\n",
    )
    call_command("load_rates", path)
    call_command("load_rates", path)
    assert Rate.objects.count() == 2
    assert Rate.objects.get(kind="customs").rate == Decimal("21.35")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("CNY,USD,abc,ECB,2026-11-20", "line 3: rate='abc'"),
        ("CNY,USD,-1,ECB,2026-11-20", "line 3: rate='-1'"),
        ("CNY,XYZ,1,ECB,2026-11-20", "line 3: quote='XYZ'"),
        ("CNY,USD,1,ECB,20/11/2026", "line 3: as_of='20/11/2026'"),
        ("CNY,USD,1,,2026-11-20", "line 3: source=''"),
    ],
)
def test_bad_row_loads_nothing(tmp_path, row, message):
    path = write(tmp_path, f"base,quote,rate,source,as_of\nCNY,EUR,0.12,ECB,2026-11-20\n{row}\n")
    with pytest.raises(CommandError, match=message):
        call_command("load_rates", path)
    assert Rate.objects.count() == 0


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("load_rates", str(tmp_path / "nope.csv"))
