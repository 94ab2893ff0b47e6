#!/usr/bin/env bash
# Runs a command with DATABASE_URL pointing at a PostgreSQL server:
#   1. DATABASE_URL as given, else
#   2. the server on 127.0.0.1:5432 (user postgres, trust auth), else
#   3. a throwaway cluster started here from the installed PostgreSQL binaries, removed on exit
#      (PG_THROWAWAY=1 forces this, to check it works where no server runs).
set -euo pipefail

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ -z "${DATABASE_URL:-}" ]; then
  if [ "${PG_THROWAWAY:-0}" != 1 ] && answers 5432; then
    export DATABASE_URL="postgres://postgres@127.0.0.1:5432/commerce"
  else
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    if [ -z "$bindir" ]; then
      echo "with-postgres: no DATABASE_URL, no server on 127.0.0.1:5432 and no PostgreSQL binaries" >&2
      exit 1
    fi
    cluster=$(mktemp -d /tmp/commerce-pg.XXXXXX)
    port=55432
    while answers "$port"; do port=$((port + 1)); done
    run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
    [ "$(id -u)" = 0 ] && chown postgres "$cluster"
    run_pg "$bindir/initdb" -D "$cluster/data" -U postgres -A trust >/dev/null
    run_pg "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/log" -w \
      -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    trap 'run_pg "$bindir/pg_ctl" -D "$cluster/data" -m fast stop >/dev/null; rm -rf "$cluster"' EXIT
    export DATABASE_URL="postgres://postgres@127.0.0.1:$port/commerce"
    echo "with-postgres: throwaway cluster on port $port"
  fi
fi
"$@"
