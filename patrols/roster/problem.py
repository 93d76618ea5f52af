"""What a roster is asked to satisfy and what it answers: plain dataclasses shared by the
solver (cameras-free, Django-free), the independent checker, the planner and the benchmark.

Times are timezone-aware datetimes in UTC; slots were cut in each site's own zone before they
arrive here. Ids are the database ids (or any ints in generated instances).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Interval:
    start: dt.datetime
    end: dt.datetime
    # Only meaningful in Problem.history: a night shift worked there counts in a run of nights.
    night: bool = False

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.start < end and start < self.end


@dataclass(frozen=True)
class Person:
    id: int
    unit_id: int
    qualifications: frozenset[str] = frozenset()
    # Leave, sick, assigned elsewhere: no slot may touch these.
    unavailable: tuple[Interval, ...] = ()
    preferred_site_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Site:
    id: int
    unit_id: int
    # The site's own unit plus the units allowed to reinforce it.
    allowed_unit_ids: frozenset[int]
    priority: int = 3  # 1 critical .. 4 low, as sites.choices.Priority
    # Travel minutes from each unit's base to the site (missing: treated as far).
    travel_minutes: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Slot:
    """One person-shaped hole: a position at a site for one shift."""

    id: int
    site_id: int
    start: dt.datetime
    end: dt.datetime
    qualification: str | None = None  # None: any officer
    night: bool = False
    # Higher fills first when people run short: from site priority and phase security level.
    importance: int = 1

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


@dataclass(frozen=True)
class Rules:
    min_rest_h: float = 8.0
    max_hours_7d: float = 56.0
    max_consecutive_nights: int = 3


@dataclass(frozen=True)
class Problem:
    people: tuple[Person, ...]
    sites: tuple[Site, ...]
    slots: tuple[Slot, ...]
    rules: Rules = Rules()
    # Hand-locked assignments (slot id -> person id): kept as they are.
    locked: dict[int, int] = field(default_factory=dict)
    # The published roster being re-planned (slot id -> person id): kept unless it must change.
    published: dict[int, int] = field(default_factory=dict)
    # Work already done or planned just before the range (for rest, 7-day hours, night runs).
    history: dict[int, tuple[Interval, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Gap:
    slot_id: int
    reason: str  # for people: why nobody could take it (no qualified person free, rest, hours...)
    # The reason as a code and its figures, for a page to word it in the reader's language.
    code: str = ""
    params: dict[str, int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Violation:
    rule: str  # e.g. "unqualified", "double_booked", "rest", "hours_7d", "nights", "unavailable", "unit"
    person_id: int | None
    slot_ids: tuple[int, ...]
    message: str
    # The figures in the message (hours, limits), for a page to word it in the reader's language.
    params: dict[str, int | float | str] = field(default_factory=dict)


@dataclass
class Solution:
    assignments: dict[int, int]  # slot id -> person id
    gaps: list[Gap]
    status: str  # "optimal", "feasible", "partial" (gaps), "cancelled"
    solve_s: float = 0.0
    stats: dict[str, float] = field(default_factory=dict)
    # Re-plans: the published slots whose person changed (or that became open), for "what changed".
    changed: list[int] = field(default_factory=list)
