"""The production topology's settings (README "Production topology"): PgBouncer in
transaction pooling mode for the global database and every regional store, regional
stores from their own URLs, personal tasks routed by region. Started as a server would be,
in a subprocess with the documented production environment."""

from __future__ import annotations

import base64
import secrets

from tests.security.test_settings import PRODUCTION, manage

SHOW = (
    "from django.conf import settings as s; print(repr(("
    "s.DATABASES['default']['DISABLE_SERVER_SIDE_CURSORS'], "
    "s.DATABASES['region_us']['DISABLE_SERVER_SIDE_CURSORS'], "
    "s.DATABASES['region_us']['HOST'], s.DATABASES['region_us']['NAME'], "
    "s.RESIDENCY_REGIONS['us']['database'], s.CELERY_TASK_ROUTES)))"
)
REGIONS = {
    **PRODUCTION,
    "RESIDENCY_REGIONS": "cn,us",
    "DATABASE_URL_US": "postgres://app@pg-us.internal:6432/personal_us",
    "FIELD_ENCRYPTION_KEYS_US": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
}


def test_behind_pgbouncer_no_store_uses_server_side_cursors():
    result = manage(
        "shell", "--no-imports", "-c", SHOW, PGBOUNCER_TRANSACTION_POOLING="1", **REGIONS
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(
        (
            True,
            True,
            "pg-us.internal",
            "personal_us",
            "region_us",
            ["commerce.residency.queues.personal_task_route"],
        )
    )


def test_without_a_pooler_server_side_cursors_stay_on():
    result = manage("shell", "--no-imports", "-c", SHOW, **REGIONS)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("(False, False, ")
