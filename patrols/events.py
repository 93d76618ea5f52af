"""What the patrols app announces: roster progress and results, check-ins and no-shows.

Sent through ``sites.events.announce`` after the transaction commits; ``opsroom`` pushes them to
the units that may see them (the plan's or the site's unit and the units above it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sites.events import DomainEvent, announce

if TYPE_CHECKING:
    from patrols.models import Assignment, CheckIn, NoShow, RosterPlan

ROSTER_PROGRESS = "roster.progress"
ROSTER_FINISHED = "roster.finished"
ROSTER_PUBLISHED = "roster.published"
ROSTER_ASSIGNMENT_CHANGED = "roster.assignment_changed"
ROSTER_CHECK_IN = "roster.check_in"
ROSTER_NO_SHOW = "roster.no_show"


def plan_payload(plan: RosterPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "unit_id": plan.unit_id,
        "status": plan.status,
        "progress": round(plan.progress, 3),
        "message": plan.message,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "gaps": int(plan.stats.get("gaps", 0)) if plan.stats else 0,
    }


def roster_progress(plan: RosterPlan) -> None:
    """Progress of a running solve. Sent at once (the task writes progress outside a transaction)."""
    announce(DomainEvent(ROSTER_PROGRESS, plan.unit.path, None, plan_payload(plan)))


def roster_finished(plan: RosterPlan) -> None:
    announce(DomainEvent(ROSTER_FINISHED, plan.unit.path, None, plan_payload(plan)))


def roster_published(plan: RosterPlan) -> None:
    announce(DomainEvent(ROSTER_PUBLISHED, plan.unit.path, None, plan_payload(plan)))


def assignment_payload(assignment: Assignment) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "plan_id": assignment.plan_id,
        "site_id": assignment.site_id,
        "starts_at": assignment.starts_at.isoformat(),
        "ends_at": assignment.ends_at.isoformat(),
        "person_id": assignment.person_id,
        "locked": assignment.locked,
        "published": assignment.published,
    }


def assignment_changed(assignment: Assignment) -> None:
    announce(DomainEvent(ROSTER_ASSIGNMENT_CHANGED, assignment.plan.unit.path, None, assignment_payload(assignment)))


def check_in(record: CheckIn) -> None:
    assignment = record.assignment
    announce(DomainEvent(ROSTER_CHECK_IN, assignment.site.unit.path, None, {
        "id": record.pk,
        "assignment_id": assignment.pk,
        "site_id": assignment.site_id,
        "person_id": record.person_id,
        "accepted": record.accepted,
        "checked_at": record.checked_at.isoformat(),
        "distance_m": round(record.distance_m, 1),
    }))


def no_show(alert: NoShow) -> None:
    assignment = alert.assignment
    announce(DomainEvent(ROSTER_NO_SHOW, assignment.site.unit.path, None, {
        "id": alert.pk,
        "assignment_id": assignment.pk,
        "site_id": assignment.site_id,
        "person_id": alert.person_id,
        "starts_at": assignment.starts_at.isoformat(),
        "detected_at": alert.detected_at.isoformat(),
    }))

