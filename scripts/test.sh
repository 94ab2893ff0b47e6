#!/usr/bin/env bash
# The whole test suite against PostgreSQL (see with-postgres.sh for where it comes from).
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-postgres.sh .venv/bin/python -m pytest "$@"
