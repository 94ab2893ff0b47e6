#!/usr/bin/env bash
# The whole test suite against PostgreSQL (see with-postgres.sh for where it comes from).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests need, from Debian when missing: Chromium for the browser tests
# (driven by Playwright; never `playwright install`), Pango and CJK fonts for the PDFs.
scripts/system-deps.sh pdf browser
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
mkdir -p artifacts
exec scripts/with-postgres.sh .venv/bin/python -m pytest "$@"
