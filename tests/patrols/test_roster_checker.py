"""The independent roster checker: a hand-made case per hard rule, and hypothesis rosters compared with a
brute-force reading of the rules (hour by hour), so every violation it reports is real and none is missed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from patrols.roster.checker import check
from patrols.roster.generate import generate
from patrols.roster.problem import Interval, Problem, Rules
from tests.patrols.roster_cases import OTHER_UNIT, at, every_day, person, problem, slot


def rules_of(found: list) -> set[str]:
    return {violation.rule for violation in found}


def test_a_lawful_roster_has_no_violations() -> None:
    shifts = every_day(3)
    case = problem([person(1), person(2)], shifts)
    # Person 1 takes the morning, person 2 the evening, every day: rest 16 h, 24 h/3 days each.
    assignments = {item.id: 1 if item.start.hour == 6 else 2 for item in shifts if item.start.hour in (6, 14)}
    assert check(case, assignments) == []


def test_unknown_slot_person_and_site() -> None:
    case = problem([person(1)], [slot(1, 0), slot(2, 24, site_id=99)])
    found = check(case, {1: 7, 2: 1, 3: 1})
    assert sorted((violation.slot_ids, violation.params["what"]) for violation in found) == [
        ((1,), "person"), ((2,), "site"), ((3,), "slot")]
    assert rules_of(found) == {"unknown"}


def test_a_locked_slot_must_keep_its_person() -> None:
    case = problem([person(1), person(2)], [slot(1, 0)], locked={1: 1})
    assert check(case, {1: 1}) == []
    found = check(case, {1: 2})
    assert [(violation.rule, violation.slot_ids) for violation in found] == [("locked", (1,))]
    assert rules_of(check(case, {})) == {"locked"}


def test_qualification() -> None:
    case = problem([person(1), person(2, qualifications=frozenset({"cctv"}))], [slot(1, 0, qualification="cctv")])
    assert check(case, {1: 2}) == []
    found = check(case, {1: 1})
    assert [(violation.rule, violation.person_id) for violation in found] == [("unqualified", 1)]
    assert "cctv" in found[0].message


def test_unit_must_be_the_sites_or_a_reinforcing_one() -> None:
    case = problem([person(1, unit_id=OTHER_UNIT)], [slot(1, 0)])
    assert rules_of(check(case, {1: 1})) == {"unit"}


def test_unavailability_touching_the_slot() -> None:
    case = problem([person(1, away=((7, 30),)), person(2, away=((8, 30),))], [slot(1, 0)])
    assert rules_of(check(case, {1: 1})) == {"unavailable"}
    # Leave that starts as the shift ends does not touch it.
    assert check(case, {1: 2}) == []


def test_two_places_at_once_including_the_history() -> None:
    case = problem([person(1)], [slot(1, 0), slot(2, 4, site_id=1)])
    found = check(case, {1: 1, 2: 1})
    assert ("double_booked", (1, 2)) in {(violation.rule, violation.slot_ids) for violation in found}
    with_history = problem([person(1)], [slot(1, 0)], history={1: (Interval(at(-2), at(2)),)})
    assert rules_of(check(with_history, {1: 1})) == {"double_booked"}


def test_minimum_rest_between_shifts() -> None:
    case = problem([person(1)], [slot(1, 6), slot(2, 20), slot(3, 22)])
    # 06-14 then 22-06: exactly 8 h of rest is enough.
    assert check(case, {1: 1, 3: 1}) == []
    found = check(case, {1: 1, 2: 1})
    assert [(violation.rule, violation.slot_ids) for violation in found] == [("rest", (1, 2))]
    assert found[0].params["rest_h"] == 6
    history = problem([person(1)], [slot(1, 6)], history={1: (Interval(at(-6), at(2)),)})
    assert rules_of(check(history, {1: 1})) == {"rest"}
    longer = problem([person(1)], [slot(1, 6), slot(3, 22)], rules=Rules(min_rest_h=11))
    assert rules_of(check(longer, {1: 1, 3: 1})) == {"rest"}


def test_hours_in_any_seven_days() -> None:
    seven = [slot(day + 1, day * 24) for day in range(7)]
    case = problem([person(1)], [*seven, slot(8, 166)])
    lawful = {item.id: 1 for item in seven}
    assert check(case, lawful) == []  # 7 x 8 h = 56 h
    # 166-174: its first 2 h fall inside the week from hour 0, which then holds 58 h.
    found = check(case, {**lawful, 8: 1})
    assert rules_of(found) == {"hours_7d"}
    assert found[0].params["hours"] == 58
    # Four 12-hour shifts just before the range (48 h), then a 12-hour slot: 60 h in a week.
    worked = {1: tuple(Interval(at(-24 * day + 4), at(-24 * day + 16)) for day in range(1, 5))}
    assert rules_of(check(problem([person(1)], [slot(1, 0, 12)], history=worked), {1: 1})) == {"hours_7d"}
    assert check(problem([person(1)], [slot(1, 0, 8)], history=worked), {1: 1}) == []


def test_consecutive_nights() -> None:
    nights = [slot(day + 1, day * 24 + 22, night=True) for day in range(5)]
    case = problem([person(1)], nights)
    assert check(case, {1: 1, 2: 1, 3: 1, 5: 1}) == []  # three, a free night, one
    found = check(case, {1: 1, 2: 1, 3: 1, 4: 1})
    assert [(violation.rule, violation.slot_ids) for violation in found] == [("nights", (1, 2, 3, 4))]
    history = problem([person(1)], nights[:3], history={1: (Interval(at(-2), at(6), night=True),)})
    assert rules_of(check(history, {1: 1, 2: 1, 3: 1})) == {"nights"}
    assert check(dataclasses.replace(history, history={1: (Interval(at(-2), at(6)),)}), {1: 1, 2: 1, 3: 1}) == []


# --- Hypothesis: random rosters on generated instances against a brute-force reading of the rules ---

def brute_force(case: Problem, assignments: dict[int, int]) -> set[tuple[str, int]]:
    """(rule, person) for every time rule broken, found the slow way: all pairs, and every hour as a window start.

    Generated instances and histories are on whole hours, so hourly window starts see every peak.
    """
    slots = {item.id: item for item in case.slots}
    broken: set[tuple[str, int]] = set()
    work: dict[int, list[tuple[dt.datetime, dt.datetime, bool, bool]]] = {}
    for slot_id, person_id in assignments.items():
        item = slots[slot_id]
        work.setdefault(person_id, []).append((item.start, item.end, item.night, True))
    rules = case.rules
    for person_id, mine in work.items():
        shifts = mine + [(item.start, item.end, item.night, False) for item in case.history.get(person_id, ())]
        for first in shifts:
            for second in shifts:
                if first is second or not (first[3] or second[3]) or second[0] < first[0]:
                    continue
                if second[0] < first[1] and first[0] < second[1]:
                    broken.add(("double_booked", person_id))
                elif first[1] <= second[0] < first[1] + dt.timedelta(hours=rules.min_rest_h):
                    broken.add(("rest", person_id))
        begin = min(start for start, *_ in shifts) - dt.timedelta(days=7)
        finish = max(end for _, end, *_ in shifts)
        moment = begin
        while moment <= finish:
            window_end = moment + dt.timedelta(days=7)
            inside = [(max(start, moment), min(end, window_end), own) for start, end, _, own in shifts]
            hours = sum((end - start).total_seconds() / 3600 for start, end, _ in inside if end > start)
            if hours > rules.max_hours_7d and any(own and end > start for start, end, own in inside):
                broken.add(("hours_7d", person_id))
            moment += dt.timedelta(hours=1)
        nights = sorted((start, own) for start, _, night, own in shifts if night)
        run: list[tuple[dt.datetime, bool]] = []
        for night in nights:
            run = [*run, night] if run and night[0] - run[-1][0] <= dt.timedelta(hours=30) else [night]
            if len(run) > rules.max_consecutive_nights and any(own for _, own in run):
                broken.add(("nights", person_id))
    return broken


TIME_RULES = {"double_booked", "rest", "hours_7d", "nights"}


@st.composite
def random_rosters(draw: st.DrawFn) -> tuple[Problem, dict[int, int]]:
    rules = Rules(min_rest_h=draw(st.sampled_from([8.0, 11.0])), max_hours_7d=draw(st.sampled_from([40.0, 56.0])),
                  max_consecutive_nights=draw(st.integers(1, 3)))
    case = generate(draw(st.integers(1, 3)), draw(st.integers(2, 8)), draw(st.integers(3, 9)),
                    seed=draw(st.integers(0, 10_000)), pattern=draw(st.sampled_from(["8h", "12h"])), rules=rules)
    if draw(st.booleans()):
        first = min(item.start for item in case.slots)
        case = dataclasses.replace(case, history={
            case.people[0].id: (Interval(first - dt.timedelta(hours=16), first - dt.timedelta(hours=4), night=True),),
        })
    chooser = random.Random(draw(st.integers(0, 10_000)))
    density = draw(st.sampled_from([0.05, 0.2, 0.5]))
    people = [item.id for item in case.people]
    assignments = {item.id: chooser.choice(people) for item in case.slots if chooser.random() < density}
    return case, assignments


@settings(max_examples=60, deadline=None)
@given(random_rosters())
def test_every_reported_violation_is_real_and_none_is_missed(roster: tuple[Problem, dict[int, int]]) -> None:
    case, assignments = roster
    found = check(case, assignments)
    people = {item.id: item for item in case.people}
    sites = {item.id: item for item in case.sites}
    slots = {item.id: item for item in case.slots}
    for violation in found:
        assert violation.slot_ids and all(slot_id in assignments for slot_id in violation.slot_ids)
        assert all(assignments[slot_id] == violation.person_id for slot_id in violation.slot_ids)
        item, who = slots[violation.slot_ids[0]], people[violation.person_id]
        if violation.rule == "unqualified":
            assert item.qualification not in who.qualifications
        elif violation.rule == "unit":
            assert who.unit_id not in sites[item.site_id].allowed_unit_ids
        elif violation.rule == "unavailable":
            assert any(away.overlaps(item.start, item.end) for away in who.unavailable)
    time_found = {(violation.rule, violation.person_id) for violation in found if violation.rule in TIME_RULES}
    assert time_found == brute_force(case, assignments)
    static = {(violation.rule, violation.slot_ids[0]) for violation in found if violation.rule not in TIME_RULES}
    expected_static = set()
    for slot_id, person_id in assignments.items():
        item, who = slots[slot_id], people[person_id]
        if item.qualification is not None and item.qualification not in who.qualifications:
            expected_static.add(("unqualified", slot_id))
        if who.unit_id not in sites[item.site_id].allowed_unit_ids:
            expected_static.add(("unit", slot_id))
        if any(away.overlaps(item.start, item.end) for away in who.unavailable):
            expected_static.add(("unavailable", slot_id))
    assert static == expected_static


@settings(max_examples=30, deadline=None)
@given(random_rosters())
def test_taking_assignments_away_never_adds_violations(roster: tuple[Problem, dict[int, int]]) -> None:
    case, assignments = roster
    fewer = dict(list(assignments.items())[::2])
    before = {(violation.rule, violation.person_id) for violation in check(case, assignments)}
    assert {(violation.rule, violation.person_id) for violation in check(case, fewer)} <= before
