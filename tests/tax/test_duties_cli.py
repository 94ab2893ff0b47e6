"""python -m tax.duties: worked computation, JSON, exit status, one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tax.duties.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
GB = ["--to", "GB", "--currency", "GBP", "--on", "2026-11-21", "--shipping", "3.50"]


def test_worked_computation(capsys):
    assert main([*GB, "--line", "Face cream,330499,JP,2,40.00"]) == 0
    out = capsys.readouterr().out
    # 2 x 40.00 + 3.50 = 83.50 at 20% = 16.70, at sale.
    assert "Line 1: Face cream, HS 330499: 2 x 40.00 = 80.00" in out
    assert "import_vat: 83.50 x 20% = 16.7 -> 16.70" in out
    assert "Duty 0.00, tax 16.70, total 100.20 (at_checkout)" in out
    assert "Charged at checkout: Import VAT (UK) 16.70" in out


def test_json(capsys):
    line = '"Cream, face",330499,FR,1,6000.00,vat=13%,ct=15%,duty=0.05'
    assert main(["--to", "CN", "--on", "2026-07-15", "--json", "--line", line]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["rule"] == "cn:cbec_full_rates"
    assert (data["duty"], data["tax"], data["total"]) == ("300.00", "2075.29", "8375.29")
    assert data["lines"][0]["description"] == "Cream, face"


def test_refused_exits_1(capsys):
    args = ["--to", "CN", "--on", "2026-07-15", "--line", "Cream,330499,FR,2,3000.00,vat=0.13"]
    assert main(args) == 1
    assert "REFUSED (cn:cbec)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param([*GB, "--line", "Cream,3304,JP,1,4.00"], "hs_code='3304'", id="hs-code"),
        pytest.param([*GB, "--line", "Cream,330499,JP,1,4.001"], "unit_price", id="precision"),
        pytest.param([*GB, "--line", "Cream,330499,JP,two,4.00"], "quantity", id="quantity"),
        pytest.param([*GB, "--line", "Cream,330499"], "expected description", id="short-line"),
        pytest.param([*GB, "--line", "Cream,330499,JP,1,4.00,tax=1"], "unknown option", id="opt"),
        pytest.param([*GB, "--line", "Cream,330499,JP,1,x"], "not a number", id="price-text"),
        pytest.param(["--to", "BR", "--line", "C,330499,JP,1,4.00"], "destination", id="dest"),
        pytest.param(
            ["--to", "GB", "--currency", "EUR", "--line", "C,330499,JP,1,4.00"],
            "currency",
            id="currency",
        ),
        pytest.param([*GB[:4], "--on", "21/11/2026", "--line", "C,330499,JP,1,4"], "--on", id="on"),
        pytest.param(["--line", "C,330499,JP,1,4.00"], "--to", id="missing-to"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, words, capsys):
    with pytest.raises(SystemExit) if "--to" not in args else _no_raise():
        code = main(args)
        assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert words in err


class _no_raise:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_module_runs_as_a_script():
    run = subprocess.run(
        [sys.executable, "-m", "tax.duties", *GB, "--line", "Face cream,330499,JP,2,40.00"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "total 100.20" in run.stdout
