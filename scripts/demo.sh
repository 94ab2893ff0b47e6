#!/usr/bin/env bash
# `make demo`: migrate, start the local payment servers, load demo data, serve on :8000.
# Without STRIPE_API_KEY, card payments go to localstripe (a local fake Stripe, never the
# network); Stripe Connect transfers always go to the local stand-in (payouts.stripe_stand_in).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
LOCALSTRIPE_PORT=${LOCALSTRIPE_PORT:-8420}
CONNECT_PORT=${CONNECT_PORT:-8421}
DEMO_PORT=${DEMO_PORT:-8000}
WEBHOOK_SECRET=whsec_demo_localstripe
# Pages and emails link to the demo's own address (the sites framework, set on migrate).
export SITE_DOMAIN="${SITE_DOMAIN:-127.0.0.1:$DEMO_PORT}"
mkdir -p var
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM

wait_port() {
  for _ in $(seq 100); do
    (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1 (see var/*.log)" >&2
  return 1
}

scripts/system-deps.sh pdf  # WeasyPrint statements (Pango, CJK fonts)
$BIN/python manage.py migrate --noinput -v0
$BIN/python manage.py residency_migrate  # regional stores: var/region_*.sqlite3

$BIN/python manage.py stripe_connect_stand_in --port "$CONNECT_PORT" >var/stripe-connect.log 2>&1 &
pids+=($!)
export STRIPE_CONNECT_API_BASE="http://127.0.0.1:$CONNECT_PORT"
if [ -z "${STRIPE_API_KEY:-}" ]; then
  $BIN/localstripe --port "$LOCALSTRIPE_PORT" --from-scratch >var/localstripe.log 2>&1 &
  pids+=($!)
  export STRIPE_API_BASE="http://127.0.0.1:$LOCALSTRIPE_PORT" STRIPE_API_KEY=sk_test_demo
  export STRIPE_PUBLISHABLE_KEY=pk_test_demo STRIPE_WEBHOOK_SECRET=$WEBHOOK_SECRET
  wait_port "$LOCALSTRIPE_PORT"
  $BIN/python manage.py localstripe_webhook --base "$STRIPE_API_BASE" \
    --url "http://127.0.0.1:$DEMO_PORT/checkout/stripe/webhook/" --secret "$WEBHOOK_SECRET"
  echo "Card payments go to localstripe on port $LOCALSTRIPE_PORT (test card 4242 4242 4242 4242)"
fi
wait_port "$CONNECT_PORT"

$BIN/python manage.py demo_data
# Before demo_payouts: live permissions decide whether overseas creators' stream rewards count.
$BIN/python manage.py demo_community
$BIN/python manage.py demo_payouts
$BIN/python manage.py residency_demo && $BIN/python manage.py residency_audit
echo "Serving the demo on http://127.0.0.1:$DEMO_PORT (admin: admin / admin)"
SERVE_MEDIA=1 $BIN/python manage.py runserver --insecure --noreload "127.0.0.1:$DEMO_PORT"
