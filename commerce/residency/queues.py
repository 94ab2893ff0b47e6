"""Celery queues per region for tasks that touch personal data (issue #17, item 5).

A task that reads or writes a person's personal data is registered here with a function
that finds that person's home region from the task's arguments. The Celery router
(``CELERY_TASK_ROUTES = ["commerce.residency.queues.personal_task_route"]``) sends such a
task to ``personal.<region>`` when the region is not the global one; in production only the
worker running in that region (beside its store) consumes that queue:

    celery -A commerce worker -Q personal.us        # in the US, next to DATABASE_URL_US

Everything else, the global region's personal tasks included, stays on the default queue
(the global workers sit beside the global database). Why a registry rather than
``queue=`` at each call site: the call sites stay unchanged (``.delay()``), the rule is in
one place, and a task module registers its own tasks (payouts registers here; commerce
never imports payouts).

Routing reads the region in the sending process: one indexed query per send, only for
registered tasks. A region function that finds nothing (the row was deleted) returns
``None``: the task goes to the default queue and does nothing there, as it would anyway.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from agencies.encryption.regions import global_region

# Task name -> function(*task args, **task kwargs) returning the person's region or None.
_REGISTRY: dict[str, Callable[..., str | None]] = {}


def personal_task_register(*, task_name: str, region_of: Callable[..., str | None]) -> None:
    """Declare that ``task_name`` touches the personal data of the person ``region_of``
    finds from the task's arguments."""
    _REGISTRY[task_name] = region_of


def personal_tasks() -> dict[str, Callable[..., str | None]]:
    return dict(_REGISTRY)


def region_queue(*, region: str) -> str:
    return getattr(settings, "RESIDENCY_QUEUE_PREFIX", "personal.") + region


def region_queues() -> list[str]:
    """The queue of every configured overseas region (what the regional workers consume)."""
    return [
        region_queue(region=code) for code in settings.RESIDENCY_REGIONS if code != global_region()
    ]


def personal_task_route(name, args, kwargs, options, task=None, **kw):
    """Celery router: a registered task for an overseas person goes to their region's
    queue; anything else is left to the default routing (``None``)."""
    region_of = _REGISTRY.get(name)
    if region_of is None:
        return None
    region = region_of(*(args or ()), **(kwargs or {}))
    if not region or region == global_region() or region not in settings.RESIDENCY_REGIONS:
        return None
    return {"queue": region_queue(region=region)}
