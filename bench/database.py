"""The throwaway database each benchmark runs in: same server as ``DATABASE_URL``, its own
name, dropped and created anew at the start of every run."""

from __future__ import annotations

import os
import sys
from urllib.parse import urlparse, urlunparse


def bench_database_url(*, name: str, bench: str) -> str:
    """``DATABASE_URL`` pointed at the database ``name``; exits with one line when unset."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        sys.exit(f"{bench}: DATABASE_URL is not set (run via scripts/with-postgres.sh)")
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def database_recreate(*, url: str, name: str) -> None:
    import psycopg

    admin_url = urlunparse(urlparse(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
