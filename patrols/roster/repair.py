"""Filling what the sweep left open: promote important slots over less important ones, then CP-SAT.

1. ``promote``: when people run short, the sweep's holes fall wherever time ran out, whatever the
   slot's importance. Each hole, most important first, takes a person off a less important shift
   of theirs nearby when that makes the hole lawful for them; the freed shift is offered to anyone
   else and, if nobody can take it, becomes the (less important) hole. Cheap and local.
2. ``reshuffle``: for the holes left, CP-SAT re-plans a short time window around them over the
   people who could take them, with everything outside the window fixed and the current roster
   as a full hint; it maximises the importance covered and changes as little as it can. Whatever
   it returns is replayed through the same lawful-fit test as the sweep and dropped if it fails.
"""

from __future__ import annotations

import heapq
import time
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations, pairwise

from ortools.sat.python import cp_model

from patrols.roster.construct import Roster
from patrols.roster.problem import Slot
from patrols.roster.timeline import LONGEST_SHIFT_H, NIGHT_RUN_GAP_H, UNAVAILABLE, WEEK_H, hours_of

# How far around a hole a shift may be given up or re-planned.
PROMOTE_REACH_H = WEEK_H
BUMP_TRIES = 4
WINDOW_MARGIN_H = 16.0
WINDOW_MAX_H = 72.0
# At most this many people in one window's model: enough for swaps, small enough to build fast.
WINDOW_PEOPLE = 40
# Per window CP-SAT run, and its search threads (the machine's other core serves other windows).
WINDOW_TIME_S = 2.0
WORKERS = 2
# Objective weights: covering importance dominates; then keep published, then keep the sweep's work.
COVER_WEIGHT = 1000
KEEP_PUBLISHED_WEIGHT = 20
KEEP_WEIGHT = 1


def repair(roster: Roster, *, deadline: float, stop_asked: Callable[[], bool],
           progress: Callable[[float], None], short: bool) -> int:
    """Fill holes in place; returns how many slots were filled. Never breaks a hard rule or a lock.

    ``short``: demand is beyond what the people can lawfully give, so holes are expected and a
    CP-SAT reshuffle cannot close them; only the promotion of important slots runs.
    """
    before = len(roster.assignments)
    promote(roster, deadline, stop_asked)
    progress(0.3)
    if not short:
        reshuffle(roster, deadline, stop_asked, progress)
    return len(roster.assignments) - before


def _open(roster: Roster) -> list[Slot]:
    return [slot for slot in roster.problem.slots if slot.id not in roster.assignments]


def _fill_directly(roster: Roster, slot: Slot) -> bool:
    """Give the slot to the lawful taker with the fewest hours, if there is one."""
    best: tuple[float, int] | None = None
    for person_id in roster.eligible_for(slot):
        timeline = roster.timelines[person_id]
        if (best is None or timeline.hours < best[0]) and timeline.refusal(
                hours_of(slot.start), hours_of(slot.end), slot.night) is None:
            best = (timeline.hours, person_id)
    if best is None:
        return False
    roster.assign(slot, best[1])
    return True


def promote(roster: Roster, deadline: float, stop_asked: Callable[[], bool]) -> None:
    locked = set(roster.problem.locked)
    least = min((slot.importance for slot in roster.problem.slots), default=0)
    queue = [(-slot.importance, slot.start, slot.id) for slot in _open(roster)]
    heapq.heapify(queue)
    while queue and time.perf_counter() < deadline and not stop_asked():
        _, _, slot_id = heapq.heappop(queue)
        slot = roster.slots[slot_id]
        if slot_id in roster.assignments or _fill_directly(roster, slot) or slot.importance == least:
            continue
        freed = _bump_for(roster, slot, locked)
        if freed is not None and not _fill_directly(roster, freed):
            heapq.heappush(queue, (-freed.importance, freed.start, freed.id))


def _bump_for(roster: Roster, slot: Slot, locked: set[int]) -> Slot | None:
    """Give ``slot`` to someone by taking a less important shift of theirs; the freed slot, or None.

    The shifts tried are the ones in the way: those touching the slot or its rest, then the least
    important ones of the 7 days around it.
    """
    start, end = hours_of(slot.start), hours_of(slot.end)
    reach = roster.problem.rules.min_rest_h + LONGEST_SHIFT_H
    for person_id in roster.eligible_for(slot):
        timeline = roster.timelines[person_id]
        if timeline.refusal(start, end, slot.night) == UNAVAILABLE:
            continue
        nearby = timeline.shifts[bisect_left(timeline.starts, start - PROMOTE_REACH_H):
                                 bisect_left(timeline.starts, end + PROMOTE_REACH_H)]
        mine = [roster.slots[shift.slot_id] for shift in nearby
                if shift.slot_id >= 0 and shift.slot_id not in locked
                and roster.slots[shift.slot_id].importance < slot.importance]
        mine.sort(key=lambda other: (abs(hours_of(other.start) - start) > reach, other.importance,
                                     abs(hours_of(other.start) - start)))
        for other in mine[:BUMP_TRIES]:
            roster.unassign(other.id)
            if roster.fits(person_id, slot):
                roster.assign(slot, person_id)
                return other
            roster.assign(other, person_id)
    return None


def _windows(holes: list[Slot]) -> list[tuple[float, float, list[Slot]]]:
    """Holes grouped into time windows no longer than WINDOW_MAX_H, each with a margin around it."""
    windows: list[tuple[float, float, list[Slot]]] = []
    for slot in sorted(holes, key=lambda item: item.start):
        start, end = hours_of(slot.start) - WINDOW_MARGIN_H, hours_of(slot.end) + WINDOW_MARGIN_H
        if windows and start < windows[-1][1] and end - windows[-1][0] <= WINDOW_MAX_H:
            first, last, members = windows[-1]
            windows[-1] = (first, max(last, end), [*members, slot])
        else:
            windows.append((start, end, [slot]))
    return windows


def reshuffle(roster: Roster, deadline: float, stop_asked: Callable[[], bool],
              progress: Callable[[float], None]) -> None:
    windows = _windows(_open(roster))
    for number, (start, end, holes) in enumerate(windows):
        remaining = deadline - time.perf_counter()
        if remaining <= 0.05 or stop_asked():
            return
        holes = [hole for hole in holes if hole.id not in roster.assignments]
        if holes:
            _reshuffle_window(roster, start, end, holes, min(WINDOW_TIME_S, remaining / 2))
        progress(0.3 + 0.7 * (number + 1) / len(windows))


def _reshuffle_window(roster: Roster, start: float, end: float, holes: list[Slot], time_limit_s: float) -> bool:
    """Re-plan one window with CP-SAT; True when the roster changed."""
    problem = roster.problem
    locked = set(problem.locked)
    # The people who could take a hole, those with the most room first (fewest hours), a bounded few.
    people = sorted(
        {person_id for hole in holes for person_id in roster.eligible_for(hole)
         if not roster.timelines[person_id].away_during(hours_of(hole.start), hours_of(hole.end))},
        key=lambda person_id: (roster.timelines[person_id].hours, person_id),
    )[:WINDOW_PEOPLE]
    chosen = set(people)
    free = [slot for slot in problem.slots
            if start <= hours_of(slot.start) and hours_of(slot.end) <= end and slot.id not in locked
            and (roster.assignments[slot.id] in chosen if slot.id in roster.assignments
                 else any(roster.eligible(person_id, slot) for person_id in people))]
    current = {slot.id: roster.assignments[slot.id] for slot in free if slot.id in roster.assignments}
    for slot_id in current:
        roster.unassign(slot_id)
    try:
        model, choices = _window_model(roster, people, free, current)
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = time_limit_s
        solver.parameters.num_workers = WORKERS
        status = solver.solve(model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise _KeepCurrent
        planned = {slot_id: person_id for (person_id, slot_id), var in choices.items() if solver.value(var)}
        if _covered(roster, planned) <= _covered(roster, current):
            raise _KeepCurrent
        applied: list[int] = []
        for slot in sorted((roster.slots[slot_id] for slot_id in planned), key=lambda item: (item.start, item.id)):
            if not roster.fits(planned[slot.id], slot):
                for slot_id in applied:
                    roster.unassign(slot_id)
                raise _KeepCurrent
            roster.assign(slot, planned[slot.id])
            applied.append(slot.id)
        return True
    except _KeepCurrent:
        for slot_id, person_id in sorted(current.items(), key=lambda pair: roster.slots[pair[0]].start):
            roster.assign(roster.slots[slot_id], person_id)
        return False


class _KeepCurrent(Exception):
    """The window's model found nothing better: put back what was there."""


def _covered(roster: Roster, plan: dict[int, int]) -> int:
    return sum(roster.slots[slot_id].importance for slot_id in plan)


def _window_model(roster: Roster, people: list[int], free: list[Slot], current: dict[int, int],
                  ) -> tuple[cp_model.CpModel, dict[tuple[int, int], cp_model.IntVar]]:
    problem = roster.problem
    model = cp_model.CpModel()
    choices: dict[tuple[int, int], cp_model.IntVar] = {}
    by_time: dict[tuple[float, float, bool], list[Slot]] = defaultdict(list)
    for slot in free:
        by_time[(hours_of(slot.start), hours_of(slot.end), slot.night)].append(slot)
    times = sorted(by_time)
    objective = []
    for person_id in people:
        timeline = roster.timelines[person_id]
        per_time: dict[tuple[float, float, bool], list[cp_model.IntVar]] = {}
        for key in times:
            if timeline.refusal(*key) is not None:
                continue
            variables = []
            for slot in by_time[key]:
                if roster.eligible(person_id, slot):
                    var = model.new_bool_var(f"x_{person_id}_{slot.id}")
                    choices[(person_id, slot.id)] = var
                    variables.append(var)
                    if current.get(slot.id) == person_id:
                        model.add_hint(var, 1)
                        keep = KEEP_PUBLISHED_WEIGHT if problem.published.get(slot.id) == person_id else KEEP_WEIGHT
                        objective.append(keep * var)
                    else:
                        model.add_hint(var, 0)
            if variables:
                per_time[key] = variables
        _person_rules(model, roster, person_id, per_time)
    for slot in free:
        takers = [choices[(person_id, slot.id)] for person_id in people if (person_id, slot.id) in choices]
        if takers:
            model.add_at_most_one(takers)
            objective.extend(COVER_WEIGHT * slot.importance * var for var in takers)
    model.maximize(sum(objective))
    return model, choices


def _person_rules(model: cp_model.CpModel, roster: Roster, person_id: int,
                  per_time: dict[tuple[float, float, bool], list[cp_model.IntVar]]) -> None:
    """Overlap and rest among the window's shifts, 7-day hours and night runs including fixed work."""
    rules = roster.problem.rules
    keys = sorted(per_time)
    for key in keys:
        model.add_at_most_one(per_time[key])
    for first, second in combinations(keys, 2):
        if second[0] < first[1] + rules.min_rest_h and first[0] < second[1] + rules.min_rest_h:
            model.add_at_most_one(per_time[first] + per_time[second])
    fixed = roster.timelines[person_id].shifts
    limit_min = round(rules.max_hours_7d * 60)
    starts = {key[0] for key in keys} | {key[1] - WEEK_H for key in keys}
    low, high = (keys[0][0] - WEEK_H, keys[-1][1] + WEEK_H) if keys else (0.0, 0.0)
    starts |= {shift.start for shift in fixed if low <= shift.start <= high}
    starts |= {shift.end - WEEK_H for shift in fixed if low <= shift.end <= high}
    taken_at = {key: cp_model.LinearExpr.sum(per_time[key]) for key in keys}
    for window in starts:
        window_end = window + WEEK_H
        expressions, weights = [], []
        for key in keys:
            minutes = round(max(0.0, min(key[1], window_end) - max(key[0], window)) * 60)
            if minutes:
                expressions.append(taken_at[key])
                weights.append(minutes)
        fixed_min = round(sum(max(0.0, min(shift.end, window_end) - max(shift.start, window)) * 60
                              for shift in fixed))
        # Only windows that the free shifts could push past the limit need a constraint.
        if expressions and fixed_min + sum(weights) > limit_min:
            model.add(cp_model.LinearExpr.weighted_sum(expressions, weights) <= limit_min - fixed_min)
    _night_runs(model, roster, person_id, per_time)


def _night_runs(model: cp_model.CpModel, roster: Roster, person_id: int,
                per_time: dict[tuple[float, float, bool], list[cp_model.IntVar]]) -> None:
    limit = roster.problem.rules.max_consecutive_nights
    nights: list[tuple[float, list[cp_model.IntVar] | None]] = [
        (key[0], variables) for key, variables in per_time.items() if key[2]
    ]
    if not nights:
        return
    nights += [(shift.start, None) for shift in roster.timelines[person_id].shifts if shift.night]
    nights.sort(key=lambda item: item[0])
    for index in range(len(nights) - limit):
        run = nights[index:index + limit + 1]
        if any(later[0] - earlier[0] > NIGHT_RUN_GAP_H for earlier, later in pairwise(run)):
            continue
        if all(variables is None for _, variables in run):
            continue
        fixed = sum(1 for _, variables in run if variables is None)
        model.add(sum(var for _, variables in run if variables is not None for var in variables) <= limit - fixed)
