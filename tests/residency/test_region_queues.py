"""Tasks that touch an overseas person's data run on their region's queue (issue #17, item 5).

The routing is Celery's own (``CELERY_TASK_ROUTES``): the test process sends with
``.delay()`` as the code does, and real worker processes show which queue got the task.
"""

from __future__ import annotations

import uuid

import pytest

from commerce.residency.models import HomeRegion
from commerce.residency.queues import personal_task_route, personal_tasks, region_queues
from payouts.models import PayoutRun, Transfer
from tests.factories import CreatorFactory
from tests.payouts.factories import agency_make
from tests.payouts.workers import celery_workers

TASK = "payouts.tasks.payout_transfer_submit"


def _transfer(*, creator=None, agency=None) -> Transfer:
    if agency is not None:
        run = PayoutRun.objects.create(period="2026-10", scope="agency", agency=agency)
    else:
        run, _ = PayoutRun.objects.get_or_create(period="2026-10", scope="personal")
    return Transfer.objects.create(
        run=run, creator=creator, agency=agency, amount="10.00", currency="CNY"
    )


def _homed(region: str, **fields):
    creator = CreatorFactory(**fields)
    HomeRegion.objects.create(user=creator.user, region=region)
    return creator


@pytest.mark.django_db
def test_the_router_sends_an_overseas_creators_transfer_to_their_regions_queue():
    us = _transfer(creator=_homed("us", country="US"))
    cn = _transfer(creator=_homed("cn", country="CN"))
    # No home region recorded: the global region, whatever the residence (the rule of
    # agencies.personal: such a creator's values are on the global row).
    gb = _transfer(creator=CreatorFactory(country="GB"))
    to_agency = _transfer(agency=agency_make())

    assert TASK in personal_tasks()
    assert personal_task_route(TASK, [us.pk], {}, {}) == {"queue": "personal.us"}
    assert personal_task_route(
        TASK, [_transfer(creator=_homed("eu", country="GB")).pk], {}, {}
    ) == {"queue": "personal.eu"}
    # The global region's people and companies stay on the default queue.
    assert personal_task_route(TASK, [cn.pk], {}, {}) is None
    assert personal_task_route(TASK, [gb.pk], {}, {}) is None
    assert personal_task_route(TASK, [to_agency.pk], {}, {}) is None
    # A transfer that no longer exists, or a task nobody registered: default routing.
    assert personal_task_route(TASK, [10**9], {}, {}) is None
    assert personal_task_route("payouts.tasks.payout_runs_monthly", [], {}, {}) is None
    assert set(region_queues()) == {"personal.us", "personal.eu"}


@pytest.mark.django_db(transaction=True)
def test_a_regional_worker_takes_only_its_regions_tasks(tmp_path, settings):
    from payouts.tasks import payout_transfer_submit

    # Queue names of this test's own, so another run's workers on the same Redis never
    # take them (production uses "personal.").
    prefix = f"test-personal-{uuid.uuid4().hex[:8]}."
    settings.RESIDENCY_QUEUE_PREFIX = prefix
    us = _transfer(creator=_homed("us", country="US"))
    cn = _transfer(creator=_homed("cn", country="CN"))

    with celery_workers(directory=tmp_path) as pool:
        us_worker = pool.start(queue=f"{prefix}us")
        global_worker = pool.start()  # the test's default queue

        payout_transfer_submit.delay(us.pk)
        pool.wait_for(lambda: us_worker.received(TASK) == 1, what="the US worker to take it")
        payout_transfer_submit.delay(cn.pk)
        pool.wait_for(lambda: global_worker.received(TASK) == 1, what="the global worker")

        assert us_worker.received(TASK) == 1
        assert global_worker.received(TASK) == 1
