"""Storefront throughput: our pages against stock Oscar 4.2's, served the same way.

Seeds 2,000 products (with notes) into two fresh PostgreSQL databases, one for this
project and one for stock Oscar (Haystack on Whoosh), serves each with gunicorn (2 workers)
and loads each page with wrk. Prints requests/s and p50/p99 latency, and our figure over
stock Oscar's for the category and product pages. Needs DATABASE_URL (a server to create
the two databases on) and wrk; run through `make bench`.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PRODUCTS = int(os.environ.get("BENCH_PRODUCTS", "2000"))
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "8")
TARGETS = {"category": 10.0, "product": 1.5}


@dataclass
class Figure:
    rps: float
    p50_ms: float
    p99_ms: float


def database_url(name: str) -> str:
    parsed = urlparse(os.environ["DATABASE_URL"])
    return urlunparse(parsed._replace(path=f"/{name}"))


def recreate_database(name: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def analyze(name: str) -> None:
    # Fresh tables have no planner statistics until autovacuum runs; give both the same.
    with psycopg.connect(database_url(name), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def run(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(args[:3])} failed:\n{done.stderr[-2000:]}")
    return done.stdout


def django(env: dict[str, str], *args: str) -> str:
    return run([PYTHON, "-m", "django", *args], env)


def shell(env: dict[str, str], code: str) -> str:
    return django(env, "shell", "-v0", "-c", code).strip()


def serve(env: dict[str, str], wsgi: str, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), wsgi, "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "error"],
        env=env,
        cwd=ROOT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except Exception:
            time.sleep(0.2)
    server.kill()
    sys.exit(f"bench: gunicorn on port {port} did not answer")


def load(url: str) -> Figure:
    for _ in range(20):  # warm caches in both workers
        urllib.request.urlopen(url, timeout=10).read()
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if re.search(r"Non-2xx or 3xx responses: \d+", out):
        sys.exit(f"bench: {url} answered errors under load:\n{out}")

    def latency(label: str) -> float:
        value, unit = re.search(rf"\s{label}\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return Figure(rps, latency("50%"), latency("99%"))


def prepare_ours(workdir: Path) -> tuple[dict[str, str], dict[str, str]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "commerce.settings",
        "DATABASE_URL": database_url("commerce_bench"),
        "LOG_LEVEL": "ERROR",
    }
    recreate_database("commerce_bench")
    django(env, "migrate", "-v0")
    django(env, "demo_data", f"--products={PRODUCTS}", f"--notes={PRODUCTS // 3}", "--creators=40")
    analyze("commerce_bench")
    paths = shell(
        env,
        "from oscar.core.loading import get_model as m;"
        "C=m('catalogue','Category');P=m('catalogue','Product');N=m('catalogue','Note');"
        "print(C.objects.get(depth=1,name='Beauty').get_absolute_url());"
        "print(P.objects.get(upc='DEMO000000').get_absolute_url());"
        "print(N.objects.order_by('-published_at').first().get_absolute_url())",
    ).splitlines()
    # The community's image feed (issue #15), measured beside the category page.
    paths.append("/")
    return env, dict(zip(["category", "product", "note", "feed"], paths, strict=True))


def prepare_stock(workdir: Path) -> tuple[dict[str, str], dict[str, str]]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.stock.settings",
        "DATABASE_URL": database_url("commerce_bench_stock"),
        "WHOOSH_PATH": str(workdir / "whoosh"),
        "MEDIA_ROOT": str(workdir / "media"),
    }
    recreate_database("commerce_bench_stock")
    django(env, "migrate", "-v0")
    django(env, "bench_seed_stock", f"--products={PRODUCTS}")
    django(env, "rebuild_index", "--noinput")
    analyze("commerce_bench_stock")
    paths = shell(
        env,
        "from oscar.core.loading import get_model as m;"
        "C=m('catalogue','Category');P=m('catalogue','Product');"
        "print(C.objects.get(depth=1,name='Beauty').get_absolute_url());"
        "print(P.objects.get(upc='DEMO000000').get_absolute_url())",
    ).splitlines()
    return env, dict(zip(["category", "product"], paths, strict=True))


def measure(env, wsgi, port, paths) -> dict[str, Figure]:
    server = serve(env, wsgi, port)
    try:
        return {page: load(f"http://127.0.0.1:{port}{path}") for page, path in paths.items()}
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def main() -> int:
    if not shutil.which("wrk"):
        sys.exit("bench: wrk is not installed (apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="storefront-bench-") as tmp:
        workdir = Path(tmp)
        print(
            f"storefront: seeding {PRODUCTS} products for ours and for stock Oscar ...", flush=True
        )
        ours_env, ours_paths = prepare_ours(workdir)
        stock_env, stock_paths = prepare_stock(workdir)
        ours = measure(ours_env, "commerce.wsgi", 8101, ours_paths)
        stock = measure(stock_env, "bench.stock.wsgi", 8102, stock_paths)

    print(f"\nstorefront (gunicorn 2 workers, wrk {CONNECTIONS} connections, {DURATION} a page)")
    print(
        f"{'page':<10}{'ours req/s':>12}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'stock req/s':>13}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}{'target':>8}"
    )
    failed = False
    for page, figure in ours.items():
        row = f"{page:<10}{figure.rps:>12.1f}{figure.p50_ms:>9.1f}{figure.p99_ms:>9.1f}"
        if page in stock:
            base = stock[page]
            ratio = figure.rps / base.rps
            target = TARGETS[page]
            failed |= ratio < target
            row += (
                f"{base.rps:>13.1f}{base.p50_ms:>9.1f}{base.p99_ms:>9.1f}"
                f"{ratio:>7.1f}x{target:>7.1f}x{'' if ratio >= target else '  BELOW TARGET'}"
            )
        print(row)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
