"""Roster plans from the database: request, solve, check, store, publish, re-plan, hand edits, cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from opsroom.models import LiveEvent
from patrols.actions import editing, personnel, planning
from patrols.actions.problems import build_instance
from patrols.choices import AvailabilityKind, PlanStatus, Qualification
from patrols.models import Assignment, RosterPlan
from patrols.roster.checker import check
from tests.conftest import World
from tests.patrols import roster_fixtures as data

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def solved(world: World, *, days: int = 4, start: dt.date = data.START, **kwargs: Any) -> RosterPlan:
    op = kwargs.pop("operation")
    plan = planning.do_request_plan(world.users["ops_a"], unit=world.polres_a, operation=op, starts_on=start,
                                    ends_on=start + (days - 1) * DAY, **kwargs)
    planning.run_plan(plan.pk)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def setup(world: World) -> dict[str, Any]:
    op = data.operation(world.polda)
    campaign, voting = op.phases.order_by("starts_on")
    data.requirement(world.site_a, campaign, headcount=1)
    data.requirement(world.site_a, voting, headcount=2)
    crew = data.people(world.polres_a, 8)
    return {"op": op, "campaign": campaign, "voting": voting, "crew": crew}


def stored_violations(plan: RosterPlan) -> list[Any]:
    """Run the independent checker on what was stored, against the plan's own problem."""
    instance = build_instance(plan)
    by_key = {info.key: slot_id for slot_id, info in instance.info.items()}
    assignments = {by_key[row.slot_key]: row.person_id for row in plan.assignments.exclude(person=None)}
    return check(instance.problem, assignments)


def test_a_plan_fills_every_slot_lawfully_in_the_sites_zone(world: World, setup: dict[str, Any]) -> None:
    plan = solved(world, operation=setup["op"])
    assert plan.status == PlanStatus.SUCCEEDED, plan.error
    rows = list(plan.assignments.all())
    assert len(rows) == 4 * 3  # four days of three 8-hour shifts, one guard in the campaign
    assert all(row.person_id for row in rows)
    assert plan.stats["coverage"] == 1.0 and plan.stats["gaps"] == 0
    assert plan.progress == 1.0
    # 07:00 WIB is 00:00 UTC.
    assert min(row.starts_at for row in rows) == dt.datetime(2024, 2, 1, 0, tzinfo=dt.UTC)
    assert stored_violations(plan) == []
    assert not any(row.published for row in rows)


def test_voting_day_needs_more_and_ranks_first(world: World, setup: dict[str, Any]) -> None:
    plan = solved(world, operation=setup["op"], start=data.START + 12 * DAY, days=2)  # last campaign day + voting
    rows = list(plan.assignments.all())
    campaign = [r for r in rows if r.starts_at.date() < dt.date(2024, 2, 14) and r.starts_at.hour < 17]
    assert len(rows) == 3 * 1 + 3 * 2
    assert max(r.importance for r in rows) > min(r.importance for r in rows)
    assert campaign


def test_when_people_run_short_every_gap_is_listed_with_a_reason(world: World, setup: dict[str, Any]) -> None:
    for person in setup["crew"][1:]:
        personnel.do_update_personnel(None, person, active=False)
    plan = solved(world, operation=setup["op"], days=3)
    assert plan.status == PlanStatus.SUCCEEDED
    gaps = list(plan.assignments.gaps())
    assert gaps, "one person cannot guard around the clock"
    assert all(gap.gap_reason for gap in gaps)
    assert plan.stats["gaps"] == len(gaps)
    assert stored_violations(plan) == []


def test_a_range_beyond_the_operation_is_refused_naming_the_operation(world: World, setup: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as error:
        planning.do_request_plan(world.users["ops_a"], unit=world.polres_a, operation=setup["op"],
                                 starts_on=data.START + 20 * DAY, ends_on=data.START + 40 * DAY)
    assert "goes beyond the operation “Operasi Mantap Brata”" in str(error.value)
    assert not RosterPlan.objects.exists()


def test_a_range_longer_than_the_limit_is_refused(world: World, setup: dict[str, Any], settings: Any) -> None:
    settings.ROSTER_MAX_DAYS = 7
    with pytest.raises(ValidationError, match="at most 7 days"):
        planning.do_request_plan(world.users["ops_a"], unit=world.polres_a, operation=setup["op"],
                                 starts_on=data.START, ends_on=data.START + 9 * DAY)


def test_another_units_planner_may_not_plan_here(world: World, setup: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        planning.do_request_plan(world.users["ops_b"], unit=world.polres_a, operation=setup["op"],
                                 starts_on=data.START, ends_on=data.START + DAY)


def test_publish_then_replan_after_a_sick_call_changes_only_what_it_must(world: World, setup: dict[str, Any]) -> None:
    ops = world.users["ops_a"]
    plan = solved(world, operation=setup["op"], days=6)
    planning.do_publish_plan(ops, plan)
    assert plan.assignments.filter(published=True).count() == 18
    before = {row.slot_key: row.person_id for row in plan.assignments.all()}
    # Sick for three days from the start of one of their published shifts (which shifts a person
    # gets depends on the solver's rotation, so the window follows the roster, not the calendar).
    first_shift = plan.assignments.exclude(person=None).order_by("starts_at")[2]
    sick = first_shift.person
    personnel.do_add_availability(ops, sick, kind=AvailabilityKind.SICK,
                                  starts_at=first_shift.starts_at - dt.timedelta(hours=1),
                                  ends_at=first_shift.starts_at + dt.timedelta(days=3))
    replan = planning.do_request_replan(ops, plan)
    planning.run_plan(replan.pk)
    replan.refresh_from_db()
    assert replan.status == PlanStatus.SUCCEEDED, replan.error
    after = {row.slot_key: row.person_id for row in replan.assignments.all()}
    changed = {key for key in before if before[key] != after[key]}
    assert changed, "the sick officer's shifts must move"
    moved_from = {before[key] for key in changed}
    assert moved_from == {sick.pk}, "only the sick officer's shifts change"
    assert {c["slot_key"] for c in replan.changes} == changed
    assert all(c["from"] == sick.name and c["to"] for c in replan.changes)
    assert stored_violations(replan) == []
    # Until the re-plan is published, officers still see the old roster.
    assert set(Assignment.objects.filter(published=True).values_list("plan_id", flat=True)) == {plan.pk}
    planning.do_publish_plan(ops, replan)
    plan.refresh_from_db()
    assert plan.superseded_at is not None
    assert set(Assignment.objects.filter(published=True).values_list("plan_id", flat=True)) == {replan.pk}


def test_a_cancelled_replan_changes_nothing_published(world: World, setup: dict[str, Any]) -> None:
    ops = world.users["ops_a"]
    plan = solved(world, operation=setup["op"], days=2)
    planning.do_publish_plan(ops, plan)
    published = list(Assignment.objects.filter(published=True).values_list("pk", "person_id"))
    replan = planning.do_request_replan(ops, plan)
    planning.do_cancel_plan(ops, replan)
    assert planning.run_plan(replan.pk) is None
    replan.refresh_from_db()
    assert replan.status == PlanStatus.CANCELLED
    assert not replan.assignments.exists()
    assert list(Assignment.objects.filter(published=True).values_list("pk", "person_id")) == published


def test_only_a_finished_plan_can_be_published(world: World, setup: dict[str, Any]) -> None:
    plan = planning.do_request_plan(world.users["ops_a"], unit=world.polres_a, operation=setup["op"],
                                    starts_on=data.START, ends_on=data.START)
    with pytest.raises(ValidationError, match="Only a finished plan"):
        planning.do_publish_plan(world.users["ops_a"], plan)
    with pytest.raises(ValidationError, match=r"(?i)already queued"):
        planning.do_request_plan(world.users["ops_a"], unit=world.polres_a, operation=setup["op"],
                                 starts_on=data.START, ends_on=data.START)


def test_a_hand_edit_that_breaks_a_hard_rule_is_refused_naming_it(world: World, setup: dict[str, Any]) -> None:
    ops = world.users["ops_a"]
    plan = solved(world, operation=setup["op"], days=2)
    first, second = plan.assignments.order_by("starts_at")[:2]  # 07-15 and 15-23 on day one
    with pytest.raises(ValidationError) as error:
        editing.do_assign(ops, second, first.person)
    assert "would rest only 0 h between shifts (at least 8 h)" in str(error.value)
    second.refresh_from_db()
    assert second.person_id != first.person_id


def test_a_hand_edit_with_an_unqualified_person_is_refused(world: World, setup: dict[str, Any]) -> None:
    from tests.factories import SiteFactory

    warehouse = SiteFactory(name="Gudang Logistik KPU Kota Blitar", unit=world.polres_a)
    data.requirement(warehouse, setup["campaign"], qualification=Qualification.ARMED, coverage="window",
                     start_hour=8, window_hours=8, pattern="custom", custom_shift_hours=[8])
    data.people(world.polres_a, 2, [Qualification.ARMED])
    plan = solved(world, operation=setup["op"], days=1)
    armed_slot = plan.assignments.get(site=warehouse)
    assert armed_slot.person is not None and Qualification.ARMED in armed_slot.person.qualifications
    with pytest.raises(ValidationError, match="lacks the qualification “Armed”"):
        editing.do_assign(world.users["ops_a"], armed_slot, setup["crew"][0])


def test_a_lawful_hand_edit_is_stored_locked_and_kept_by_the_replan(world: World, setup: dict[str, Any]) -> None:
    ops = world.users["ops_a"]
    plan = solved(world, operation=setup["op"], days=2)
    slot = plan.assignments.order_by("starts_at").first()
    assert slot is not None
    busy = set(plan.assignments.exclude(person=None).values_list("person_id", flat=True))
    idle = next(p for p in setup["crew"] if p.pk not in busy)
    assert editing.check_edit(slot, idle) == []
    edited = editing.do_assign(ops, slot, idle)
    assert edited.person_id == idle.pk and edited.locked
    planning.do_publish_plan(ops, plan)
    replan = planning.do_request_replan(ops, plan)
    planning.run_plan(replan.pk)
    kept = replan.assignments.get(slot_key=slot.slot_key)
    assert kept.person_id == idle.pk and kept.locked


def test_a_hand_edit_with_an_unavailable_person_is_refused(world: World, setup: dict[str, Any]) -> None:
    ops = world.users["ops_a"]
    plan = solved(world, operation=setup["op"], days=1)
    slot = plan.assignments.order_by("starts_at").first()
    assert slot is not None
    person = setup["crew"][-1]
    personnel.do_add_availability(ops, person, kind=AvailabilityKind.LEAVE, starts_at=slot.starts_at - DAY,
                                  ends_at=slot.ends_at + DAY)
    with pytest.raises(ValidationError, match="unavailable"):
        editing.do_assign(ops, slot, person)


def test_an_officer_of_another_polres_may_not_guard_without_reinforcement(world: World, setup: dict[str, Any]) -> None:
    ops = world.users["ops_a"]
    plan = solved(world, operation=setup["op"], days=1)
    slot = plan.assignments.order_by("starts_at").first()
    assert slot is not None
    outsider = data.people(world.polres_b, 1)[0]
    with pytest.raises(ValidationError, match="Unknown person"):
        editing.do_assign(ops, slot, outsider)
    personnel.do_add_reinforcement(world.users["admin"], unit=world.polres_a,
                                   reinforcing_unit=world.polres_b)
    assert editing.check_edit(slot, outsider) == []


def stall(plan: RosterPlan, settings: Any) -> None:
    """As a worker that died while solving leaves the plan: running, since longer than any solve takes."""
    started = timezone.now() - dt.timedelta(seconds=settings.ROSTER_TIME_LIMIT_S + settings.ROSTER_STALL_GRACE_S + 1)
    RosterPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.RUNNING, started_at=started)


def test_a_plan_whose_worker_died_is_failed_by_beat_and_the_unit_can_plan_again(
        world: World, setup: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any) -> None:
    ops = world.users["ops_a"]
    plan = planning.do_request_plan(ops, unit=world.polres_a, operation=setup["op"], starts_on=data.START,
                                    ends_on=data.START)
    stall(plan, settings)
    busy = RosterPlan.objects.create(unit=world.polres_b, operation=setup["op"], starts_on=data.START,
                                     ends_on=data.START, status=PlanStatus.RUNNING, started_at=timezone.now())
    with pytest.raises(ValidationError, match=r"(?i)already running"):
        planning.do_request_plan(ops, unit=world.polres_a, operation=setup["op"], starts_on=data.START,
                                 ends_on=data.START)

    with django_capture_on_commit_callbacks(execute=True):
        assert planning.do_fail_stalled_plans() == 1
    plan.refresh_from_db()
    assert plan.status == PlanStatus.FAILED and "stopped" in plan.message and plan.finished_at is not None
    busy.refresh_from_db()
    assert busy.status == PlanStatus.RUNNING  # a plan inside its time is left to its worker
    finished = LiveEvent.objects.get(kind="roster.finished")
    assert (finished.payload["id"], finished.payload["status"]) == (plan.pk, PlanStatus.FAILED)
    assert planning.do_fail_stalled_plans() == 0

    again = solved(world, operation=setup["op"], days=1)
    assert again.status == PlanStatus.SUCCEEDED


def test_cancelling_a_plan_whose_worker_died_ends_it_at_once(
        world: World, setup: dict[str, Any], settings: Any) -> None:
    ops = world.users["ops_a"]
    plan = planning.do_request_plan(ops, unit=world.polres_a, operation=setup["op"], starts_on=data.START,
                                    ends_on=data.START)
    RosterPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.RUNNING, started_at=timezone.now())
    assert planning.do_cancel_plan(ops, plan).status == PlanStatus.RUNNING  # a live worker stops at its next step
    stall(plan, settings)
    cancelled = planning.do_cancel_plan(ops, plan)
    assert cancelled.status == PlanStatus.CANCELLED and cancelled.finished_at is not None


def test_a_slow_worker_finishing_after_its_plan_was_failed_stores_nothing(
        world: World, setup: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    solve = planning.solve

    def slow_solve(*args: Any, **kwargs: Any) -> Any:
        # While this worker solves, beat (two hours on) takes it for dead.
        assert planning.do_fail_stalled_plans(timezone.now() + dt.timedelta(hours=2)) == 1
        return solve(*args, **kwargs)

    monkeypatch.setattr(planning, "solve", slow_solve)
    plan = solved(world, operation=setup["op"], days=1)
    assert plan.status == PlanStatus.FAILED and "stopped" in plan.message
    assert not plan.assignments.exists()
