"""The constructive start: a sweep through time that fills each shift's slots lawfully and fairly.

Slots that start and end together form a shift; they are filled together, the most important and
the hardest to staff first, each by the eligible person furthest behind their fair share of hours
(people on leave are owed less; nights already worked count extra on a night shift). Crews (regu)
form by continuity: whoever held a post (site, qualification, time of day) the day before keeps it
while they are not clearly ahead of their fair share, until the 7-day or night limit rotates them
off. Staying at the same site, preferences and travel break the remaining near-ties.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from patrols.roster.problem import Problem, Site, Slot
from patrols.roster.timeline import Shift, Timeline, hours_of

# Score bonuses in hours of fairness: small, so that fairness decides and these only break near-ties.
SAME_SITE_BONUS_H = 3.0
PREFERRED_BONUS_H = 1.0
TRAVEL_H_PER_HOUR = 1.0
# A crew keeps its post while its members are at most this far ahead of the fairest candidate.
CREW_SLACK_H = 4.0
# Night shifts are shared out too: on a night shift, each night already worked counts as this many
# hours of lead (measured on the Polres bench: nights 6..10 per person a month, hours still within 8 h).
NIGHT_H_PER_NIGHT = 4.0
DAY_H = 24.0
# How many of the fairest candidates are weighed for a slot's site-specific bonuses.
SHORTLIST = 6


@dataclass
class Roster:
    """The assignments being built, with each person's timeline kept in step."""

    problem: Problem
    timelines: dict[int, Timeline]
    assignments: dict[int, int]
    slots: dict[int, Slot]
    sites: dict[int, Site]
    _eligible: dict[tuple[str | None, frozenset[int]], list[int]] = field(default_factory=dict)

    @classmethod
    def empty(cls, problem: Problem) -> Roster:
        timelines = {}
        for person in problem.people:
            history = tuple(
                Shift(hours_of(item.start), hours_of(item.end), item.night, -1)
                for item in problem.history.get(person.id, ())
            )
            timelines[person.id] = Timeline.of(person, problem.rules, history)
        return cls(problem, timelines, {}, {slot.id: slot for slot in problem.slots},
                   {site.id: site for site in problem.sites})

    def eligible(self, person_id: int, slot: Slot) -> bool:
        """Qualification and unit: the rules that do not depend on time."""
        person = self.timelines[person_id].person
        site = self.sites.get(slot.site_id)
        return (site is not None and person.unit_id in site.allowed_unit_ids
                and (slot.qualification is None or slot.qualification in person.qualifications))

    def eligible_for(self, slot: Slot) -> list[int]:
        """The people whose unit and qualification allow them the slot (cached per kind of slot)."""
        site = self.sites.get(slot.site_id)
        if site is None:
            return []
        key = (slot.qualification, site.allowed_unit_ids)
        if key not in self._eligible:
            self._eligible[key] = [person_id for person_id in self.timelines if self.eligible(person_id, slot)]
        return self._eligible[key]

    def fits(self, person_id: int, slot: Slot) -> bool:
        timeline = self.timelines[person_id]
        return self.eligible(person_id, slot) and timeline.refusal(
            hours_of(slot.start), hours_of(slot.end), slot.night) is None

    def assign(self, slot: Slot, person_id: int) -> None:
        self.assignments[slot.id] = person_id
        self.timelines[person_id].add_slot(slot.id, hours_of(slot.start), hours_of(slot.end), slot.night,
                                           slot.site_id)

    def unassign(self, slot_id: int) -> int:
        person_id = self.assignments.pop(slot_id)
        self.timelines[person_id].remove(slot_id)
        return person_id


def shifts_of(slots: list[Slot]) -> list[list[Slot]]:
    """Slots grouped by identical start, end and night flag, in time order."""
    groups: dict[tuple[float, float, bool], list[Slot]] = defaultdict(list)
    for slot in slots:
        groups[(hours_of(slot.start), hours_of(slot.end), slot.night)].append(slot)
    return [groups[key] for key in sorted(groups)]


class Sweep:
    """Fills the open slots of a roster, shift by shift in time order."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        problem = roster.problem
        self.by_unit: dict[int, list[int]] = defaultdict(list)
        for person in problem.people:
            self.by_unit[person.unit_id].append(person.id)
        self.origin = min((hours_of(slot.start) for slot in problem.slots), default=0.0)
        demand = sum(slot.hours for slot in problem.slots)
        end = max((hours_of(slot.end) for slot in problem.slots), default=self.origin)
        available = sum(max(0.0, end - self.origin - self._away_before(person_id, end))
                        for person_id in roster.timelines)
        # Hours owed per available hour: a person on leave is owed that much less.
        self.rate = demand / available if available else 0.0
        # Who filled each post (site, qualification, shift start): tomorrow's first choice for it.
        self.crews: dict[tuple[int, str | None, float], list[int]] = defaultdict(list)

    def _away_before(self, person_id: int, moment: float) -> float:
        return sum(max(0.0, min(last, moment) - max(first, self.origin))
                   for first, last in self.roster.timelines[person_id].away)

    def run(self, open_slots: list[Slot], tick: Callable[[float], bool] | None = None) -> bool:
        """Fill what can be filled; False when ``tick`` (given the fraction done) asks to stop."""
        groups = shifts_of(open_slots)
        for number, group in enumerate(groups):
            self.fill(group)
            if tick is not None and not tick((number + 1) / len(groups)):
                return False
        return True

    def fill(self, group: list[Slot]) -> None:
        roster = self.roster
        first = group[0]
        start, end = hours_of(first.start), hours_of(first.end)
        # Time rules depend only on the shift's times: ask each person once.
        free: dict[int, float] = {}
        for person_id, timeline in roster.timelines.items():
            if timeline.refusal(start, end, first.night) is None:
                free[person_id] = timeline.hours + self.rate * self._away_before(person_id, start)
                if first.night:
                    free[person_id] += NIGHT_H_PER_NIGHT * timeline.nights
        kinds: dict[tuple[str | None, frozenset[int]], list[int]] = {}
        for slot in group:
            key = self._kind(slot)
            if key not in kinds:
                qualification, units = key
                candidates = [
                    person_id for unit in units for person_id in self.by_unit.get(unit, ())
                    if person_id in free and (qualification is None
                                              or qualification in roster.timelines[person_id].person.qualifications)
                ]
                candidates.sort(key=free.__getitem__)
                kinds[key] = candidates
        # Most important first; within that, the slots with the fewest people who could take them.
        order = sorted(group, key=lambda slot: (-slot.importance, len(kinds[self._kind(slot)]), slot.id))
        taken: set[int] = set()
        unfilled: list[Slot] = []
        for slot in order:
            candidates = kinds[self._kind(slot)]
            chosen = self._crew_member(slot, candidates, taken, free)
            if chosen is None:
                chosen = self._choose(slot, candidates, taken, free)
            if chosen is None:
                unfilled.append(slot)
                continue
            taken.add(chosen)
            roster.assign(slot, chosen)
            self.crews[(slot.site_id, slot.qualification, start)].append(chosen)
        for slot in unfilled:
            self._augment(slot, group, free, taken)

    def _kind(self, slot: Slot) -> tuple[str | None, frozenset[int]]:
        site = self.roster.sites.get(slot.site_id)
        return slot.qualification, site.allowed_unit_ids if site is not None else frozenset()

    def _crew_member(self, slot: Slot, candidates: list[int], taken: set[int], free: dict[int, float]) -> int | None:
        """Who held this post a day earlier, if free and not too far ahead of the fairest candidate."""
        previous = self.crews.get((slot.site_id, slot.qualification, hours_of(slot.start) - DAY_H))
        if not previous:
            return None
        untaken = [person_id for person_id in candidates[:SHORTLIST + len(taken)] if person_id not in taken]
        if not untaken:
            return None
        fairest = min(free[person_id] for person_id in untaken[:SHORTLIST])
        allowed = set(candidates)
        for person_id in previous:
            if (person_id not in taken and person_id in allowed
                    and free[person_id] <= fairest + CREW_SLACK_H):
                return person_id
        return None

    def _choose(self, slot: Slot, candidates: list[int], taken: set[int], free: dict[int, float]) -> int | None:
        site = self.roster.sites[slot.site_id]
        best: tuple[float, int] | None = None
        seen = 0
        for person_id in candidates:
            if person_id in taken:
                continue
            timeline = self.roster.timelines[person_id]
            score = free[person_id]
            if timeline.last_site == slot.site_id:
                score -= SAME_SITE_BONUS_H
            if slot.site_id in timeline.person.preferred_site_ids:
                score -= PREFERRED_BONUS_H
            score += site.travel_minutes.get(timeline.person.unit_id, 120) / 60 * TRAVEL_H_PER_HOUR
            if best is None or score < best[0]:
                best = (score, person_id)
            seen += 1
            if seen >= SHORTLIST:
                break
        return None if best is None else best[1]

    def _augment(self, slot: Slot, group: list[Slot], free: dict[int, float], taken: set[int]) -> None:
        """Free a suitable person by moving them off another slot of this shift that someone else can take."""
        roster = self.roster
        for other in group:
            holder = roster.assignments.get(other.id)
            if holder is None or not roster.eligible(holder, slot):
                continue
            for person_id in free:
                if person_id not in taken and roster.eligible(person_id, other):
                    roster.unassign(other.id)
                    roster.assign(other, person_id)
                    roster.assign(slot, holder)
                    taken.add(person_id)
                    return
