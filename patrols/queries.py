"""Scoped reads of the patrols app: ``access_*`` return a row the user may see, or raise 404 the same way
for missing and not-yours; ``my_*`` are an officer's own shifts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from patrols.models import Assignment, Availability, GuardRequirement, Personnel, RosterPlan
from sites.queries import access_row


def access_person(user: Any, person_id: object) -> Personnel:
    return access_row(Personnel.objects.visible_to(user).select_related("unit"), person_id)


def access_availability(user: Any, availability_id: object) -> Availability:
    return access_row(Availability.objects.visible_to(user).select_related("person__unit"), availability_id)


def access_requirement(user: Any, requirement_id: object) -> GuardRequirement:
    return access_row(GuardRequirement.objects.visible_to(user).select_related("site__unit", "phase__operation"),
                   requirement_id)


def access_plan(user: Any, plan_id: object) -> RosterPlan:
    return access_row(RosterPlan.objects.visible_to(user).select_related("unit", "operation"), plan_id)


def access_assignment(user: Any, assignment_id: object) -> Assignment:
    return access_row(Assignment.objects.visible_to(user).select_related("plan__unit", "site__unit", "person"),
                   assignment_id)


def my_shifts(user: Any, *, since: dt.datetime | None = None) -> QuerySet[Assignment]:
    """The user's own published shifts that have not ended (or ended after ``since``), soonest first."""
    since = since or timezone.now()
    return (Assignment.objects.filter(published=True, person__user=user, ends_at__gt=since)
            .select_related("site", "plan").order_by("starts_at"))


def access_my_shift(user: Any, assignment_id: object) -> Assignment:
    """One of the user's own published shifts (any time), or 404."""
    rows = Assignment.objects.filter(published=True, person__user=user).select_related("site__unit", "person")
    return access_row(rows, assignment_id)
