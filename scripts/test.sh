#!/usr/bin/env bash
# The whole test suite against PostgreSQL (see with-postgres.sh for where it comes from).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests need, from Debian when missing: Chromium for the browser tests
# (driven by Playwright; never `playwright install`), Pango and CJK fonts for the PDFs.
scripts/system-deps.sh pdf browser
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
mkdir -p artifacts
# Two pytest-xdist worker processes by default (TEST_WORKERS=0: one process, no xdist), each
# with its own test databases (test_<name>_gw0, ...); a test module stays on one worker.
# Arguments go to pytest after these, so a later -n/--dist wins.
exec scripts/with-postgres.sh .venv/bin/python -m pytest \
  -n "${TEST_WORKERS:-2}" --dist loadfile "$@"
