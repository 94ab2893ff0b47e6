"""Tax export at scale: a cn-wages download of 100,000 payout lines streams in <= 10 s.

Creates a fresh PostgreSQL database ``commerce_bench_export`` on the server of
``DATABASE_URL`` (run it through ``scripts/with-postgres.sh``), migrates it, seeds one
agency, one computed run and 100,000 creators with one wages line each via
``INSERT ... SELECT generate_series`` (not timed), then times the finance download view
(``/finance/tax-exports/``, CSV) consumed to the last byte, and prints the peak RSS.
Exits non-zero when the time (10 s) target is missed or a line is lost.

Smaller runs: ``BENCH_EXPORT_LINES``.
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
DB_NAME = os.environ.get("BENCH_EXPORT_DB", "commerce_bench_export")
LINES = int(os.environ.get("BENCH_EXPORT_LINES", "100000"))
TARGET_SECONDS = 10
PERIOD = "2026-01"


def database_seed(url: str, *, run_id: int) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name,"
            " email, is_staff, is_active, date_joined)"
            " SELECT '', false, 'bench-' || n, '', '', '', false, true, now()"
            " FROM generate_series(1, %s) AS n",
            [LINES],
        )
        conn.execute(
            "INSERT INTO agencies_creator (user_id, handle, display_name, country,"
            " tax_residency, residency_basis, id_document_type, id_number, verification_state,"
            " legal_name, payout_bank_name, payout_account_name, payout_account_number,"
            " payout_bank_code)"
            " SELECT id, username, 'Creator ' || id, 'CN', 'resident', 'domicile',"
            " '居民身份证', '1101051990' || lpad(id::text, 8, '0'), 'verified',"
            " '创作者' || id, '', '', '', ''"
            " FROM auth_user WHERE username LIKE 'bench-%%'"
        )
        conn.execute(
            "INSERT INTO payouts_payoutline (run_id, creator_id, period, regime, currency,"
            " fx_rates, earnings_count, gross, agency_share, income, taxable_income, tax, net,"
            " working)"
            " SELECT %s, id, %s, 'cn-resident-wages', 'CNY', '{}'::jsonb, 1,"
            " 20000.00, 4000.00, 16000.00, 11000, 330.00, 15670.00,"
            ' \'{"rate": "0.03", "quick_deduction": "0"}\'::jsonb'
            " FROM agencies_creator",
            [run_id, PERIOD],
        )
        conn.execute("VACUUM ANALYZE")


def main() -> int:
    url = bench_database_url(name=DB_NAME, bench="bench_tax_export")
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="commerce.settings")
    database_recreate(url=url, name=DB_NAME)
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "-v0"], cwd=ROOT, env=env, check=True
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory
    from django.utils import timezone

    from agencies.models import Agency
    from payouts.models import PayoutRun
    from payouts.views_finance import tax_exports

    agency = Agency.objects.create(
        code="bench",
        legal_name="Bench Talent Ltd",
        country="CN",
        registration_number="91350211M000100Y43",
        payout_rail=Agency.Rail.BANK_FILE,
        bank_account_number="6222000000000001",
    )
    run = PayoutRun.objects.create(
        period=PERIOD, scope="agency", agency=agency, state="computed", computed_at=timezone.now()
    )
    database_seed(url, run_id=run.pk)
    user = get_user_model().objects.create(username="bench-finance", is_superuser=True)

    request = RequestFactory().post(
        "/finance/tax-exports/",
        {"kind": "cn-wages", "period": PERIOD, "agency": "", "format": "csv"},
    )
    request.user = user
    started = time.perf_counter()
    response = tax_exports(request)
    rows = sum(1 for _chunk in response.streaming_content)
    seconds = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    lines = rows - 1
    print(
        f"tax export: {lines} lines in {seconds:.1f} s (target {TARGET_SECONDS}), "
        f"peak RSS {peak_mib:.0f} MiB"
    )
    return 0 if lines == LINES and seconds <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
