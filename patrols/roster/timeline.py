"""One person's work as the solver sees it: sorted shifts in hours, and whether one more fits.

Times are hours since the Unix epoch (floats), which keeps the inner loops free of datetime maths.
The rules are the hard rules of the issue; the checker verifies them again, independently.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, field

from patrols.roster.problem import Person, Rules

WEEK_H = 168.0
# A night shift continues a run of nights when it starts at most this long after the previous one.
NIGHT_RUN_GAP_H = 30.0
EPSILON_H = 1e-6
# Shifts are never longer than this (24 h): how far back a shift can still reach into a window.
LONGEST_SHIFT_H = 24.0

# Why a person cannot take a shift (the codes a gap's reason is built from).
UNAVAILABLE = "unavailable"
BUSY = "busy"
REST = "rest"
HOURS = "hours_7d"
NIGHTS = "nights"


def hours_of(moment: dt.datetime) -> float:
    return moment.timestamp() / 3600


@dataclass(order=True)
class Shift:
    start: float
    end: float
    night: bool = field(compare=False)
    slot_id: int = field(compare=False)  # -1: a shift from the history


@dataclass
class Timeline:
    person: Person
    rules: Rules
    away: list[tuple[float, float]]
    shifts: list[Shift] = field(default_factory=list)
    starts: list[float] = field(default_factory=list)
    hours: float = 0.0  # planned hours in the problem's range, for fairness
    nights: int = 0  # planned night shifts in the range, for fairness
    last_site: int | None = None

    @classmethod
    def of(cls, person: Person, rules: Rules, history: tuple[Shift, ...] = ()) -> Timeline:
        timeline = cls(person, rules, sorted((hours_of(item.start), hours_of(item.end)) for item in person.unavailable))
        for shift in history:
            timeline.add(shift, counts=False)
        return timeline

    def add(self, shift: Shift, *, counts: bool = True) -> None:
        index = bisect_left(self.starts, shift.start)
        self.starts.insert(index, shift.start)
        self.shifts.insert(index, shift)
        if counts:
            self.hours += shift.end - shift.start
            self.nights += shift.night

    def remove(self, slot_id: int) -> Shift:
        for index, shift in enumerate(self.shifts):
            if shift.slot_id == slot_id:
                del self.shifts[index]
                del self.starts[index]
                self.hours -= shift.end - shift.start
                self.nights -= shift.night
                return shift
        raise KeyError(slot_id)

    def away_during(self, start: float, end: float) -> bool:
        return any(first < end and start < last for first, last in self.away)

    def refusal(self, start: float, end: float, night: bool) -> str | None:
        """None when a shift from ``start`` to ``end`` fits every hard rule of time; else why not."""
        if self.away and self.away_during(start, end):
            return UNAVAILABLE
        rest = self.rules.min_rest_h
        index = bisect_left(self.starts, start)
        shifts = self.shifts
        # Before: any earlier shift still running (or too recent); two back covers overlapping hand edits.
        for before in shifts[max(0, index - 2):index]:
            if before.end > start:
                return BUSY
            if before.end + rest > start + EPSILON_H:
                return REST
        for after in shifts[index:index + 2]:
            if after.start < end:
                return BUSY
            if end + rest > after.start + EPSILON_H:
                return REST
        if self._over_hours(index, start, end):
            return HOURS
        if night and self._night_run(index, start) > self.rules.max_consecutive_nights:
            return NIGHTS
        return None

    def _over_hours(self, index: int, start: float, end: float) -> bool:
        """Whether some 168-hour window holds more than the limit with this shift added.

        The sum over a sliding window peaks when the window starts at a shift's start or ends at a
        shift's end; only windows touching the new shift change, so only those are summed.
        """
        limit = self.rules.max_hours_7d + EPSILON_H
        shifts = self.shifts
        own = end - start
        if index == len(shifts):
            # Nothing later (the sweep's usual case): the window ending with this shift is the fullest.
            window = end - WEEK_H
            total = own
            for item in reversed(shifts):
                if item.end <= window and item.start < window - LONGEST_SHIFT_H:
                    break
                overlap = min(item.end, end) - max(item.start, window)
                if overlap > 0:
                    total += overlap
            return total > limit
        near = shifts[bisect_left(self.starts, end - WEEK_H - LONGEST_SHIFT_H):
                      bisect_left(self.starts, start + WEEK_H)]
        if sum(item.end - item.start for item in near) + own <= limit:
            return False
        windows = {start, end - WEEK_H}
        for item in near:
            if end - WEEK_H < item.start <= start:
                windows.add(item.start)
            if end <= item.end < start + WEEK_H:
                windows.add(item.end - WEEK_H)
        for window in windows:
            window_end = window + WEEK_H
            total = max(0.0, min(end, window_end) - max(start, window))
            for item in near:
                overlap = min(item.end, window_end) - max(item.start, window)
                if overlap > 0:
                    total += overlap
            if total > limit:
                return True
        return False

    def _night_run(self, index: int, start: float) -> int:
        """The length of the run of nights this night shift would be part of."""
        run = 1
        current = start
        for item in reversed(self.shifts[:index]):
            if item.start < current - NIGHT_RUN_GAP_H:
                break
            if item.night:
                run += 1
                current = item.start
        current = start
        for item in self.shifts[index:]:
            if item.start > current + NIGHT_RUN_GAP_H:
                break
            if item.night:
                run += 1
                current = item.start
        return run

    def add_slot(self, slot_id: int, start: float, end: float, night: bool, site_id: int) -> None:
        self.add(Shift(start, end, night, slot_id))
        self.last_site = site_id
