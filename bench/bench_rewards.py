"""Rewards intake throughput: signed batches of 1,000 events through the real endpoint.

Runs gunicorn (2 workers, commerce.wsgi) against a fresh PostgreSQL database
``commerce_bench_rewards`` on the server of ``DATABASE_URL`` (run it through
``scripts/with-postgres.sh``), posts signed batches from a few client threads and prints
``rewards intake: N events/s (target 5000)``; exits non-zero below target. Each accepted
event is an earning accrued on the ledger in the same request (checked after the run).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script

from bench.database import bench_database_url, database_recreate  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGET = 5000
BATCH = 1000
BATCHES = int(os.environ.get("BENCH_REWARDS_BATCHES", "60"))
CLIENTS = 4
CREATORS = 200
SECRET = "bench-rewards-secret"
DB_NAME = "commerce_bench_rewards"


def database_prepare(env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    script = (
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model\n"
        "from agencies.models import Creator\n"
        "User = get_user_model()\n"
        f"names = [f'bench-{{n}}' for n in range({CREATORS})]\n"
        "users = User.objects.bulk_create([User(username=name) for name in names])\n"
        "Creator.objects.bulk_create([Creator(user=u, handle=u.username, display_name=u.username,"
        " country='CN') for u in users])\n"
    )
    subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True)


def accrued_count(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FROM payouts_entry WHERE kind = 'earning_accrued'"
        ).fetchone()[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def batches(count: int) -> list[tuple[bytes, str]]:
    at = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    prepared = []
    for b in range(count):
        events = [
            {
                "event_id": f"bench-{b}-{n}",
                "creator": f"bench-{n % CREATORS}",
                "kind": "gift" if n % 2 else "tip",
                "amount": "120" if n % 2 else "8.80",
                "currency": "COIN" if n % 2 else "CNY",
                "occurred_at": at,
                "stream_id": f"stream-{b}",
            }
            for n in range(BATCH)
        ]
        body = json.dumps({"events": events}).encode()
        signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        prepared.append((body, signature))
    return prepared


def post(port: int, body: bytes, signature: str) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(
        "POST",
        "/api/rewards/",
        body=body,
        headers={"Content-Type": "application/json", "X-Signature": signature},
    )
    response = conn.getresponse()
    data = response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"HTTP {response.status}: {data[:300]!r}")
    return json.loads(data)["counts"]


def run(port: int, work: list[tuple[bytes, str]]) -> dict[str, int]:
    totals: dict[str, int] = {}
    lock = threading.Lock()
    queue = list(work)
    errors: list[Exception] = []

    def client():
        while True:
            with lock:
                if not queue or errors:
                    return
                body, signature = queue.pop()
            try:
                counts = post(port, body, signature)
            except Exception as exc:
                errors.append(exc)
                return
            with lock:
                for status, n in counts.items():
                    totals[status] = totals.get(status, 0) + n

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return totals


def main() -> int:
    url = bench_database_url(name=DB_NAME, bench="bench_rewards")
    database_recreate(url=url, name=DB_NAME)
    env = dict(
        os.environ,
        DATABASE_URL=url,
        REWARDS_SIGNING_SECRETS=SECRET,
        LOG_LEVEL="ERROR",
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="commerce.settings",
    )
    database_prepare(env)
    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "commerce.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(port)
        work = batches(BATCHES + 4)
        run(port, work[:4])  # warm-up: imports, connections, caches
        start = time.perf_counter()
        totals = run(port, work[4:])
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    events = BATCHES * BATCH
    if totals != {"201": events}:
        print(f"rewards intake: unexpected per-event statuses {totals}", file=sys.stderr)
        return 1
    accrued = accrued_count(url)
    if accrued != events + 4 * BATCH:  # the warm-up batches too
        print(f"rewards intake: {accrued} accrual entries for {events} events", file=sys.stderr)
        return 1
    rate = events / elapsed
    print(
        f"rewards intake: {rate:.0f} events/s (target {TARGET}) "
        f"[{BATCHES} batches of {BATCH}, {CLIENTS} clients, gunicorn 2 workers, {elapsed:.1f} s]"
    )
    return 0 if rate >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
