"""When people run short: which slots to leave for last, so the most important ones are filled.

A sweep through time fills early shifts completely and runs dry later, whatever the importance.
So before it starts, each pool of people (units joined by reinforcement) compares the hours its
open slots need with the lawful hours its people can give; beyond ``FULL_LOAD`` of those, the
least important slots, spread over sites and days, are held back and offered only at the end.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from patrols.roster.construct import Roster
from patrols.roster.problem import Slot
from patrols.roster.timeline import WEEK_H, hours_of

# Beyond what the people can lawfully give, slots must stay open: hold back that excess only.
FULL_LOAD = 1.0


def _pools(roster: Roster) -> dict[int, int]:
    """Each unit's pool: units joined when a site may be guarded by both."""
    parent: dict[int, int] = {}

    def root(unit: int) -> int:
        parent.setdefault(unit, unit)
        while parent[unit] != unit:
            parent[unit] = parent[parent[unit]]
            unit = parent[unit]
        return unit

    for site in roster.sites.values():
        units = sorted(site.allowed_unit_ids | {site.unit_id})
        for unit in units[1:]:
            parent[root(unit)] = root(units[0])
    for timeline in roster.timelines.values():
        root(timeline.person.unit_id)
    return {unit: root(unit) for unit in parent}


def held_back(roster: Roster, open_slots: list[Slot]) -> set[int]:
    """The ids of the open slots to fill last: none unless a pool's demand passes what it can give."""
    if not open_slots:
        return set()
    pools = _pools(roster)
    start = min(hours_of(slot.start) for slot in open_slots)
    end = max(hours_of(slot.end) for slot in open_slots)
    shift_h = Counter(slot.hours for slot in open_slots).most_common(1)[0][0]
    max_h = roster.problem.rules.max_hours_7d
    weekly_h = math.floor(max_h / shift_h + 1e-9) * shift_h if shift_h else max_h
    capacity: dict[int, float] = defaultdict(float)
    for timeline in roster.timelines.values():
        away = sum(max(0.0, min(last, end) - max(first, start)) for first, last in timeline.away)
        busy = sum(max(0.0, min(shift.end, end) - max(shift.start, start)) for shift in timeline.shifts)
        capacity[pools[timeline.person.unit_id]] += max(0.0, (end - start - away) * weekly_h / WEEK_H - busy)
    by_pool: dict[int, list[Slot]] = defaultdict(list)
    for slot in open_slots:
        site = roster.sites.get(slot.site_id)
        if site is not None:
            by_pool[pools.get(site.unit_id, site.unit_id)].append(slot)
    held: set[int] = set()
    for pool, slots in by_pool.items():
        excess = sum(slot.hours for slot in slots) - FULL_LOAD * capacity[pool]
        if excess <= 0:
            continue
        for importance in sorted({slot.importance for slot in slots}):
            level = sorted((slot for slot in slots if slot.importance == importance),
                           key=lambda slot: (slot.site_id, slot.start, slot.id))
            level_h = sum(slot.hours for slot in level)
            share = min(1.0, excess / level_h)
            # Every k-th slot of the level, so the holes spread over its sites and days.
            taken = 0.0
            for index, slot in enumerate(level):
                if taken < share * (index + 1) - 1e-9:
                    held.add(slot.id)
                    taken += 1
                    excess -= slot.hours
            if excess <= 0:
                break
    return held
