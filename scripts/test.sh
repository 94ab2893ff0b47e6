#!/usr/bin/env bash
# The whole test suite against PostgreSQL (see with-postgres.sh for where it comes from).
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages the tests need, from Debian when missing: Chromium for the browser tests
# (driven by Playwright; never `playwright install`) and Pango for WeasyPrint's PDFs.
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" = 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
mkdir -p artifacts
exec scripts/with-postgres.sh .venv/bin/python -m pytest "$@"
