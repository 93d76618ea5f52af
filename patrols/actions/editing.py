"""Hand edits of a roster: put a person on a slot (or clear it) after the independent checker agreed, and lock.

The check builds a small problem around the one person (their other shifts in the plan, their
published shifts elsewhere as history, their unavailability) and runs ``patrols.roster.checker``
on it, so the planner page's instant check and the stored edit apply the same rules as a solve.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from patrols import choices, events
from patrols.actions.problems import allowed_units, travel
from patrols.models import Assignment, Availability, Personnel, RosterPlan
from patrols.roster.checker import check
from patrols.roster.problem import Interval, Person, Problem, Rules, Site, Slot, Violation
from sites.actions import check_editor
from sites.models import ProtectedSite

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    Actor = User | AnonymousUser | None

AROUND = dt.timedelta(days=8)


def _slot(row: Assignment) -> Slot:
    return Slot(row.pk, row.site_id, row.starts_at, row.ends_at, row.qualification or None, row.night,
                row.importance)


def _plan_window(plan: RosterPlan) -> tuple[dt.datetime | None, dt.datetime | None]:
    bounds = plan.assignments.aggregate(first=Min("starts_at"), last=Max("starts_at"))
    return bounds["first"], bounds["last"]


def edit_violations(assignment: Assignment, person: Personnel) -> list[Violation]:
    """The hard rules that putting ``person`` on ``assignment`` would break (empty: the edit is lawful)."""
    plan = assignment.plan
    lo, hi = assignment.starts_at - AROUND, assignment.ends_at + AROUND
    own = list(plan.assignments.filter(person=person, starts_at__lt=hi, ends_at__gt=lo)
               .exclude(pk=assignment.pk))
    first, last = _plan_window(plan)
    plan_site_ids = set(plan.assignments.values_list("site_id", flat=True).distinct())
    # Published shifts of other plans count, except the ones this plan replaces (same sites, same hours).
    elsewhere = Assignment.objects.filter(published=True, person=person, starts_at__lt=hi, ends_at__gt=lo).exclude(
        plan=plan)
    if first is not None:
        elsewhere = elsewhere.exclude(Q(site_id__in=plan_site_ids) & Q(starts_at__gte=first) & Q(starts_at__lte=last))
    history = tuple(Interval(row.starts_at, row.ends_at, row.night) for row in elsewhere)
    rows = [assignment, *own]
    sites = list(ProtectedSite.objects.filter(pk__in={row.site_id for row in rows}).select_related("unit"))
    allowed = allowed_units(sites, plan.unit)
    away = tuple(
        Interval(start, end) for start, end in Availability.objects.filter(
            person=person, starts_at__lt=hi, ends_at__gt=lo).values_list("starts_at", "ends_at")
    )
    problem = Problem(
        people=(Person(person.pk, person.unit_id, frozenset(person.qualifications), away),),
        sites=tuple(Site(s.pk, s.unit_id, allowed[s.pk], s.priority, travel(s, allowed[s.pk])) for s in sites),
        slots=tuple(_slot(row) for row in rows),
        rules=Rules(plan.min_rest_h, plan.max_hours_7d, plan.max_consecutive_nights),
        history={person.pk: history} if history else {},
    )
    violations = check(problem, {row.pk: person.pk for row in rows})
    if not person.active:
        violations.insert(0, Violation("inactive", person.pk, (assignment.pk,), "The person is not active."))
    return [v for v in violations if assignment.pk in v.slot_ids]


def describe(violation: Violation, person: Personnel, edited_id: int, rows: dict[int, Assignment]) -> str:
    """A violation in words for the planner, with the other shift involved named by site and local time."""
    others = [rows[i] for i in violation.slot_ids if i != edited_id and i in rows]
    other = _shift_label(others[0]) if others else _("a shift in another roster")
    params = {**violation.params, "person": person.name, "other": other}
    rule = violation.rule
    if rule == "unqualified":
        code = str(violation.params.get("qualification", ""))
        label = choices.Qualification(code).label if code in choices.Qualification.values else code
        return _("%(person)s lacks the qualification “%(qualification)s” this position needs.") % {
            **params, "qualification": label}
    if rule == "unit":
        return _("%(person)s of %(unit)s may not guard this site: only its own unit, the units above it and "
                 "the units allowed to reinforce it.") % {**params, "unit": person.unit}
    if rule == "unavailable":
        return _("%(person)s is unavailable (leave, sick or assigned elsewhere) during this shift.") % params
    if rule == "double_booked":
        return _("%(person)s already has a shift at that time: %(other)s.") % params
    if rule == "rest":
        return _("%(person)s would rest only %(rest)s h between shifts (at least %(min)s h): %(other)s.") % {
            **params, "rest": f"{violation.params['rest_h']:g}", "min": f"{violation.params['min_rest_h']:g}"}
    if rule == "hours_7d":
        return _("%(person)s would work %(hours)s h in 7 days (at most %(max)s h).") % {
            **params, "hours": f"{float(violation.params['hours']):g}",
            "max": f"{float(violation.params['max_hours_7d']):g}"}
    if rule == "nights":
        return _("%(person)s would work %(nights)s night shifts in a row (at most %(max)s).") % {
            **params, "max": violation.params["max_consecutive_nights"]}
    if rule == "inactive":
        return _("%(person)s is not active.") % params
    return violation.message


def _shift_label(row: Assignment) -> str:
    local = row.starts_at.astimezone(ZoneInfo(row.site.time_zone))
    return f"{row.site.name} {date_format(local, 'SHORT_DATETIME_FORMAT')}"


def check_edit(assignment: Assignment, person: Personnel | None) -> list[str]:
    """What is wrong with the edit, in words (empty: it may be saved). For the planner's instant check."""
    if person is None:
        return []
    violations = edit_violations(assignment, person)
    if not violations:
        return []
    ids = {i for v in violations for i in v.slot_ids}
    rows = {row.pk: row for row in Assignment.objects.filter(pk__in=ids).select_related("site")}
    return [describe(v, person, assignment.pk, rows) for v in violations]


@transaction.atomic
def do_assign(actor: Actor, assignment: Assignment, person: Personnel | None, *, lock: bool = True) -> Assignment:
    """Put ``person`` on the slot (None: leave it uncovered). Refused with every broken hard rule named.

    A hand edit is locked by default, so a re-plan keeps it.
    """
    assignment = (Assignment.objects.select_for_update(of=("self",)).select_related("plan__unit", "site")
                  .get(pk=assignment.pk))
    if actor is not None:
        check_editor(actor, assignment.plan.unit)
    if assignment.plan.status != choices.PlanStatus.SUCCEEDED:
        raise ValidationError({"plan": _("Only a finished plan can be edited.")})
    if assignment.plan.superseded_at is not None:
        raise ValidationError({"plan": _("This plan was replaced by a newer one; edit that one.")})
    if person is not None:
        if actor is not None and not Personnel.objects.visible_to(actor).filter(pk=person.pk).exists() and \
                not _in_pool(assignment, person):
            raise ValidationError({"person": _("Unknown person.")})
        problems = check_edit(assignment, person)
        if problems:
            raise ValidationError({"person": problems})
    assignment.person = person
    assignment.gap_reason = "" if person else _("Left uncovered by hand.")
    assignment.locked = lock if person else False
    assignment.save(update_fields=["person", "gap_reason", "locked", "updated_at"])
    events.assignment_changed(assignment)
    return assignment


def _in_pool(assignment: Assignment, person: Personnel) -> bool:
    """Whether a person outside the actor's view is in the plan's pool (a reinforcing unit's officer)."""
    allowed = allowed_units([assignment.site], assignment.plan.unit)[assignment.site_id]
    return person.unit_id in allowed


@transaction.atomic
def do_lock(actor: Actor, assignment: Assignment, locked: bool) -> Assignment:
    """Lock (a re-plan keeps it exactly) or unlock a filled slot."""
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("plan__unit").get(pk=assignment.pk)
    if actor is not None:
        check_editor(actor, assignment.plan.unit)
    if locked and assignment.person_id is None:
        raise ValidationError({"locked": _("An uncovered slot cannot be locked; assign someone first.")})
    assignment.locked = locked
    assignment.save(update_fields=["locked", "updated_at"])
    events.assignment_changed(assignment)
    return assignment
