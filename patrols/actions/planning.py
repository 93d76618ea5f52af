"""Roster plans: request, run (in the ``patrols.roster.plan`` task), cancel, publish, re-plan.

A plan's result is written in one transaction as the plan's own assignment rows, so a solve that
fails or is cancelled leaves every published roster as it was. Publishing a plan retires the
published rows it replaces (same sites, same hours) and marks its own rows published.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from patrols import choices, events
from patrols.actions.problems import Instance, build_instance
from patrols.models import Assignment, Personnel, RosterPlan
from patrols.roster.checker import check
from patrols.roster.problem import Solution
from patrols.roster.solver import solve
from sites.actions import check_editor
from sites.models import Operation, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Actor = User | AnonymousUser | None

logger = logging.getLogger(__name__)

PLAN_TASK = "patrols.roster.plan"
# Progress is written and announced at most this often (each announcement is a live event row).
PROGRESS_EVERY_S = 0.5
CANCEL_POLL_EVERY_S = 0.5
# Share of the progress bar for each stage: building the problem, solving, checking and writing.
BUILD_SHARE, SOLVE_SHARE = 0.1, 0.8


def check_plan_range(unit: Unit, operation: Operation, starts_on: dt.date, ends_on: dt.date) -> None:
    """The range must be ordered, inside the operation and at most ROSTER_MAX_DAYS long."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The range ends (%(end)s) before it starts (%(start)s).")
                               % {"start": starts_on, "end": ends_on}})
    if starts_on < operation.starts_on or ends_on > operation.ends_on:
        raise ValidationError({"ends_on" if ends_on > operation.ends_on else "starts_on": _(
            "%(start)s to %(end)s goes beyond the operation “%(operation)s”, "
            "which runs from %(op_start)s to %(op_end)s."
        ) % {"start": starts_on, "end": ends_on, "operation": operation, "op_start": operation.starts_on,
             "op_end": operation.ends_on}})
    days = (ends_on - starts_on).days + 1
    if days > settings.ROSTER_MAX_DAYS:
        raise ValidationError({"ends_on": _("A plan may cover at most %(max)s days; this range has %(days)s. "
                                            "Plan it in parts.") % {"max": settings.ROSTER_MAX_DAYS, "days": days}})
    running = RosterPlan.objects.filter(unit=unit, status__in=choices.ACTIVE_PLAN_STATUSES).first()
    if running is not None:
        raise ValidationError({"unit": _("A plan for %(unit)s is already %(status)s (plan %(id)s); wait for it "
                                         "or cancel it.") % {"unit": unit, "status": running.get_status_display(),
                                                             "id": running.pk}})


@transaction.atomic
def do_request_plan(actor: Actor, *, unit: Unit, operation: Operation, starts_on: dt.date, ends_on: dt.date,
                    min_rest_h: float = 8.0, max_hours_7d: float = 56.0, max_consecutive_nights: int = 3,
                    replaces: RosterPlan | None = None) -> RosterPlan:
    """Queue a roster plan for the unit's sites over [starts_on, ends_on] (local dates, inclusive).

    The solve runs in the ``patrols.roster.plan`` task (roster queue) once this commits.
    """
    if actor is not None:
        check_editor(actor, unit)
        if not Operation.objects.visible_to(actor).filter(pk=operation.pk).exists():
            raise ValidationError({"operation": _("Unknown operation.")})
    errors = {}
    if not 0 <= min_rest_h <= 24:
        errors["min_rest_h"] = _("The minimum rest must be 0 to 24 hours.")
    if not 8 <= max_hours_7d <= 168:
        errors["max_hours_7d"] = _("The weekly maximum must be 8 to 168 hours.")
    if not 1 <= max_consecutive_nights <= 14:
        errors["max_consecutive_nights"] = _("The night limit must be 1 to 14 nights in a row.")
    if errors:
        raise ValidationError(errors)
    Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one request per unit at a time
    check_plan_range(unit, operation, starts_on, ends_on)
    plan = RosterPlan.objects.create(
        unit=unit, operation=operation, starts_on=starts_on, ends_on=ends_on, replaces=replaces,
        requested_by=actor if actor is not None and actor.is_authenticated else None,
        min_rest_h=min_rest_h, max_hours_7d=max_hours_7d, max_consecutive_nights=max_consecutive_nights,
        task_id=str(uuid.uuid4()), message=_("Waiting for a roster worker"),
    )
    plan_id, task_id = plan.pk, plan.task_id
    transaction.on_commit(lambda: current_app.send_task(PLAN_TASK, args=[plan_id], task_id=task_id))
    return plan


def do_request_replan(actor: Actor, plan: RosterPlan) -> RosterPlan:
    """Plan the published plan's range again (after a sick call, new leave, a changed requirement).

    Published assignments are kept unless they must change; the new plan lists what changed.
    """
    plan = RosterPlan.objects.select_related("unit", "operation").get(pk=plan.pk)
    if not plan.is_published:
        raise ValidationError({"plan": _("Only a published plan can be re-planned; this one is %(status)s.")
                               % {"status": plan.get_status_display() if not plan.published_at else _("replaced")}})
    return do_request_plan(
        actor, unit=plan.unit, operation=plan.operation, starts_on=plan.starts_on, ends_on=plan.ends_on,
        min_rest_h=plan.min_rest_h, max_hours_7d=plan.max_hours_7d,
        max_consecutive_nights=plan.max_consecutive_nights, replaces=plan,
    )


@transaction.atomic
def do_cancel_plan(actor: Actor, plan: RosterPlan) -> RosterPlan:
    """Stop a queued or running plan; a running solve stops at its next step and stores nothing."""
    plan = RosterPlan.objects.select_for_update(of=("self",)).select_related("unit").get(pk=plan.pk)
    if actor is not None:
        check_editor(actor, plan.unit)
    if plan.status == choices.PlanStatus.QUEUED:
        plan.status = choices.PlanStatus.CANCELLED
        plan.finished_at = timezone.now()
        plan.message = _("Cancelled before it started.")
    elif is_stalled(plan, timezone.now()):
        # No worker is left to read cancel_requested: the plan ends here.
        plan.status = choices.PlanStatus.CANCELLED
        plan.finished_at = timezone.now()
        plan.message = _("Cancelled; its worker had stopped, and nothing was stored.")
    elif plan.status == choices.PlanStatus.RUNNING:
        plan.message = _("Cancelling…")
    else:
        raise ValidationError({"plan": _("Only a queued or running plan can be cancelled; this one is %(status)s.")
                               % {"status": plan.get_status_display()}})
    plan.cancel_requested = True
    plan.save(update_fields=["status", "finished_at", "message", "cancel_requested"])
    if plan.status == choices.PlanStatus.CANCELLED:
        events.roster_finished(plan)
    else:
        events.roster_progress(plan)
    return plan


# A worker that dies (killed, out of memory, its machine gone) leaves its plan "running": the task is
# acknowledged on receipt, so nothing redelivers it. A solve stops at ROSTER_TIME_LIMIT_S, and
# building, checking and storing take far less than the grace; a plan running longer has no worker.


def stalled_before(now: dt.datetime) -> dt.datetime:
    """A running plan started before this has no worker left."""
    return now - dt.timedelta(seconds=settings.ROSTER_TIME_LIMIT_S + settings.ROSTER_STALL_GRACE_S)


def is_stalled(plan: RosterPlan, now: dt.datetime) -> bool:
    return (plan.status == choices.PlanStatus.RUNNING and plan.started_at is not None
            and plan.started_at < stalled_before(now))


def do_fail_stalled_plans(now: dt.datetime | None = None) -> int:
    """Mark the running plans whose worker stopped as failed (beat runs it), so their units can plan
    again and their open pages say so; returns how many."""
    now = now or timezone.now()
    failed = 0
    stalled = RosterPlan.objects.filter(status=choices.PlanStatus.RUNNING, started_at__lt=stalled_before(now))
    for plan in stalled.select_related("unit"):
        with transaction.atomic():
            # Conditional: a worker that was only slow and finishes now keeps its result.
            if not RosterPlan.objects.filter(pk=plan.pk, status=choices.PlanStatus.RUNNING).update(
                    status=choices.PlanStatus.FAILED, finished_at=now, error="no worker finished the plan",
                    message=_("Its worker stopped before the plan was done; nothing was stored. Plan again.")):
                continue
            plan.refresh_from_db()
            events.roster_finished(plan)
        logger.warning("Roster plan %s failed: running since %s with no worker left", plan.pk, plan.started_at)
        failed += 1
    return failed


# Running -----------------------------------------------------------------------------------------

class _Reporter:
    """The solver's progress and cancel callbacks, writing to the plan row at a bounded rate."""

    def __init__(self, plan: RosterPlan) -> None:
        self.plan = plan
        self.last_write = 0.0
        self.last_poll = 0.0
        self.stopping = False

    def progress(self, fraction: float, message: str) -> None:
        self.report(BUILD_SHARE + SOLVE_SHARE * max(0.0, min(1.0, fraction)), message)

    def report(self, fraction: float, message: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last_write < PROGRESS_EVERY_S:
            return
        self.last_write = now
        self.plan.progress, self.plan.message = fraction, message[:255]
        if RosterPlan.objects.filter(pk=self.plan.pk, status=choices.PlanStatus.RUNNING).update(
                progress=fraction, message=self.plan.message):
            events.roster_progress(self.plan)
        else:
            self.stopping = True  # ended meanwhile (taken for stalled): the solve stops at its next step

    def should_stop(self) -> bool:
        now = time.monotonic()
        if not self.stopping and now - self.last_poll >= CANCEL_POLL_EVERY_S:
            self.last_poll = now
            self.stopping = RosterPlan.objects.filter(pk=self.plan.pk, cancel_requested=True).exists()
        return self.stopping


def run_plan(plan_id: int) -> RosterPlan | None:
    """Claim a queued plan, solve it, check it, store the result; the task's whole body.

    Returns None when the plan was not queued (cancelled before it started, or claimed already).
    """
    claimed = RosterPlan.objects.filter(
        pk=plan_id, status=choices.PlanStatus.QUEUED, cancel_requested=False
    ).update(status=choices.PlanStatus.RUNNING, started_at=timezone.now(), message=_("Building the problem"))
    if not claimed:
        return None
    plan = RosterPlan.objects.select_related("unit", "operation").get(pk=plan_id)
    reporter = _Reporter(plan)
    reporter.report(0.0, _("Building the problem"), force=True)
    try:
        instance = build_instance(plan)
        reporter.report(BUILD_SHARE, _("Solving %(slots)s slots for %(people)s people")
                        % {"slots": len(instance.problem.slots), "people": len(instance.problem.people)}, force=True)
        solution = solve(instance.problem, time_limit_s=float(settings.ROSTER_TIME_LIMIT_S),
                         progress=reporter.progress, should_stop=reporter.should_stop)
        if solution.status == "cancelled" or reporter.should_stop():
            return _finish(plan, choices.PlanStatus.CANCELLED, _("Cancelled; nothing was stored."))
        reporter.report(BUILD_SHARE + SOLVE_SHARE, _("Checking the roster"), force=True)
        violations = check(instance.problem, solution.assignments)
        if violations:
            logger.error("Roster plan %s: the solver broke %s hard rules", plan.pk, len(violations))
            return _finish(plan, choices.PlanStatus.FAILED, _("The roster broke hard rules; nothing was stored."),
                           error="\n".join(v.message for v in violations[:20]))
        return _store(plan, instance, solution)
    except Exception as exc:
        logger.exception("Roster plan %s failed", plan_id)
        return _finish(plan, choices.PlanStatus.FAILED, _("The plan failed; nothing was stored."), error=str(exc))


def _finish(plan: RosterPlan, status: str, message: str, *, error: str = "",
            stats: dict[str, Any] | None = None, changes: list[dict[str, Any]] | None = None) -> RosterPlan:
    """End the worker's plan, if it is still running (do_fail_stalled_plans may have ended it)."""
    values: dict[str, Any] = {"status": status, "message": message, "error": error, "finished_at": timezone.now(),
                              "progress": 1.0 if status == choices.PlanStatus.SUCCEEDED else plan.progress}
    if stats is not None:
        values["stats"] = stats
    if changes is not None:
        values["changes"] = changes
    if RosterPlan.objects.filter(pk=plan.pk, status=choices.PlanStatus.RUNNING).update(**values):
        for name, value in values.items():
            setattr(plan, name, value)
        events.roster_finished(plan)
    else:
        plan.refresh_from_db()
    return plan


@transaction.atomic
def _store(plan: RosterPlan, instance: Instance, solution: Solution) -> RosterPlan:
    # A write, so that it locks the row (PostgreSQL) or the database (SQLite) until _finish: ended
    # meanwhile as stalled (do_fail_stalled_plans), the plan stores nothing.
    if not RosterPlan.objects.filter(pk=plan.pk, status=choices.PlanStatus.RUNNING).update(
            message=_("Storing the roster")):
        plan.refresh_from_db()
        return plan
    problem = instance.problem
    reasons = {gap.slot_id: gap.reason for gap in solution.gaps}
    rows = []
    for slot in problem.slots:
        info = instance.info[slot.id]
        person_id = solution.assignments.get(slot.id)
        rows.append(Assignment(
            plan=plan, site_id=slot.site_id, requirement_id=info.requirement_id, slot_key=info.key,
            qualification=info.qualification, starts_at=slot.start, ends_at=slot.end, night=slot.night,
            importance=slot.importance, person_id=person_id,
            gap_reason="" if person_id else reasons.get(slot.id, _("No one could be assigned."))[:255],
            locked=slot.id in problem.locked,
        ))
    Assignment.objects.bulk_create(rows, batch_size=2000)
    changes = _changes(instance, solution)
    stats = _stats(instance, solution, len(changes))
    filled = stats["filled"]
    message = _("%(filled)s of %(slots)s slots filled, %(gaps)s uncovered") % {
        "filled": filled, "slots": stats["slots"], "gaps": stats["gaps"]}
    return _finish(plan, choices.PlanStatus.SUCCEEDED, message, stats=stats, changes=changes)


def _stats(instance: Instance, solution: Solution, changed: int) -> dict[str, Any]:
    problem = instance.problem
    hours: dict[int, float] = defaultdict(float)
    slots = {slot.id: slot for slot in problem.slots}
    for slot_id, person_id in solution.assignments.items():
        hours[person_id] += slots[slot_id].hours
    worked = [hours[p.id] for p in problem.people if hours.get(p.id, 0) > 0]
    total = len(problem.slots)
    filled = len(solution.assignments)
    return {
        "slots": total, "filled": filled, "gaps": total - filled,
        "coverage": round(filled / total, 4) if total else 1.0,
        "people": len(problem.people), "people_used": len(worked),
        "hours_spread_h": round(max(worked) - min(worked), 1) if worked else 0.0,
        "solve_s": round(solution.solve_s, 3), "solver_status": solution.status,
        "changed": changed, "dropped_locks": instance.dropped_locks[:50],
        **{f"solver_{name}": value for name, value in solution.stats.items()},
    }


def _changes(instance: Instance, solution: Solution) -> list[dict[str, Any]]:
    """Every published slot whose person changed: from whom to whom."""
    if not instance.published_by_key:
        return []
    by_key = {info.key: slot_id for slot_id, info in instance.info.items()}
    slots = {slot.id: slot for slot in instance.problem.slots}
    moved = []
    for key, before in instance.published_by_key.items():
        slot_id = by_key[key]
        after = solution.assignments.get(slot_id)
        if after != before:
            moved.append((key, slot_id, before, after))
    names = dict(Personnel.objects.filter(
        pk__in={p for _k, _s, b, a in moved for p in (b, a) if p}).values_list("pk", "name"))
    return [
        {"slot_key": key, "site_id": slots[slot_id].site_id, "starts_at": slots[slot_id].start.isoformat(),
         "ends_at": slots[slot_id].end.isoformat(), "from_person_id": before, "from": names.get(before, ""),
         "to_person_id": after, "to": names.get(after, "") if after else ""}
        for key, slot_id, before, after in sorted(moved, key=lambda m: slots[m[1]].start)
    ]


# Publishing --------------------------------------------------------------------------------------

@transaction.atomic
def do_publish_plan(actor: Actor, plan: RosterPlan) -> RosterPlan:
    """Make the plan the roster officers see; the published rows it covers (same sites, same hours) retire."""
    plan = RosterPlan.objects.select_for_update(of=("self",)).select_related("unit").get(pk=plan.pk)
    if actor is not None:
        check_editor(actor, plan.unit)
    if plan.status != choices.PlanStatus.SUCCEEDED:
        raise ValidationError({"plan": _("Only a finished plan can be published; this one is %(status)s.")
                               % {"status": plan.get_status_display()}})
    if plan.published_at is not None:
        raise ValidationError({"plan": _("This plan was published already.")})
    now = timezone.now()
    own = plan.assignments.all()
    bounds = own.aggregate(first=Min("starts_at"), last=Max("starts_at"))
    if bounds["first"] is not None:
        site_ids = set(own.values_list("site_id", flat=True).distinct())
        Assignment.objects.filter(
            published=True, site_id__in=site_ids, starts_at__gte=bounds["first"], starts_at__lte=bounds["last"]
        ).exclude(plan=plan).update(published=False)
    own.update(published=True)
    RosterPlan.objects.filter(published_at__isnull=False, superseded_at__isnull=True).exclude(pk=plan.pk).exclude(
        assignments__published=True
    ).update(superseded_at=now)
    plan.published_at = now
    plan.save(update_fields=["published_at"])
    events.roster_published(plan)
    return plan
