"""python -m tax.withholding: worked computations and one-line errors."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tax.withholding.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_labour_payment_steps(capsys):
    code, out, err = run(capsys, "--regime", "cn-resident-labour", "--period", "2026-01", "2000")
    assert code == 0 and err == ""
    for step in ("2,000.00", "800.00", "1,200.00", "20%", "240.00"):
        assert step in out
    assert "Total to withhold: 240.00 CNY" in out


def test_wage_months_with_deductions(capsys):
    code, out, _ = run(
        capsys,
        "--regime",
        "cn-resident-wages",
        "--period",
        "2026-01,2026-02,2026-03",
        "--deductions",
        "6500",
        "30000",
        "30000",
        "30000",
    )
    assert code == 0
    assert "55,500.00" in out and "2,520.00" in out and "1,850.00" in out
    assert "Total to withhold: 3,030.00 CNY over 3 payment(s)" in out


def test_one_period_for_several_amounts_aggregates(capsys):
    code, out, _ = run(
        capsys, "--regime", "cn-resident-labour", "--period", "2026-03", "3000", "3000"
    )
    assert code == 0
    assert "6,000.00" in out and "520.00" in out
    assert "Total to withhold: 960.00 CNY" in out


def test_json_output(capsys):
    code, out, _ = run(
        capsys, "--regime", "us", "--no-taxpayer-id", "--period", "2026-02", "2000", "--json"
    )
    assert code == 0
    (row,) = json.loads(out)
    # Was 1,000 -> 240.00: wrong, 26 U.S.C. 3406(b)(6) withholds only on payments that
    # reach the 2026 threshold of USD 2,000 (issue #11). 2,000 x 24% = 480.00.
    assert row["tax"] == "480.00" and row["flags"] == ["reportable", "backup-withholding"]


def test_prior_year_reported_flag(capsys):
    # 3406(b)(6)(B): a return was due for the payee last year, so 1,000 x 24% = 240.00.
    code, out, _ = run(
        capsys,
        "--regime",
        "us",
        "--no-taxpayer-id",
        "--prior-year-reported",
        "--period",
        "2026-02",
        "1000",
        "--json",
    )
    assert code == 0
    (row,) = json.loads(out)
    assert row["tax"] == "240.00"


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        pytest.param(["--regime", "xx", "1"], "regime='xx'", id="unknown-regime"),
        pytest.param(["--regime", "cn-resident-labour", "abc"], "not a number", id="not-a-number"),
        pytest.param(
            ["--regime", "cn-resident-labour", "--period", "2026-01", "2000.001"],
            "more than 2 decimal places",
            id="three-places",
        ),
        pytest.param(
            ["--regime", "cn-resident-labour", "--period", "2026-02,2026-01", "1", "2"],
            "out of order",
            id="out-of-order",
        ),
        pytest.param(
            ["--regime", "cn-resident-labour", "--period", "2026-01,2026-02", "1", "2", "3"],
            "give 1 value or 3",
            id="period-count",
        ),
    ],
)
def test_errors_are_one_line(capsys, argv, fragment):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("error: ") and fragment in err


def test_missing_regime_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["2000"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--regime" in err


def test_module_runs():
    proc = subprocess.run(
        [sys.executable, "-m", "tax.withholding", "--regime", "cn-nonresident-labour", "8000"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "430.00" in proc.stdout
