"""Payout run at scale: 100,000 creators with 1,000,000 available earnings (personal accounts).

Creates a fresh PostgreSQL database ``commerce_bench_payouts`` on the server of
``DATABASE_URL`` (run it through ``scripts/with-postgres.sh``), migrates it, seeds creators
and earnings with ``INSERT ... SELECT generate_series`` and accrues the earnings on the
ledger as the services do (``ledger_earnings_post``, one INSERT .. SELECT; not timed), then
times
``payout_run_compute`` for the personal-accounts scope: lines, tax, ledger postings,
earnings moved to ``in_run`` and recorded (set-wise: each earning's link to the run and
the run's record of its computing, ``payouts.states``), committed (the ledger's balance
checks included). In the same run it measures the floor: one SQL aggregate
over the earnings, writing 100,000 lines (COPY of the aggregate's rows) and marking the
1,000,000 earnings (one UPDATE), rolled back and vacuumed before the run; it prints the
time, the floor and the ratio. Exits non-zero when the time (20 s), peak RSS (512 MiB) or
ratio (5x the floor) target is missed (issue #14).

Smaller runs: ``BENCH_PAYOUT_CREATORS`` / ``BENCH_PAYOUT_EARNINGS``.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from bench.database import bench_database_url, database_recreate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = os.environ.get("BENCH_PAYOUT_DB", "commerce_bench_payouts")
CREATORS = int(os.environ.get("BENCH_PAYOUT_CREATORS", "100000"))
EARNINGS = int(os.environ.get("BENCH_PAYOUT_EARNINGS", "1000000"))
TARGET_SECONDS = 20
TARGET_RSS_MIB = 512
TARGET_RATIO = 5
PERIOD = "2026-01"


def database_seed(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined)"
            " SELECT '', false, 'bench-' || n, '', '', '', false, true, now()"
            " FROM generate_series(1, %s) AS n",
            [CREATORS],
        )
        conn.execute(
            "INSERT INTO agencies_creator (user_id, handle, display_name, country,"
            " tax_residency, residency_basis, id_document_type, id_number, verification_state,"
            " legal_name, payout_account_name, payout_account_number, payout_bank_code,"
            " payout_bank_name)"
            " SELECT id, username, username, 'CN',"
            " CASE WHEN id % 10 = 0 THEN 'non_resident' ELSE 'resident' END,"
            " 'domicile', '', '', 'unverified', username, '', '', '', '' FROM auth_user"
        )
        # Earnings spread over the creators, amounts 1.00 to 500.99 CNY, all in January.
        conn.execute(
            "INSERT INTO payouts_earning (creator_id, kind, amount, currency, occurred_at,"
            " source_ref, state, available_at, channel, contract_kind, stream_id, created_at)"
            " SELECT c.id, 'tip', (1 + (n * 7919) %% 50000) / 100.0, 'CNY',"
            " timestamptz '2026-01-01 00:00+08' + (n %% 2592000) * interval '1 second',"
            " 'bench-' || n, 'available', timestamptz '2026-01-01 00:00+08', 'personal', '',"
            " '', now()"
            " FROM generate_series(0::bigint, %s - 1) AS n"
            " JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM agencies_creator) c"
            " ON c.i = n %% %s",
            [EARNINGS, CREATORS],
        )
        conn.execute("VACUUM ANALYZE")


def database_analyze(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def aggregate_seconds(url: str) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        started = time.perf_counter()
        conn.execute(
            "SELECT creator_id, sum(amount) FROM payouts_earning WHERE channel = 'personal'"
            " GROUP BY creator_id"
        ).fetchall()
        return time.perf_counter() - started


def floor_seconds(url: str) -> tuple[float, float]:
    """(aggregate, floor) seconds: the aggregate alone, and aggregate + writing one row per
    creator + marking every earning, in one transaction that is rolled back."""
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute(
            "CREATE TEMP TABLE floor_lines (creator_id bigint, period varchar(7),"
            " gross numeric(16,2), n integer, working jsonb)"
        )
        conn.commit()
        started = time.perf_counter()
        rows = conn.execute(
            "SELECT creator_id, sum(amount), count(*) FROM payouts_earning"
            " WHERE channel = 'personal' AND state = 'available' GROUP BY creator_id"
        ).fetchall()
        aggregate = time.perf_counter() - started
        with conn.cursor() as cursor:
            with cursor.copy(
                "COPY floor_lines (creator_id, period, gross, n, working) FROM STDIN"
            ) as copy:
                for creator_id, total, n in rows:
                    copy.write_row((creator_id, PERIOD, total, n, "{}"))
        conn.execute(
            "UPDATE payouts_earning SET state = 'in_run'"
            " WHERE channel = 'personal' AND state = 'available'"
        )
        floor = time.perf_counter() - started
        conn.rollback()
    database_analyze(url)
    return aggregate, floor


def main() -> int:
    url = bench_database_url(name=DB_NAME, bench="bench_payout_run")
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="commerce.settings")
    database_recreate(url=url, name=DB_NAME)
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    database_seed(url)

    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction

    from payouts.ledger import ledger_earnings_post
    from payouts.models import Earning, PayoutLine, Posting
    from payouts.runs import payout_run_compute

    # Every available earning was accrued when it became available; the run clears that.
    started = time.perf_counter()
    with transaction.atomic():
        accrued = ledger_earnings_post(
            earnings=Earning.objects.filter(state=Earning.State.AVAILABLE), step="accrued"
        )
    database_analyze(url)
    print(f"payout run setup: {accrued} earnings accrued in {time.perf_counter() - started:.1f} s")
    load_before = os.getloadavg()[0]
    aggregate, floor = floor_seconds(url)

    started = time.perf_counter()
    run = payout_run_compute(period=PERIOD, personal=True)
    seconds = time.perf_counter() - started
    load_after = os.getloadavg()[0]
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    lines = PayoutLine.objects.filter(run=run).count()
    taken = Earning.objects.filter(payout_run=run).count()
    postings = Posting.objects.count()
    # Every move recorded: each taken earning is linked to the run, whose record of its
    # computing counts them (payouts.states, recorded set-wise).
    record = run.state_changes.get(to_state="computed").reason
    changes = Earning.objects.filter(payout_run=run, state="in_run").count()
    recorded = f": {changes}." in record
    ratio = seconds / floor
    print(
        f"payout run: {lines} creators, {taken} earnings in {seconds:.1f} s "
        f"(target {TARGET_SECONDS}), peak RSS {peak_mib:.0f} MiB (target {TARGET_RSS_MIB}); "
        f"floor {floor:.1f} s (aggregate {aggregate:.2f} s + {CREATORS} lines written + "
        f"{EARNINGS} earnings marked), ratio {ratio:.1f}x (target {TARGET_RATIO}x); "
        f"{postings} postings, {changes} earning moves recorded (set-wise); machine load "
        f"{load_before:.1f} before the floor, {load_after:.1f} after the run "
        f"({os.cpu_count()} cores: the floor corrects for load, the time does not)"
    )
    ok = run.state == "computed" and lines == CREATORS and taken == EARNINGS
    ok = ok and accrued == EARNINGS and changes == EARNINGS and recorded
    ok = ok and seconds <= TARGET_SECONDS and peak_mib <= TARGET_RSS_MIB and ratio <= TARGET_RATIO
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
