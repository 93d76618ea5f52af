"""What the benchmark and the tests ask of a roster: hours per person, their spread, a sick call."""

from __future__ import annotations

import dataclasses
import datetime as dt
from itertools import pairwise

from patrols.roster.problem import Interval, Problem, Solution


def hours_by_person(problem: Problem, assignments: dict[int, int]) -> dict[int, float]:
    slots = {slot.id: slot for slot in problem.slots}
    hours = {person.id: 0.0 for person in problem.people}
    for slot_id, person_id in assignments.items():
        hours[person_id] = hours.get(person_id, 0.0) + slots[slot_id].hours
    return hours


def fairness_spread_h(problem: Problem, assignments: dict[int, int]) -> float:
    """Most minus fewest hours among the people who were available the whole range (leave owes less)."""
    hours = hours_by_person(problem, assignments)
    always = [hours[person.id] for person in problem.people if not person.unavailable]
    return max(always) - min(always) if always else 0.0


def nights_range(problem: Problem, assignments: dict[int, int]) -> tuple[int, int]:
    """Fewest and most night shifts among the people who were available the whole range."""
    night_ids = {slot.id for slot in problem.slots if slot.night}
    nights = {person.id: 0 for person in problem.people if not person.unavailable}
    for slot_id, person_id in assignments.items():
        if slot_id in night_ids and person_id in nights:
            nights[person_id] += 1
    return (min(nights.values()), max(nights.values())) if nights else (0, 0)


def same_site_share(problem: Problem, assignments: dict[int, int]) -> float:
    """How often a person's next shift is at the same site as their previous one (crews keep their post)."""
    slots = {slot.id: slot for slot in problem.slots}
    mine: dict[int, list[tuple[dt.datetime, int]]] = {}
    for slot_id, person_id in assignments.items():
        mine.setdefault(person_id, []).append((slots[slot_id].start, slots[slot_id].site_id))
    pairs = same = 0
    for shifts in mine.values():
        shifts.sort()
        for (_, first), (_, second) in pairwise(shifts):
            pairs += 1
            same += first == second
    return same / pairs if pairs else 1.0


def sick_call(problem: Problem, solution: Solution, *, start: dt.datetime, days: int) -> tuple[Problem, int]:
    """The published roster re-planned with its busiest person sick from ``start`` for ``days`` days.

    Returns the re-plan problem and the sick person's id.
    """
    end = start + dt.timedelta(days=days)
    slots = {slot.id: slot for slot in problem.slots}
    load: dict[int, float] = {}
    for slot_id, person_id in solution.assignments.items():
        slot = slots[slot_id]
        if slot.start < end and start < slot.end:
            load[person_id] = load.get(person_id, 0.0) + slot.hours
    sick_id = max(sorted(load), key=load.__getitem__)
    people = tuple(
        dataclasses.replace(person, unavailable=(*person.unavailable, Interval(start, end)))
        if person.id == sick_id else person
        for person in problem.people
    )
    return dataclasses.replace(problem, people=people, published=dict(solution.assignments)), sick_id


def changed_slots(published: dict[int, int], assignments: dict[int, int]) -> list[int]:
    """Slots whose holder differs from the published roster (including ones left open)."""
    return sorted(slot_id for slot_id, person_id in published.items() if assignments.get(slot_id) != person_id)
