"""The Celery beat schedule: every periodic job the README promises, on its schedule, and
each entry names a task the worker really has (a typo would fail silently at run time)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.conf import settings

from commerce.celery import app

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def registered_tasks():
    app.loader.import_default_modules()  # autodiscovery, as a worker does at start
    return set(app.tasks)


def test_every_beat_entry_names_a_registered_task(registered_tasks):
    missing = {
        name: entry["task"]
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in registered_tasks
    }
    assert not missing


@pytest.mark.parametrize(
    ("name", "task", "seconds"),
    [
        # README: due commission becomes available by an hourly beat task.
        ("payouts-commission-release", "payouts.tasks.commission_release_due", 3600),
        # README: transfers left pending by a dead worker are re-queued every 5 minutes.
        ("payouts-transfers-requeue", "payouts.tasks.payout_transfers_requeue", 300),
    ],
)
def test_interval_jobs(name, task, seconds):
    entry = settings.CELERY_BEAT_SCHEDULE[name]
    assert entry["task"] == task
    assert float(entry["schedule"]) == seconds


def test_monthly_payout_runs_are_computed_on_the_first_at_3_shanghai_time():
    entry = settings.CELERY_BEAT_SCHEDULE["payouts-runs-monthly"]
    assert entry["task"] == "payouts.tasks.payout_runs_monthly"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert settings.CELERY_TIMEZONE == "Asia/Shanghai"
    # From 2026-11-15 the next run is 2026-12-01 03:00 in Shanghai, not any other day/hour.
    now = datetime(2026, 11, 15, 12, 0, tzinfo=SHANGHAI)
    schedule = crontab(
        minute=schedule._orig_minute,
        hour=schedule._orig_hour,
        day_of_month=schedule._orig_day_of_month,
        month_of_year=schedule._orig_month_of_year,
        day_of_week=schedule._orig_day_of_week,
        nowfun=lambda: now,
    )
    due, next_in = schedule.is_due(datetime(2026, 11, 1, 3, 0, tzinfo=SHANGHAI))
    assert not due
    assert now.timestamp() + next_in == datetime(2026, 12, 1, 3, 0, tzinfo=SHANGHAI).timestamp()
