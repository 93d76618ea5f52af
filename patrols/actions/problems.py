"""From the database to a roster ``Problem``: the slots of a unit's sites over a date range, the people
who may fill them, what is locked or published already, and the work done just before.

Rules written here (documented in docs/ARCHITECTURE.md by the lead):

- The sites are those of the plan's unit and every unit below it. A site may be guarded by its own
  unit, by the units above it up to the plan's unit, and by units a ``Reinforcement`` names for any
  of those.
- Slots come from the requirements of the phases of the plan's operation, day by day in the site's
  own zone; a requirement's position with headcount n gives n slots per shift.
- Importance (what is filled first when people run short) grows with the phase's security level
  and the site's priority.
- Published assignments at the same slots are kept unless they must change; locked ones (and
  shifts already begun) are kept exactly, unless the person can no longer take them (sick, left the
  pool), which is reported.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from patrols import shifts
from patrols.actions.requirements import pattern_of
from patrols.models import Assignment, Availability, GuardRequirement, Personnel, Reinforcement, RosterPlan
from patrols.roster.problem import Interval, Person, Problem, Rules, Site, Slot
from sites.models import ProtectedSite, Unit

HISTORY = dt.timedelta(days=7)
# Travel minutes from a unit's base to a site, by how the unit relates to the site (the soft
# "short travel" goal); units have no coordinates yet, so the relation stands in for distance.
TRAVEL_OWN_UNIT = 0
TRAVEL_UNIT_ABOVE = 30
TRAVEL_REINFORCING = 60


@dataclass(frozen=True)
class SlotInfo:
    key: str
    site_id: int
    requirement_id: int
    qualification: str


@dataclass
class Instance:
    """A problem and what it takes to write its solution back as assignment rows."""

    problem: Problem
    info: dict[int, SlotInfo]
    # Currently published person of each slot key (for the re-plan's list of changes).
    published_by_key: dict[str, int] = field(default_factory=dict)
    # Locks that could not be kept, with the reason (shown on the plan).
    dropped_locks: list[str] = field(default_factory=list)


def importance(security_level: int, priority: int) -> int:
    """Voting day at a critical site first: security level (1-4) weighs more than site priority (1-4)."""
    return security_level * 10 + (5 - priority)


def slot_key(requirement_id: int, qualification: str, seat: int, start: dt.datetime) -> str:
    return f"{requirement_id}:{qualification or '-'}:{seat}:{start.astimezone(dt.UTC):%Y%m%dT%H%MZ}"


def plan_sites(plan: RosterPlan) -> list[ProtectedSite]:
    return list(ProtectedSite.objects.filter(unit__path__startswith=plan.unit.path).select_related("unit"))


def allowed_units(sites: list[ProtectedSite], top: Unit) -> dict[int, frozenset[int]]:
    """For each site: its unit, the units above it up to ``top``, and the units reinforcing any of those."""
    chains: dict[int, list[int]] = {}
    for site in sites:
        ancestors = site.unit.ancestor_ids()
        chains[site.pk] = ancestors[ancestors.index(top.pk):] if top.pk in ancestors else [site.unit_id]
    wanted = {unit_id for chain in chains.values() for unit_id in chain}
    reinforcing: dict[int, set[int]] = defaultdict(set)
    for unit_id, helper_id in Reinforcement.objects.filter(unit_id__in=wanted).values_list(
        "unit_id", "reinforcing_unit_id"
    ):
        reinforcing[unit_id].add(helper_id)
    return {
        site_id: frozenset(chain) | frozenset(h for unit_id in chain for h in reinforcing[unit_id])
        for site_id, chain in chains.items()
    }


def travel(site: ProtectedSite, allowed: frozenset[int]) -> dict[int, int]:
    ancestors = set(site.unit.ancestor_ids())
    return {
        unit_id: TRAVEL_OWN_UNIT if unit_id == site.unit_id
        else TRAVEL_UNIT_ABOVE if unit_id in ancestors else TRAVEL_REINFORCING
        for unit_id in allowed
    }


def people_for(unit_ids: set[int], start: dt.datetime, end: dt.datetime) -> list[Person]:
    """Active personnel of these units with their unavailability around [start, end)."""
    rows = list(Personnel.objects.active().filter(unit_id__in=unit_ids).prefetch_related("preferred_sites"))
    away: dict[int, list[Interval]] = defaultdict(list)
    for person_id, starts_at, ends_at in Availability.objects.filter(
        person__in=rows, starts_at__lt=end + dt.timedelta(days=1), ends_at__gt=start - HISTORY
    ).values_list("person_id", "starts_at", "ends_at"):
        away[person_id].append(Interval(starts_at, ends_at))
    return [
        Person(
            id=row.pk, unit_id=row.unit_id, qualifications=frozenset(row.qualifications),
            unavailable=tuple(sorted(away[row.pk], key=lambda i: i.start)),
            preferred_site_ids=frozenset(site.pk for site in row.preferred_sites.all()),
        )
        for row in rows
    ]


def history_for(person_ids: set[int], before: dt.datetime, exclude_keys: set[str]) -> dict[int, tuple[Interval, ...]]:
    """Published shifts of these people in the week before ``before`` (rest, weekly hours, night runs)."""
    history: dict[int, list[Interval]] = defaultdict(list)
    rows = Assignment.objects.filter(
        published=True, person_id__in=person_ids, starts_at__lt=before, ends_at__gt=before - HISTORY
    ).values_list("person_id", "starts_at", "ends_at", "night", "slot_key")
    for person_id, starts_at, ends_at, night, key in rows:
        if key not in exclude_keys:
            history[person_id].append(Interval(starts_at, ends_at, night))
    return {person_id: tuple(sorted(items, key=lambda i: i.start)) for person_id, items in history.items()}


def build_instance(plan: RosterPlan, *, now: dt.datetime | None = None) -> Instance:
    """The problem the solver gets for this plan."""
    now = now or timezone.now()
    sites = plan_sites(plan)
    by_site = {site.pk: site for site in sites}
    requirements = (
        GuardRequirement.objects.filter(site__in=sites, phase__operation_id=plan.operation_id,
                                        phase__starts_on__lte=plan.ends_on, phase__ends_on__gte=plan.starts_on)
        .select_related("phase").prefetch_related("positions").order_by("site_id", "phase__starts_on", "pk")
    )
    slots: list[Slot] = []
    info: dict[int, SlotInfo] = {}
    for requirement in requirements:
        site = by_site[requirement.site_id]
        phase = requirement.phase
        first, last = max(plan.starts_on, phase.starts_on), min(plan.ends_on, phase.ends_on)
        weight = importance(phase.security_level, site.priority)
        for shift in shifts.cut_shifts(pattern_of(requirement), site.time_zone, first, last):
            for position in requirement.positions.all():
                for seat in range(position.headcount):
                    slot_id = len(slots) + 1
                    slots.append(Slot(slot_id, site.pk, shift.start, shift.end, position.qualification or None,
                                      shift.night, weight))
                    info[slot_id] = SlotInfo(slot_key(requirement.pk, position.qualification, seat, shift.start),
                                             site.pk, requirement.pk, position.qualification)
    allowed = allowed_units(sites, plan.unit)
    problem_sites = tuple(
        Site(site.pk, site.unit_id, allowed[site.pk], site.priority, travel(site, allowed[site.pk])) for site in sites
    )
    if slots:
        start, end = min(s.start for s in slots), max(s.end for s in slots)
    else:
        start = end = now
    people = people_for({u for units in allowed.values() for u in units}, start, end)
    instance = Instance(Problem(tuple(people), problem_sites, tuple(slots),
                                Rules(plan.min_rest_h, plan.max_hours_7d, plan.max_consecutive_nights)), info)
    _keep_published(instance, plan, start, end, now)
    keys = {item.key for item in info.values()}
    history = history_for({p.id for p in people}, start, keys)
    instance.problem = Problem(instance.problem.people, instance.problem.sites, instance.problem.slots,
                               instance.problem.rules, instance.problem.locked, instance.problem.published, history)
    return instance


def _keep_published(instance: Instance, plan: RosterPlan, start: dt.datetime, end: dt.datetime,
                    now: dt.datetime) -> None:
    """Fill ``published`` and ``locked`` from the published rows at the same slots."""
    problem = instance.problem
    slot_by_key = {item.key: slot_id for slot_id, item in instance.info.items()}
    slots = {slot.id: slot for slot in problem.slots}
    people = {person.id: person for person in problem.people}
    site_ids = [site.id for site in problem.sites]
    rows = Assignment.objects.filter(
        Q(published=True) & Q(site_id__in=site_ids) & Q(starts_at__gte=start) & Q(starts_at__lt=end)
        & Q(person__isnull=False)
    ).values_list("slot_key", "person_id", "locked", "person__name")
    locked: dict[int, int] = {}
    published: dict[int, int] = {}
    for key, person_id, is_locked, name in rows:
        slot_id = slot_by_key.get(key)
        if slot_id is None:
            continue
        instance.published_by_key[key] = person_id
        published[slot_id] = person_id
        slot = slots[slot_id]
        if not (is_locked or slot.start <= now):
            continue
        person = people.get(person_id)
        reason = _lock_problem(person, slot)
        if reason:
            instance.dropped_locks.append(f"{name} @ {slot.start.isoformat()}: {reason}")
        else:
            locked[slot_id] = person_id
    instance.problem = Problem(problem.people, problem.sites, problem.slots, problem.rules, locked, published,
                               problem.history)


def _lock_problem(person: Person | None, slot: Slot) -> str:
    if person is None:
        return "no longer available to this unit"
    if any(away.overlaps(slot.start, slot.end) for away in person.unavailable):
        return "unavailable"
    if slot.qualification is not None and slot.qualification not in person.qualifications:
        return "no longer qualified"
    return ""
