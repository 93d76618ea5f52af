"""The roster solver: a lawful constructive start, CP-SAT repair where it left holes, and the gaps explained.

Pure (no Django). Locked assignments are kept exactly; a published roster is kept wherever it is
still lawful, so a re-plan changes only what it must. See docs/PERFORMANCE.md for why it is built
this way (plain CP-SAT over every person and every slot is too slow at a Polres's size).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from patrols.roster.construct import Roster, Sweep
from patrols.roster.explain import explain_gaps
from patrols.roster.problem import Gap, Problem, Slot, Solution
from patrols.roster.repair import repair
from patrols.roster.shortage import held_back

Progress = Callable[[float, str], None]
StopAsked = Callable[[], bool]

# Shares of the progress bar: the sweep, then the repair.
SWEEP_SHARE = 0.6


def solve(problem: Problem, *, time_limit_s: float = 10.0, progress: Progress | None = None,
          should_stop: StopAsked | None = None) -> Solution:
    started = time.perf_counter()
    deadline = started + time_limit_s

    def report(fraction: float, message: str) -> None:
        if progress is not None:
            progress(min(1.0, max(0.0, fraction)), message)

    def stop_asked() -> bool:
        return should_stop is not None and should_stop()

    roster = Roster.empty(problem)
    report(0.0, "Placing locked and published assignments")
    kept = _place_fixed(roster)
    # A slot of a site the problem does not have cannot be planned; it is reported as a gap.
    open_slots = [slot for slot in problem.slots if slot.id not in roster.assignments and slot.site_id in roster.sites]

    def tick(fraction: float) -> bool:
        report(SWEEP_SHARE * fraction, "Filling shifts")
        return not stop_asked()

    # When people run short, the least important slots wait, so the sweep spends people on the rest first.
    waiting = held_back(roster, open_slots)
    sweep = Sweep(roster)
    finished = sweep.run([slot for slot in open_slots if slot.id not in waiting], tick)
    if finished and waiting:
        finished = sweep.run([slot for slot in open_slots if slot.id in waiting], lambda fraction: not stop_asked())
    constructed_s = time.perf_counter() - started
    repaired = 0
    if finished and len(roster.assignments) < len(problem.slots):
        report(SWEEP_SHARE, "Repairing uncovered slots")
        repaired = repair(roster, deadline=deadline, stop_asked=stop_asked, short=bool(waiting),
                          progress=lambda fraction: report(SWEEP_SHARE + (1 - SWEEP_SHARE) * fraction,
                                                           "Repairing uncovered slots"))
    cancelled = not finished or stop_asked()
    unfilled = [slot for slot in problem.slots if slot.id not in roster.assignments]
    gaps = _cancelled_gaps(unfilled) if cancelled else explain_gaps(roster, unfilled)
    changed = sorted(slot_id for slot_id, person_id in problem.published.items()
                     if roster.assignments.get(slot_id) != person_id)
    status = "cancelled" if cancelled else ("partial" if gaps else "feasible")
    solve_s = time.perf_counter() - started
    report(1.0, "Done")
    return Solution(
        assignments=dict(roster.assignments), gaps=gaps, status=status, solve_s=solve_s,
        stats={
            "slots": float(len(problem.slots)),
            "filled": float(len(roster.assignments)),
            "kept_published": float(kept),
            "changed_published": float(len(changed)),
            "repaired": float(repaired),
            "held_back": float(len(waiting)),
            "construct_s": constructed_s,
        },
        changed=changed,
    )


def _place_fixed(roster: Roster) -> int:
    """Locked slots as they are; published ones in time order while they stay lawful. Returns how many kept."""
    problem = roster.problem
    for slot_id, person_id in problem.locked.items():
        if slot_id in roster.slots and person_id in roster.timelines:
            roster.assign(roster.slots[slot_id], person_id)
    kept = 0
    published = sorted(
        ((roster.slots[slot_id], person_id) for slot_id, person_id in problem.published.items()
         if slot_id in roster.slots and slot_id not in roster.assignments and person_id in roster.timelines),
        key=lambda pair: (pair[0].start, pair[0].id),
    )
    for slot, person_id in published:
        if roster.fits(person_id, slot):
            roster.assign(slot, person_id)
            kept += 1
    return kept


def _cancelled_gaps(unfilled: list[Slot]) -> list[Gap]:
    return [Gap(slot.id, "Not planned: the solve was cancelled.", "cancelled") for slot in unfilled]
