"""Problems and solutions as JSON-safe values, to cross the Celery broker (whose serializer is JSON).

Compact on purpose (a Polres month is about 11,000 slots): slots are lists, times are UTC epoch
seconds, and mappings with int keys are lists of pairs.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from patrols.roster.problem import Gap, Interval, Person, Problem, Rules, Site, Slot, Solution

JSON = dict[str, Any]


def _time(moment: dt.datetime) -> float:
    return moment.timestamp()


def _moment(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def _intervals(items: tuple[Interval, ...]) -> list[list[Any]]:
    return [[_time(item.start), _time(item.end), item.night] for item in items]


def _from_intervals(rows: list[list[Any]]) -> tuple[Interval, ...]:
    return tuple(Interval(_moment(start), _moment(end), bool(night)) for start, end, night in rows)


def problem_to_json(problem: Problem) -> JSON:
    return {
        "people": [[person.id, person.unit_id, sorted(person.qualifications), _intervals(person.unavailable),
                    sorted(person.preferred_site_ids)] for person in problem.people],
        "sites": [[site.id, site.unit_id, sorted(site.allowed_unit_ids), site.priority,
                   sorted(site.travel_minutes.items())] for site in problem.sites],
        "slots": [[slot.id, slot.site_id, _time(slot.start), _time(slot.end), slot.qualification, slot.night,
                   slot.importance] for slot in problem.slots],
        "rules": [problem.rules.min_rest_h, problem.rules.max_hours_7d, problem.rules.max_consecutive_nights],
        "locked": sorted(problem.locked.items()),
        "published": sorted(problem.published.items()),
        "history": [[person_id, _intervals(items)] for person_id, items in sorted(problem.history.items())],
    }


def problem_from_json(data: JSON) -> Problem:
    min_rest_h, max_hours_7d, max_nights = data["rules"]
    return Problem(
        people=tuple(
            Person(id=person_id, unit_id=unit_id, qualifications=frozenset(qualifications),
                   unavailable=_from_intervals(unavailable), preferred_site_ids=frozenset(preferred))
            for person_id, unit_id, qualifications, unavailable, preferred in data["people"]
        ),
        sites=tuple(
            Site(id=site_id, unit_id=unit_id, allowed_unit_ids=frozenset(allowed), priority=priority,
                 travel_minutes={unit: minutes for unit, minutes in travel})
            for site_id, unit_id, allowed, priority, travel in data["sites"]
        ),
        slots=tuple(
            Slot(id=slot_id, site_id=site_id, start=_moment(start), end=_moment(end), qualification=qualification,
                 night=bool(night), importance=importance)
            for slot_id, site_id, start, end, qualification, night, importance in data["slots"]
        ),
        rules=Rules(min_rest_h=min_rest_h, max_hours_7d=max_hours_7d, max_consecutive_nights=max_nights),
        locked={slot_id: person_id for slot_id, person_id in data["locked"]},
        published={slot_id: person_id for slot_id, person_id in data["published"]},
        history={person_id: _from_intervals(items) for person_id, items in data["history"]},
    )


def solution_to_json(solution: Solution) -> JSON:
    return {
        "assignments": sorted(solution.assignments.items()),
        "gaps": [[gap.slot_id, gap.reason, gap.code, gap.params] for gap in solution.gaps],
        "status": solution.status,
        "solve_s": solution.solve_s,
        "stats": solution.stats,
        "changed": solution.changed,
    }


def solution_from_json(data: JSON) -> Solution:
    return Solution(
        assignments={slot_id: person_id for slot_id, person_id in data["assignments"]},
        gaps=[Gap(slot_id, reason, code, params) for slot_id, reason, code, params in data["gaps"]],
        status=data["status"],
        solve_s=data["solve_s"],
        stats=dict(data["stats"]),
        changed=list(data["changed"]),
    )
