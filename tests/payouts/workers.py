"""Real Celery worker processes for the crash and end-to-end payout tests.

A worker here is ``celery -A commerce worker -P solo`` started as a subprocess: its own
interpreter, its own database connection, killed with SIGKILL (no warm shutdown, no
acknowledgement: what a crash or the OOM killer does). It consumes a queue of the test's
own (other test runs' workers share the Redis broker) and reaches the test database
(pytest-django's ``test_<name>``) through ``DATABASE_URL``; the test process sends its
tasks to that queue by making it ``task_default_queue``, so the code under test calls
``.delay()`` unchanged. Tests using it need ``django_db(transaction=True)``: the worker
only sees committed rows.

Each worker's database connections carry its name as ``application_name``, so a test can
see whether the worker is inside a transaction (``Worker.in_transaction``) when it kills it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60.0
# One task at a time, one prefetched (a killed worker loses at most the task it holds),
# nothing but the queue's messages between workers and Redis, tasks logged as taken.
WORKER_OPTIONS = ("-P", "solo", "-c", "1", "-l", "info")
WORKER_OPTIONS += ("--without-gossip", "--without-mingle", "--without-heartbeat")


def wait_for(predicate: Callable[[], object], *, timeout: float = 30.0, what: str = "") -> object:
    """Poll ``predicate`` until it returns something true (returned); AssertionError after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or predicate}")
        time.sleep(0.02)


def database_url(*, application_name: str) -> str:
    """The URL of the database this test process uses (the test database), for a child."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    name = quote(db["NAME"], safe="")
    return f"postgres://{auth}@{host}:{port}/{name}?application_name={application_name}"


class Worker:
    """One ``celery worker`` subprocess on ``queue``, logging to ``log_path``."""

    def __init__(self, *, name: str, queue: str, env: dict[str, str], log_path: Path) -> None:
        self.name, self.queue, self.log_path = name, queue, log_path
        self.env = {**env, "DATABASE_URL": database_url(application_name=name)}
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self) -> Worker:
        self._log = open(self.log_path, "wb")  # noqa: SIM115  (closed by kill)
        # Killed with this process too (setpriv sets the parent-death signal, then execs).
        command = ["setpriv", "--pdeathsig", "KILL"] if shutil.which("setpriv") else []
        command += [sys.executable, "-m", "celery", "-A", "commerce", "worker", *WORKER_OPTIONS]
        command += ["-Q", self.queue, "-n", f"{self.name}@%h"]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        return self

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def count(self, text: str) -> int:
        return self.log().count(text)

    def wait_log(self, text: str, *, count: int = 1, timeout: float = 30.0) -> None:
        """Wait until ``text`` is in the log ``count`` times; fail early if the worker died."""

        def seen() -> bool:
            if self.count(text) >= count:
                return True
            if not self.alive:
                raise AssertionError(f"worker {self.name} exited:\n{self.log()[-3000:]}")
            return False

        try:
            wait_for(seen, timeout=timeout, what=f"{text!r} x{count} in {self.name}'s log")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.log()[-3000:]}") from None

    def wait_ready(self, timeout: float = START_TIMEOUT) -> Worker:
        self.wait_log(" ready.", timeout=timeout)
        return self

    def received(self, task: str = "") -> int:
        """Tasks this worker has taken so far (of the task named ``task`` when given)."""
        return sum(
            1 for line in self.log().splitlines() if "] received" in line and f"Task {task}" in line
        )

    def in_transaction(self) -> bool:
        """Whether one of this worker's database sessions has a transaction open."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE application_name = %s AND xact_start IS NOT NULL",
                [self.name],
            )
            return cursor.fetchone()[0] > 0

    def sessions(self) -> int:
        """This worker's database sessions still open on the server."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [self.name]
            )
            return cursor.fetchone()[0]

    def kill(self, *, wait_sessions: bool = True) -> None:
        """SIGKILL (nothing runs in the worker after it) and reap the process.

        With ``wait_sessions``, also wait until the server has ended the dead worker's
        sessions (it notices the closed socket once its statement is done) and rolled back
        their transactions, so the next worker starts on a quiet database."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        if self._log is not None:
            self._log.close()
            self._log = None
        if wait_sessions:
            wait_for(lambda: self.sessions() == 0, what=f"{self.name}'s sessions to end")


class WorkerPool:
    """The workers of one test: all on the test's queue, all killed at the end."""

    def __init__(self, *, queue: str, env: dict[str, str], directory: Path) -> None:
        self.queue, self.env, self.directory = queue, env, directory
        self.prefix = f"h3w{uuid.uuid4().hex[:10]}"
        self.workers: list[Worker] = []

    def start(self, *, ready: bool = True, queue: str = "") -> Worker:
        """Start a new worker (on the pool's queue, or ``queue``); with ``ready`` wait until
        it consumes its queue."""
        n = len(self.workers) + 1
        worker = Worker(
            name=f"{self.prefix}-{n}",
            queue=queue or self.queue,
            env=self.env,
            log_path=self.directory / f"worker-{n}.log",
        )
        self.workers.append(worker)
        worker.start()
        return worker.wait_ready() if ready else worker

    def kill_all(self) -> None:
        for worker in self.workers:
            worker.kill(wait_sessions=False)
        # A killed worker's database session ends when its server process notices the
        # closed socket, which a long statement delays: end them now, so the test
        # database can be flushed (only this pool's sessions, by their application name).
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name LIKE %s AND pid <> pg_backend_pid()",
                [f"{self.prefix}-%"],
            )

    def logs(self) -> str:
        return "\n".join(f"--- {w.name}\n{w.log()[-4000:]}" for w in self.workers)

    def wait_for(self, predicate: Callable[[], object], **options) -> object:
        """``wait_for``, failing with the workers' logs."""
        try:
            return wait_for(predicate, **options)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.logs()}") from None


def _broker_forget(*, queue: str) -> None:
    """Drop this queue's leftovers from Redis: waiting messages, and the unacknowledged
    ones killed workers held (kombu would restore those to the queue an hour later)."""
    from commerce.celery import app

    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        client.delete(queue)
        for tag, raw in client.hscan_iter("unacked"):
            try:
                routing_key = json.loads(raw)[2]
            except (ValueError, IndexError, TypeError):
                continue
            if routing_key == queue:
                client.hdel("unacked", tag)
                client.zrem("unacked_index", tag)


@contextmanager
def celery_workers(*, directory: Path, **env: str) -> Iterator[WorkerPool]:
    """A pool of worker processes on a new queue, which this process's tasks go to.

    The workers get the test database, the broker, and the payout rails' settings as this
    process has them now (``STRIPE_CONNECT_API_BASE``, ``STRIPE_API_KEY``,
    ``PAYOUT_BANK_FILE_DIR``), plus ``env``. Every worker is killed on the way out, even
    when the test failed.
    """
    from commerce.celery import app

    queue = f"test-workers-{uuid.uuid4().hex}"
    child_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "commerce.settings",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "REDIS_URL": settings.CELERY_BROKER_URL,
        "STRIPE_CONNECT_API_BASE": settings.STRIPE_CONNECT_API_BASE,
        "STRIPE_API_KEY": settings.STRIPE_API_KEY,
        "PAYOUT_BANK_FILE_DIR": str(settings.PAYOUT_BANK_FILE_DIR),
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    previous = app.conf.task_default_queue
    app.conf.task_default_queue = queue
    app.amqp.queues.select_add(queue)
    pool = WorkerPool(queue=queue, env=child_env, directory=directory)
    try:
        yield pool
    finally:
        app.conf.task_default_queue = previous
        try:
            pool.kill_all()
        finally:
            _broker_forget(queue=queue)
