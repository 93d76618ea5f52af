"""The plan task end to end on the real Celery worker: queued, solved with live progress, stored."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from opsroom.models import LiveEvent
from patrols.actions import planning
from patrols.choices import PlanStatus
from patrols.models import RosterPlan
from tests.conftest import World
from tests.live_servers import CeleryWorker
from tests.patrols import roster_fixtures as data

pytestmark = pytest.mark.integration
WAIT_S = 60


def wait_for(plan_id: int) -> RosterPlan:
    deadline = time.monotonic() + WAIT_S
    plan = RosterPlan.objects.get(pk=plan_id)
    while plan.status in {PlanStatus.QUEUED, PlanStatus.RUNNING} and time.monotonic() < deadline:
        time.sleep(0.2)
        plan = RosterPlan.objects.get(pk=plan_id)
    return plan


def test_the_worker_solves_a_requested_plan_and_announces_progress(
    transactional_db: None, world: World, celery_worker: CeleryWorker
) -> None:
    op = data.operation(world.polda)
    campaign = op.phases.order_by("starts_on").first()
    assert campaign is not None
    data.requirement(world.site_a, campaign, headcount=2)
    data.people(world.polres_a, 10)
    plan = planning.do_request_plan(world.users["ops_a"], unit=world.polres_a, operation=op, starts_on=data.START,
                                    ends_on=data.START + dt.timedelta(days=6))
    done = wait_for(plan.pk)
    assert done.status == PlanStatus.SUCCEEDED, (done.status, done.message, done.error)
    assert done.assignments.count() == 7 * 3 * 2
    assert done.stats["coverage"] == 1.0
    kinds = set(LiveEvent.objects.values_list("kind", flat=True))
    assert {"roster.progress", "roster.finished"} <= kinds
