"""Small hand-made roster problems for the roster tests: one site, a few people, shifts by hour."""

from __future__ import annotations

import datetime as dt

from patrols.roster.problem import Interval, Person, Problem, Rules, Site, Slot

DAY0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
UNIT = 10
OTHER_UNIT = 20
DEFAULT_RULES = Rules()


def at(hours: float) -> dt.datetime:
    return DAY0 + dt.timedelta(hours=hours)


def slot(slot_id: int, start_h: float, length_h: float = 8, *, site_id: int = 1, qualification: str | None = None,
         night: bool = False, importance: int = 1) -> Slot:
    return Slot(id=slot_id, site_id=site_id, start=at(start_h), end=at(start_h + length_h),
                qualification=qualification, night=night, importance=importance)


def person(person_id: int, *, unit_id: int = UNIT, qualifications: frozenset[str] = frozenset(),
           away: tuple[tuple[float, float], ...] = ()) -> Person:
    return Person(id=person_id, unit_id=unit_id, qualifications=qualifications,
                  unavailable=tuple(Interval(at(start), at(end)) for start, end in away))


def site(site_id: int = 1, *, priority: int = 3) -> Site:
    return Site(id=site_id, unit_id=UNIT, allowed_unit_ids=frozenset({UNIT}), priority=priority,
                travel_minutes={UNIT: 10})


def problem(people: list[Person], slots: list[Slot], *, sites: list[Site] | None = None, rules: Rules = DEFAULT_RULES,
            **extra: object) -> Problem:
    return Problem(people=tuple(people), sites=tuple(sites or [site()]), slots=tuple(slots), rules=rules,
                   **extra)  # type: ignore[arg-type]


def every_day(days: int, *, hours: tuple[float, ...] = (6, 14, 22), first_id: int = 1) -> list[Slot]:
    """Slots at the given local hours every day (22:00 ones are nights)."""
    slots = []
    for day in range(days):
        for hour in hours:
            slots.append(slot(first_id + len(slots), day * 24 + hour, night=hour >= 22))
    return slots
