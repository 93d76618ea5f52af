"""The independent roster checker: every hard rule, verified on any roster (a solver's or a hand edit).

Written apart from the solver on purpose (it shares nothing with it beyond ``problem.py``), so a
solver bug cannot hide itself. It favours plain, obviously-right loops over speed.

The rules, as this module reads them:

- ``unknown``: an assignment names a slot, a slot's site or a person the problem does not have.
- ``locked``: a hand-locked slot holds someone other than the locked person, or nobody.
- ``unqualified``: the slot asks for a qualification the person does not hold.
- ``unit``: the person's unit is neither the site's unit nor one allowed to reinforce it.
- ``unavailable``: the slot touches the person's leave, sickness or other duty.
- ``double_booked``: two of the person's shifts overlap (a shift in the history counts too).
- ``rest``: less than ``min_rest_h`` between the end of one shift and the start of the next.
- ``hours_7d``: more than ``max_hours_7d`` hours worked inside some 7-day (168-hour) window; a
  shift that straddles the window counts with the part inside it.
- ``nights``: more than ``max_consecutive_nights`` night shifts in a row, where a night shift
  continues a run when it starts at most ``NIGHT_RUN_GAP`` after the previous night shift started.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from patrols.roster.problem import Problem, Violation

WEEK = dt.timedelta(days=7)
# Nights on consecutive days start 24 h apart; a free night in between (48 h) ends the run.
NIGHT_RUN_GAP = dt.timedelta(hours=30)
# Float sums of hours: a limit is broken only by more than this.
EPSILON_H = 1e-6


@dataclass(frozen=True)
class _Work:
    start: dt.datetime
    end: dt.datetime
    night: bool
    slot_id: int | None  # None: a shift from the history


def check(problem: Problem, assignments: dict[int, int]) -> list[Violation]:
    """Every hard-rule violation in ``assignments`` (slot id -> person id); empty when the roster is lawful."""
    people = {person.id: person for person in problem.people}
    sites = {site.id: site for site in problem.sites}
    slots = {slot.id: slot for slot in problem.slots}
    violations: list[Violation] = []

    for slot_id, person_id in sorted(problem.locked.items()):
        if assignments.get(slot_id) != person_id:
            violations.append(Violation(
                "locked", person_id, (slot_id,),
                f"Slot {slot_id} is locked to person {person_id} but holds {assignments.get(slot_id)}.",
            ))

    work: dict[int, list[_Work]] = defaultdict(list)
    for slot_id, person_id in sorted(assignments.items()):
        slot = slots.get(slot_id)
        person = people.get(person_id)
        if slot is None or person is None or slot.site_id not in sites:
            what = "slot" if slot is None else ("person" if person is None else "site")
            violations.append(Violation(
                "unknown", person_id, (slot_id,),
                f"Assignment of slot {slot_id} to person {person_id} names an unknown {what}.",
                {"what": what},
            ))
            continue
        site = sites[slot.site_id]
        if slot.qualification is not None and slot.qualification not in person.qualifications:
            violations.append(Violation(
                "unqualified", person_id, (slot_id,),
                f"Person {person_id} lacks the qualification {slot.qualification!r} that slot {slot_id} needs.",
                {"qualification": slot.qualification},
            ))
        if person.unit_id not in site.allowed_unit_ids:
            violations.append(Violation(
                "unit", person_id, (slot_id,),
                f"Person {person_id} of unit {person.unit_id} may not guard site {site.id}.",
                {"unit_id": person.unit_id, "site_id": site.id},
            ))
        for away in person.unavailable:
            if away.start < slot.end and slot.start < away.end:
                violations.append(Violation(
                    "unavailable", person_id, (slot_id,),
                    f"Person {person_id} is unavailable from {away.start.isoformat()} to {away.end.isoformat()}, "
                    f"which slot {slot_id} touches.",
                    {"from": away.start.isoformat(), "to": away.end.isoformat()},
                ))
                break
        work[person_id].append(_Work(slot.start, slot.end, slot.night, slot_id))

    for person_id, shifts in sorted(work.items()):
        history = [_Work(item.start, item.end, item.night, None) for item in problem.history.get(person_id, ())]
        timeline = sorted(shifts + history, key=lambda item: (item.start, item.end))
        violations += _overlaps_and_rest(problem, person_id, timeline)
        violations += _hours_7d(problem, person_id, timeline)
        violations += _night_runs(problem, person_id, timeline)
    return violations


def _ids(*items: _Work) -> tuple[int, ...]:
    return tuple(sorted({item.slot_id for item in items if item.slot_id is not None}))


def _overlaps_and_rest(problem: Problem, person_id: int, timeline: list[_Work]) -> list[Violation]:
    found = []
    min_rest = dt.timedelta(hours=problem.rules.min_rest_h)
    for index, first in enumerate(timeline):
        for second in timeline[index + 1:]:
            if second.start >= first.end + min_rest:
                break
            if first.slot_id is None and second.slot_id is None:
                continue
            if second.start < first.end:
                found.append(Violation(
                    "double_booked", person_id, _ids(first, second),
                    f"Person {person_id} has two shifts at once ({first.start.isoformat()} and "
                    f"{second.start.isoformat()}).",
                ))
            else:
                rest_h = (second.start - first.end).total_seconds() / 3600
                found.append(Violation(
                    "rest", person_id, _ids(first, second),
                    f"Person {person_id} rests only {rest_h:g} h between shifts "
                    f"(at least {problem.rules.min_rest_h:g} h required).",
                    {"rest_h": rest_h, "min_rest_h": problem.rules.min_rest_h},
                ))
    return found


def _hours_7d(problem: Problem, person_id: int, timeline: list[_Work]) -> list[Violation]:
    """The hours inside a sliding 168-hour window peak when the window starts at a shift's start or
    ends at a shift's end, so those windows are the only ones to look at."""
    starts = [item.start for item in timeline]
    longest = max((item.end - item.start for item in timeline), default=dt.timedelta(0))
    seen: set[tuple[int, ...]] = set()
    found = []
    for window_start in sorted({item.start for item in timeline} | {item.end - WEEK for item in timeline}):
        window_end = window_start + WEEK
        inside = []
        hours = 0.0
        for item in timeline[bisect_left(starts, window_start - longest):bisect_left(starts, window_end)]:
            overlap = min(item.end, window_end) - max(item.start, window_start)
            if overlap > dt.timedelta(0):
                hours += overlap.total_seconds() / 3600
                inside.append(item)
        slot_ids = _ids(*inside)
        if hours > problem.rules.max_hours_7d + EPSILON_H and slot_ids and slot_ids not in seen:
            seen.add(slot_ids)
            found.append(Violation(
                "hours_7d", person_id, slot_ids,
                f"Person {person_id} works {hours:g} h in the 7 days from {window_start.isoformat()} "
                f"(at most {problem.rules.max_hours_7d:g} h).",
                {"hours": hours, "max_hours_7d": problem.rules.max_hours_7d, "from": window_start.isoformat()},
            ))
    return found


def _night_runs(problem: Problem, person_id: int, timeline: list[_Work]) -> list[Violation]:
    nights = [item for item in timeline if item.night]
    runs: list[list[_Work]] = []
    for night in nights:
        if runs and night.start - runs[-1][-1].start <= NIGHT_RUN_GAP:
            runs[-1].append(night)
        else:
            runs.append([night])
    limit = problem.rules.max_consecutive_nights
    return [
        Violation(
            "nights", person_id, _ids(*run),
            f"Person {person_id} works {len(run)} night shifts in a row (at most {limit}).",
            {"nights": len(run), "max_consecutive_nights": limit},
        )
        for run in runs
        if len(run) > limit and _ids(*run)
    ]

