"""Data for the roster page tests: a small Polres A roster around today, solved and published, with
officer_a on it. Made through the actions, as the app makes it."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from patrols.actions import personnel, planning
from patrols.choices import ACTIVE_PLAN_STATUSES, Coverage, PlanStatus, ShiftPattern
from patrols.models import Personnel, RosterPlan
from sites import actions as site_actions
from sites.choices import ElectionKind, PhaseKind, SecurityLevel
from sites.models import Operation, Phase
from tests.patrols import roster_fixtures

DAY = dt.timedelta(days=1)
SOLVE_WAIT_S = 60.0


@dataclass
class Roster:
    operation: Operation
    phase: Phase
    crew: list[Personnel]
    officer: Personnel  # officer_a's own record, one of the crew
    plan: RosterPlan


def operation_around_today(world: Any, name: str = "Operasi Mantap Praja Uji") -> tuple[Operation, Phase]:
    today = timezone.localdate()
    op = site_actions.do_create_operation(None, name=name, election=ElectionKind.PILKADA, unit=world.polda,
                                          starts_on=today - 10 * DAY, ends_on=today + 20 * DAY)
    phase = site_actions.do_save_phase(None, Phase(operation=op, kind=PhaseKind.CAMPAIGN, starts_on=today - 10 * DAY,
                                                   ends_on=today + 20 * DAY, security_level=SecurityLevel.NORMAL))
    return op, phase


def solved_plan(world: Any, op: Operation, *, days: int = 3, start: dt.date | None = None) -> RosterPlan:
    first = start or timezone.localdate() - DAY
    plan = planning.do_request_plan(world.users["ops_a"], unit=world.polres_a, operation=op, starts_on=first,
                                    ends_on=first + (days - 1) * DAY)
    if planning.run_plan(plan.pk) is None:
        # A live worker (browser tests commit, so the task is really sent) claimed it first: wait for it.
        deadline = time.monotonic() + SOLVE_WAIT_S
        while plan.status in ACTIVE_PLAN_STATUSES and time.monotonic() < deadline:
            time.sleep(0.2)
            plan.refresh_from_db()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUCCEEDED, (plan.status, plan.message, plan.error)
    return plan


def roster(world: Any, *, crew_size: int = 3, publish: bool = True) -> Roster:
    """Site A guarded around the clock in three 8-hour shifts from 07:00 WIB, yesterday to tomorrow."""
    op, phase = operation_around_today(world)
    roster_fixtures.requirement(world.site_a, phase, headcount=1)
    crew = roster_fixtures.people(world.polres_a, crew_size)
    officer = personnel.do_update_personnel(None, crew[0], user=world.users["officer_a"], name="Sari Wulandari")
    plan = solved_plan(world, op)
    assert plan.stats["gaps"] == 0 and plan.assignments.filter(person=officer).exists(), plan.message
    if publish:
        plan = planning.do_publish_plan(None, plan)
    return Roster(op, phase, crew, officer, plan)


def shift_starting_now(world: Any) -> Roster:
    """Officer_a alone guards site A eight hours a day from the current local hour: check-in is open now."""
    op, phase = operation_around_today(world, name="Operasi Check-in Uji")
    hour = timezone.now().astimezone(ZoneInfo(world.site_a.time_zone)).hour
    roster_fixtures.requirement(world.site_a, phase, headcount=1, coverage=Coverage.WINDOW, window_hours=8,
                                pattern=ShiftPattern.CUSTOM, custom_shift_hours=[8], start_hour=hour)
    officer = personnel.do_create_personnel(None, nrp="85010001", name="Sari Wulandari", rank="bripda",
                                            unit=world.polres_a, user=world.users["officer_a"])
    today = timezone.now().astimezone(ZoneInfo(world.site_a.time_zone)).date()
    plan = planning.do_publish_plan(None, solved_plan(world, op, days=1, start=today))
    return Roster(op, phase, [officer], officer, plan)
