"""What the plan pages read from a plan's assignments: the heatmap's cells, the gaps, each person's load.

Read-only shaping over rows the caller already scoped; every list here stays a fixed number of
queries however many shifts a plan has.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from patrols.models import Assignment, Personnel, RosterPlan
from patrols.views.base import local_span, position_label
from patrols.views.coverage import Heatmap, ShiftCoverage, SiteRow, build_heatmap
from sites.models import ProtectedSite

# The heatmap shows a week at a time: a Polres plan of 60 sites stays a page a browser draws at once.
HEATMAP_DAYS = 7
GAP_LIST_LIMIT = 300


def plan_window(plan: RosterPlan, first: dt.date | None) -> tuple[dt.date, dt.date]:
    """The days the heatmap shows: a week from ``first`` (clamped to the plan), inclusive."""
    start = min(max(first or plan.starts_on, plan.starts_on), plan.ends_on)
    return start, min(start + dt.timedelta(days=HEATMAP_DAYS - 1), plan.ends_on)


def window_bounds(plan: RosterPlan, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """UTC bounds of the local days first..last in the plan unit's zone, padded a day for other zones."""
    zone = ZoneInfo(plan.unit.time_zone)
    start = dt.datetime.combine(first, dt.time(), tzinfo=zone) - dt.timedelta(hours=3)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tzinfo=zone) + dt.timedelta(hours=3)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def plan_heatmap(plan: RosterPlan, first: dt.date, last: dt.date) -> Heatmap:
    since, until = window_bounds(plan, first, last)
    rows = plan.assignments.filter(starts_at__gte=since, starts_at__lt=until).values_list(
        "site_id", "starts_at", "ends_at", "person_id", "qualification", "gap_reason")
    shifts: dict[tuple[int, dt.datetime], dict[str, Any]] = {}
    for site_id, starts_at, ends_at, person_id, qualification, gap_reason in rows:
        entry = shifts.setdefault((site_id, starts_at), {"end": ends_at, "needed": 0, "filled": 0, "gaps": []})
        entry["needed"] += 1
        if person_id is not None:
            entry["filled"] += 1
        else:
            entry["gaps"].append(f"{position_label(qualification)}: {gap_reason or _('uncovered')}")
    site_ids = {site_id for site_id, _start in shifts} | set(
        plan.assignments.values_list("site_id", flat=True).distinct())
    sites = ProtectedSite.objects.filter(pk__in=site_ids).order_by("priority", "name")
    return build_heatmap(
        [SiteRow(site.pk, site.name, site.time_zone) for site in sites],
        [ShiftCoverage(site_id, start, entry["end"], entry["needed"], entry["filled"], tuple(entry["gaps"]))
         for (site_id, start), entry in shifts.items()],
        display_zone=plan.unit.time_zone,
        title=_("{filled} of {needed} filled · {start}\u2013{end} {zone}"),
    )


@dataclass
class GapLine:
    assignment: Assignment
    when: str
    position: str


def plan_gaps(plan: RosterPlan) -> tuple[list[GapLine], int]:
    """Every uncovered slot with its reason (the first few hundred), and how many there are."""
    gaps = plan.assignments.gaps().select_related("site").order_by("starts_at", "site__name")
    total = gaps.count()
    return [GapLine(row, local_span(row.starts_at, row.ends_at, row.site.time_zone), position_label(row.qualification))
            for row in gaps[:GAP_LIST_LIMIT]], total


@dataclass
class PersonLoad:
    person: Personnel
    shifts: int = 0
    hours: float = 0.0
    nights: int = 0
    sites: set[int] = field(default_factory=set)


def plan_loads(plan: RosterPlan) -> list[PersonLoad]:
    """Shifts, hours and nights of each person in the plan, busiest first: fairness at a glance."""
    loads: dict[int, PersonLoad] = {}
    rows = plan.assignments.filter(person__isnull=False).values_list("person_id", "starts_at", "ends_at", "night",
                                                                      "site_id")
    totals: dict[int, list[Any]] = defaultdict(lambda: [0, 0.0, 0, set()])
    for person_id, starts_at, ends_at, night, site_id in rows:
        entry = totals[person_id]
        entry[0] += 1
        entry[1] += (ends_at - starts_at).total_seconds() / 3600
        entry[2] += int(night)
        entry[3].add(site_id)
    for person in Personnel.objects.filter(pk__in=totals).select_related("unit"):
        shifts, hours, nights, sites = totals[person.pk]
        loads[person.pk] = PersonLoad(person, shifts, round(hours, 1), nights, sites)
    return sorted(loads.values(), key=lambda load: (-load.hours, load.person.name))


def plan_person_shifts(plan: RosterPlan, person: Personnel) -> list[dict[str, Any]]:
    rows = plan.assignments.filter(person=person).select_related("site").order_by("starts_at")
    return [{"assignment": row, "when": local_span(row.starts_at, row.ends_at, row.site.time_zone),
             "position": position_label(row.qualification)} for row in rows]


def shift_positions(plan: RosterPlan, site: ProtectedSite, start: dt.datetime) -> list[Assignment]:
    """The positions of one shift at one site (one row each), in a stable order."""
    return list(plan.assignments.filter(site=site, starts_at=start).select_related("person", "site")
                .order_by("qualification", "slot_key"))
