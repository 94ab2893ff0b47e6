"""``makemessages`` leaves nothing untranslated or fuzzy in the Chinese catalogue.

Runs the real ``makemessages`` on a copy of the project's sources (the working copy's
catalogue is never touched) and reads the result with gettext's own ``msgattrib``.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(
    ".venv", "venv", ".git", "var", "artifacts", "node_modules", "vendor", "*.mo",
    "*.sqlite3", "__pycache__", ".ruff_cache", ".pytest_cache",
)  # fmt: skip


def entries(po: Path, *flags: str) -> list[str]:
    out = subprocess.run(
        ["msgattrib", *flags, "--no-obsolete", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line for line in out.splitlines() if line.startswith(("msgid ", '"'))]


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext tools not installed")
def test_makemessages_leaves_nothing_untranslated_or_fuzzy(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=SKIP, symlinks=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "-v0"]
        + ["--ignore=.venv/*", "--ignore=var/*"],
        cwd=copy,
        check=True,
        env={**__import__("os").environ, "PYTHONPATH": str(copy)},
    )
    po = copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    # The counts (multi-line msgids included), then the msgids themselves for the message.
    statistics = subprocess.run(
        ["msgfmt", "--statistics", "-o", "/dev/null", str(po)], capture_output=True, text=True
    ).stderr
    assert "untranslated" not in statistics and "fuzzy" not in statistics, (
        statistics,
        entries(po, "--untranslated")[:20],
        entries(po, "--only-fuzzy")[:20],
    )
