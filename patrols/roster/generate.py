"""Roster instances of a chosen size, for the benchmark and the tests: a Polres with its Polsek.

Sites belong to the Polsek; each may be reinforced by the Polres headquarters and by the next
Polsek. Demand is set so it needs about ``load`` (default 85%) of the lawful hours the personnel
can give: ``max_hours_7d`` per 7 days each, less their leave. Positions that need a qualification
are matched by enough people holding it, so full cover exists.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter

from patrols.roster.problem import Interval, Person, Problem, Rules, Site, Slot

# Site-local shift starts (hours) and whether the shift is the night one.
SHIFT_PATTERNS: dict[str, tuple[tuple[int, int, bool], ...]] = {
    "8h": ((6, 8, False), (14, 8, False), (22, 8, True)),
    "12h": ((7, 12, False), (19, 12, True)),
}
HEADQUARTERS_UNIT = 1
SHIFT_COMMANDER = "shift_commander"
CCTV = "cctv_operator"
ARMED = "armed"
POLWAN = "polwan"
WIB = dt.timezone(dt.timedelta(hours=7))
DEFAULT_START = dt.date(2026, 2, 1)
# A qualified person is planned for no more than this share of their lawful hours on positions
# that need the qualification, so the rest of the demand can still be met by everyone else.
QUALIFIED_SHARE = 0.7


def lawful_hours(problem: Problem) -> float:
    """What the personnel can give in the slots' range, less leave: the 7-day limit, rounded down to
    whole shifts of the most common length (two 12-hour shifts make 48 of 56 hours, not 56)."""
    if not problem.slots:
        return 0.0
    start = min(slot.start for slot in problem.slots)
    end = max(slot.end for slot in problem.slots)
    span_h = (end - start).total_seconds() / 3600
    shift_h = Counter(slot.hours for slot in problem.slots).most_common(1)[0][0]
    weekly_h = math.floor(problem.rules.max_hours_7d / shift_h + 1e-9) * shift_h if shift_h else 0.0
    total = 0.0
    for person in problem.people:
        away_h = sum(
            max(0.0, (min(away.end, end) - max(away.start, start)).total_seconds() / 3600)
            for away in person.unavailable
        )
        total += (span_h - away_h) * weekly_h / 168
    return total


def generate(sites: int, personnel: int, days: int, *, seed: int = 0, pattern: str = "8h",
             load: float = 0.85, start: dt.date = DEFAULT_START, rules: Rules | None = None) -> Problem:
    if sites < 1 or personnel < 1 or days < 1:
        raise ValueError("sites, personnel and days must each be at least 1")
    if pattern not in SHIFT_PATTERNS:
        raise ValueError(f"unknown shift pattern {pattern!r}: use one of {sorted(SHIFT_PATTERNS)}")
    rules = rules or Rules()
    rng = random.Random(seed)  # noqa: S311 - test data, reproducible by seed
    polsek_count = max(1, round(sites / 10))
    polsek_ids = [HEADQUARTERS_UNIT + 1 + index for index in range(polsek_count)]

    site_list = []
    for number in range(sites):
        unit = polsek_ids[number % polsek_count]
        neighbour = polsek_ids[(number + 1) % polsek_count]
        allowed = frozenset({unit, HEADQUARTERS_UNIT, neighbour})
        travel = {unit: rng.randint(5, 30), HEADQUARTERS_UNIT: rng.randint(20, 60)}
        if neighbour != unit:
            travel[neighbour] = rng.randint(30, 90)
        site_list.append(Site(id=number + 1, unit_id=unit, allowed_unit_ids=allowed,
                              priority=1 + number % 4, travel_minutes=travel))

    range_start = dt.datetime.combine(start, dt.time(0), WIB)
    range_end = range_start + dt.timedelta(days=days)
    people = _people(personnel, polsek_ids, site_list, rng, range_start, days)

    draft = Problem(people=tuple(people), sites=tuple(site_list), slots=(), rules=rules)
    span_h = days * 24.0
    shift_h = SHIFT_PATTERNS[pattern][0][1]
    positions = max(1, round(load * _lawful_in(draft, range_start, range_end, shift_h) / span_h))
    qualifications = _positions(site_list, positions)
    people = _qualify(people, site_list, qualifications, rules, days, rng)

    slots: list[Slot] = []
    for day in range(days):
        date = start + dt.timedelta(days=day)
        for hour, length, night in SHIFT_PATTERNS[pattern]:
            local = dt.datetime.combine(date, dt.time(hour), WIB)
            begins = local.astimezone(dt.UTC)
            ends = (local + dt.timedelta(hours=length)).astimezone(dt.UTC)
            for site in site_list:
                for qualification in qualifications[site.id]:
                    slots.append(Slot(id=len(slots) + 1, site_id=site.id, start=begins, end=ends,
                                      qualification=qualification, night=night, importance=5 - site.priority))
    return Problem(people=tuple(people), sites=tuple(site_list), slots=tuple(slots), rules=rules)


def _lawful_in(problem: Problem, start: dt.datetime, end: dt.datetime, shift_h: int) -> float:
    """Lawful hours over the range before any slot exists: probe slots of the pattern's length."""
    probes: list[Slot] = []
    moment = start
    while moment < end:
        probes.append(Slot(id=len(probes), site_id=0, start=moment, end=moment + dt.timedelta(hours=shift_h)))
        moment += dt.timedelta(hours=shift_h)
    return lawful_hours(Problem(people=problem.people, sites=problem.sites, slots=tuple(probes),
                                rules=problem.rules))


def _people(count: int, polsek_ids: list[int], sites: list[Site], rng: random.Random,
            range_start: dt.datetime, days: int) -> list[Person]:
    """About 15% at headquarters, the rest spread over the Polsek; about 8% take 2 to 5 days of leave."""
    units = [HEADQUARTERS_UNIT if index % 7 == 0 else polsek_ids[index % len(polsek_ids)] for index in range(count)]
    own_sites: dict[int, list[int]] = {}
    for site in sites:
        own_sites.setdefault(site.unit_id, []).append(site.id)
    people = []
    for index, unit in enumerate(units):
        unavailable: tuple[Interval, ...] = ()
        if rng.random() < 0.08 and days >= 3:
            length = rng.randint(2, min(5, days))
            first = rng.randint(0, days - length)
            leave_start = range_start + dt.timedelta(days=first)
            unavailable = (Interval(leave_start, leave_start + dt.timedelta(days=length)),)
        preferred = frozenset(rng.sample(own_sites.get(unit, []), 1)) if unit in own_sites and rng.random() < 0.2 \
            else frozenset()
        qualifications = frozenset({POLWAN}) if rng.random() < 0.15 else frozenset()
        people.append(Person(id=index + 1, unit_id=unit, qualifications=qualifications, unavailable=unavailable,
                             preferred_site_ids=preferred))
    return people


def _positions(sites: list[Site], positions: int) -> dict[int, list[str | None]]:
    """The positions of each site per shift: spread evenly, the extra ones to the most important sites.

    The first position of a critical or high-priority site is its shift commander, the second of
    every third site its CCTV operator; the rest are for any officer.
    """
    ranked = sorted(sites, key=lambda site: (site.priority, site.id))
    counts = {site.id: positions // len(sites) for site in sites}
    for site in ranked[: positions % len(sites)]:
        counts[site.id] += 1
    result: dict[int, list[str | None]] = {}
    for site in sites:
        wanted: list[str | None] = []
        for index in range(counts[site.id]):
            if index == 0 and site.priority <= 2:
                wanted.append(SHIFT_COMMANDER)
            elif index == 1 and site.id % 3 == 0:
                wanted.append(CCTV)
            elif index == 2 and site.id % 4 == 0:
                wanted.append(ARMED)
            else:
                wanted.append(None)
        result[site.id] = wanted
    return result


def _qualify(people: list[Person], sites: list[Site], positions: dict[int, list[str | None]], rules: Rules,
             days: int, rng: random.Random) -> list[Person]:
    """Give each qualification to enough people of each site's unit that its positions can be filled."""
    per_person_h = days * rules.max_hours_7d / 7 * QUALIFIED_SHARE
    demand: dict[tuple[int, str], float] = {}
    for site in sites:
        for qualification in positions[site.id]:
            if qualification is not None:
                key = (site.unit_id, qualification)
                demand[key] = demand.get(key, 0.0) + days * 24.0
    extra: dict[int, set[str]] = {person.id: set() for person in people}
    for (unit, qualification), hours in sorted(demand.items()):
        members = [person for person in people if person.unit_id == unit and not person.unavailable]
        rng.shuffle(members)
        members.sort(key=lambda person: len(extra[person.id]))
        for person in members[: math.ceil(hours / per_person_h)]:
            extra[person.id].add(qualification)
    headquarters = [person for person in people if person.unit_id == HEADQUARTERS_UNIT]
    for person in headquarters[: len(headquarters) // 3]:
        extra[person.id] |= {SHIFT_COMMANDER, ARMED}
    return [
        Person(id=person.id, unit_id=person.unit_id, qualifications=person.qualifications | extra[person.id],
               unavailable=person.unavailable, preferred_site_ids=person.preferred_site_ids)
        for person in people
    ]
