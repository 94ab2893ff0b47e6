#!/usr/bin/env bash
# `make bench`: every benchmark, each printing its figures against its target.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || true; }
status=0
for script in bench/bench_withholding.py bench/bench_duties.py; do
  [ -f "$script" ] && { .venv/bin/python "$script" || status=1; }
done
scripts/with-postgres.sh .venv/bin/python bench/storefront.py || status=1
scripts/with-postgres.sh .venv/bin/python bench/bench_rewards.py || status=1
scripts/with-postgres.sh .venv/bin/python bench/bench_payout_run.py || status=1
scripts/with-postgres.sh .venv/bin/python bench/bench_tax_export.py || status=1
scripts/with-postgres.sh .venv/bin/python bench/bench_translation.py || status=1
exit $status
