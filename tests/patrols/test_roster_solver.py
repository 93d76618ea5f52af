"""The roster solver: every result goes through the independent checker with zero hard violations, on
hand-made cases and hypothesis instances; gaps are exact and explained; locks, published rosters,
shortage, progress and cancelling behave as the planner needs."""

from __future__ import annotations

import dataclasses
import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from patrols.roster.checker import check
from patrols.roster.construct import Roster
from patrols.roster.generate import generate
from patrols.roster.problem import Problem, Rules, Site, Solution
from patrols.roster.repair import reshuffle
from patrols.roster.scenario import changed_slots, fairness_spread_h, sick_call
from patrols.roster.solver import solve
from tests.patrols.roster_cases import UNIT, every_day, person, problem, site, slot


def solved(case: Problem, **options: object) -> Solution:
    """Solve and hold the result to the contract: lawful, and every slot either filled or a gap."""
    solution = solve(case, **options)  # type: ignore[arg-type]
    assert check(case, solution.assignments) == []
    gap_ids = [gap.slot_id for gap in solution.gaps]
    assert len(gap_ids) == len(set(gap_ids))
    assert set(gap_ids) == {item.id for item in case.slots} - set(solution.assignments)
    assert all(gap.reason for gap in solution.gaps)
    return solution


def test_fills_every_slot_of_a_small_site() -> None:
    case = problem([person(number) for number in range(1, 6)], every_day(7))
    solution = solved(case)
    assert solution.status == "feasible"
    assert solution.gaps == []


def test_infeasible_instance_gives_the_exact_gaps() -> None:
    # One person, one day of three 8-hour shifts: morning and night fit (8 h rest), the evening cannot.
    case = problem([person(1)], [slot(1, 6), slot(2, 14), slot(3, 22, night=True)])
    solution = solved(case)
    assert solution.status == "partial"
    assert solution.assignments == {1: 1, 3: 1}
    assert [(gap.slot_id, gap.code) for gap in solution.gaps] == [(2, "people_short")]
    assert gap_reason_mentions(solution, 2, "rest")


def gap_reason_mentions(solution: Solution, slot_id: int, words: str) -> bool:
    return any(gap.slot_id == slot_id and words in gap.reason for gap in solution.gaps)


def test_gap_reasons_name_what_to_fix() -> None:
    case = problem([person(1, away=((0, 48),)), person(2, qualifications=frozenset({"armed"}))],
                   [slot(1, 6, qualification="cctv"), slot(2, 6), slot(3, 6)])
    solution = solved(case)
    gaps = {gap.slot_id: gap for gap in solution.gaps}
    assert gaps[1].code == "nobody_qualified" and "cctv" in gaps[1].reason
    assert len(solution.assignments) == 1
    open_slot = ({2, 3} - set(solution.assignments)).pop()
    assert gaps[open_slot].code == "people_short"
    assert gaps[open_slot].params == {"candidates": 2, "unavailable": 1, "busy": 1}
    assert "leave" in gaps[open_slot].reason


def test_gaps_for_a_site_without_people_and_an_unknown_site() -> None:
    solution = solved(problem([person(1, unit_id=99)], [slot(1, 6), slot(2, 6, site_id=5)]))
    assert {gap.slot_id: gap.code for gap in solution.gaps} == {1: "nobody_in_units", 2: "unknown_site"}


def test_qualifications_units_and_leave_are_respected() -> None:
    sites = [site(1), Site(id=2, unit_id=30, allowed_unit_ids=frozenset({30, UNIT}), travel_minutes={})]
    people = [person(1, qualifications=frozenset({"commander"})), person(2), person(3, unit_id=30),
              person(4, unit_id=99), person(5, away=((0, 200),))]
    slots = [slot(1, 6, qualification="commander"), slot(2, 6, site_id=2), slot(3, 6), slot(4, 30, site_id=2)]
    solution = solved(problem(people, slots, sites=sites))
    assert solution.assignments[1] == 1
    assert 4 not in solution.assignments.values() and 5 not in solution.assignments.values()
    assert solution.gaps == []


def test_most_important_slots_are_filled_when_people_run_short() -> None:
    # Two sites round the clock for a week, people for about one: the critical site must be covered.
    critical, low = site(1, priority=1), site(2, priority=4)
    slots = []
    for day in range(7):
        for hour in (6, 14, 22):
            slots.append(slot(len(slots) + 1, day * 24 + hour, site_id=2, night=hour == 22, importance=1))
            slots.append(slot(len(slots) + 1, day * 24 + hour, site_id=1, night=hour == 22, importance=4))
    solution = solved(problem([person(number) for number in range(1, 5)], slots, sites=[critical, low]))
    filled_critical = [item for item in slots if item.site_id == 1 and item.id in solution.assignments]
    assert len(filled_critical) == 21
    assert solution.gaps and all(item.site_id == 2 for item in slots if item.id not in solution.assignments)


def test_locked_assignments_are_kept_exactly_even_when_another_choice_looks_better() -> None:
    case = problem([person(1), person(2)], every_day(2), locked={1: 2, 4: 2})
    solution = solved(case)
    assert solution.assignments[1] == 2 and solution.assignments[4] == 2


def test_a_sick_call_changes_only_the_sick_persons_shifts() -> None:
    case = generate(4, 30, 10, seed=5)
    first = solved(case)
    assert first.gaps == []
    start = min(item.start for item in case.slots) + dt.timedelta(days=3)
    replan_case, sick_id = sick_call(case, first, start=start, days=3)
    replan = solved(replan_case)
    changed = changed_slots(replan_case.published, replan.assignments)
    his = {slot_id for slot_id, person_id in first.assignments.items() if person_id == sick_id}
    slots = {item.id: item for item in case.slots}
    must = {slot_id for slot_id in his if slots[slot_id].start < start + dt.timedelta(days=3)
            and start < slots[slot_id].end}
    assert must and set(changed) == must
    assert replan.changed == sorted(must)
    assert replan.gaps == []


def test_published_assignments_that_became_unlawful_are_replaced() -> None:
    case = problem([person(1), person(2, qualifications=frozenset({"cctv"}))], [slot(1, 6, qualification="cctv")],
                   published={1: 1})
    solution = solved(case)
    assert solution.assignments == {1: 2}


def test_progress_runs_from_zero_to_one_and_stop_cancels() -> None:
    case = generate(3, 25, 7, seed=2)
    seen: list[float] = []
    solved(case, progress=lambda fraction, message: seen.append(fraction))
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert seen == sorted(seen) and all(0.0 <= fraction <= 1.0 for fraction in seen)

    calls = iter(range(1000))
    stopped = solve(case, should_stop=lambda: next(calls) >= 3)
    assert stopped.status == "cancelled"
    assert check(case, stopped.assignments) == []
    assert {gap.code for gap in stopped.gaps} == {"cancelled"}
    assert len(stopped.assignments) + len(stopped.gaps) == len(case.slots)


def test_hours_are_spread_evenly() -> None:
    case = generate(10, 80, 14, seed=1)
    solution = solved(case)
    assert solution.gaps == []
    assert fairness_spread_h(case, solution.assignments) <= 16


def test_cp_sat_reshuffle_fills_a_hole_the_sweep_left() -> None:
    # Person 1 alone holds "cctv" but sits on a plain slot at the same time: only moving them covers it.
    case = problem([person(1, qualifications=frozenset({"cctv"})), person(2)],
                   [slot(1, 6), slot(2, 6, qualification="cctv", importance=3), slot(3, 14), slot(4, 22, night=True)])
    roster = Roster.empty(case)
    roster.assign(roster.slots[1], 1)
    roster.assign(roster.slots[3], 2)
    reshuffle(roster, deadline=float("inf"), stop_asked=lambda: False, progress=lambda fraction: None)
    assert roster.assignments[2] == 1
    assert check(case, roster.assignments) == []
    # Three of the four: nobody can work 06-14 and 14-22 back to back, and one of them is needed at 06.
    assert len(roster.assignments) == 3


def test_cp_sat_reshuffle_respects_hours_and_nights_beyond_its_window() -> None:
    rules = Rules(max_hours_7d=24, max_consecutive_nights=2)
    nights = [slot(day + 1, day * 24 + 22, night=True) for day in range(4)]
    case = problem([person(1), person(2)], nights, rules=rules)
    roster = Roster.empty(case)
    for item in nights[:2]:
        roster.assign(item, 1)
    roster.assign(nights[2], 2)
    reshuffle(roster, deadline=float("inf"), stop_asked=lambda: False, progress=lambda fraction: None)
    assert check(case, roster.assignments) == []
    assert len(roster.assignments) == 4


@st.composite
def instances(draw: st.DrawFn) -> Problem:
    rules = Rules(min_rest_h=draw(st.sampled_from([8.0, 11.0])), max_hours_7d=draw(st.sampled_from([40.0, 56.0])),
                  max_consecutive_nights=draw(st.integers(1, 3)))
    return generate(draw(st.integers(1, 6)), draw(st.integers(1, 40)), draw(st.integers(1, 10)),
                    seed=draw(st.integers(0, 10_000)), pattern=draw(st.sampled_from(["8h", "12h"])),
                    load=draw(st.sampled_from([0.5, 0.85, 1.0, 1.3])), rules=rules)


@settings(max_examples=40, deadline=None)
@given(instances(), st.integers(0, 5))
def test_every_solution_of_generated_instances_is_lawful(case: Problem, locks: int) -> None:
    first = solved(case, time_limit_s=5)
    # Lock a few of its assignments, chosen from the far end, and solve again: they stay, all stays lawful.
    locked = dict(sorted(first.assignments.items())[-locks:]) if locks else {}
    again = solved(dataclasses.replace(case, locked=locked), time_limit_s=5)
    assert set(locked.items()) <= set(again.assignments.items())
