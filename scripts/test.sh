#!/usr/bin/env bash
# The whole test suite against PostgreSQL (see with-postgres.sh for where it comes from).
set -euo pipefail
cd "$(dirname "$0")/.."
# Browser tests drive Debian's Chromium through Playwright (never `playwright install`).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
mkdir -p artifacts
exec scripts/with-postgres.sh .venv/bin/python -m pytest "$@"
