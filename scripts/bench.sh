#!/usr/bin/env bash
# `make bench`: every benchmark, each printing its figures against its target.
set -uo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || true; }
# The benchmarks run the production settings (DATABASE_URL) over plain HTTP on loopback:
# a throwaway key and no HTTPS redirect/secure cookies, unless the caller set them.
export SECRET_KEY="${SECRET_KEY:-bench-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')}"
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-0}" SESSION_COOKIE_SECURE="${SESSION_COOKIE_SECURE:-0}"
export CSRF_COOKIE_SECURE="${CSRF_COOKIE_SECURE:-0}" SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
# ...and throwaway encryption and hash keys (production refuses to start without them).
throwaway() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
export FIELD_ENCRYPTION_KEYS="${FIELD_ENCRYPTION_KEYS:-$(head -c 32 /dev/urandom | base64 | tr '+/' '-_')}"
export BUYER_ID_HASH_KEY="${BUYER_ID_HASH_KEY:-bench-only-$(throwaway)}"
export PERSONAL_DATA_HASH_KEY="${PERSONAL_DATA_HASH_KEY:-bench-only-$(throwaway)}"
status=0
for script in bench/bench_withholding.py bench/bench_duties.py bench/bench_moderation.py; do
  [ -f "$script" ] && { .venv/bin/python "$script" || status=1; }
done
scripts/with-postgres.sh .venv/bin/python bench/storefront.py || status=1
scripts/with-postgres.sh .venv/bin/python bench/bench_rewards.py || status=1
scripts/with-postgres.sh .venv/bin/python bench/bench_payout_run.py || status=1
scripts/with-postgres.sh .venv/bin/python bench/bench_tax_export.py || status=1
scripts/with-postgres.sh .venv/bin/python bench/bench_translation.py || status=1
exit $status
