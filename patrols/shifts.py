"""Cutting a day of guarding into shifts, in the site's own time zone, stored in UTC. No Django here.

A pattern is the local hour the first shift starts, the hours covered each day (24 around the
clock) and the shift lengths, which must add up exactly to the hours covered: a pattern that does
not tile the day is refused with the reason, never silently padded or cut.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC = dt.UTC


def gettext_noop(message: str) -> str:
    """Mark a message for translation; the Django layer translates it when it is shown."""
    return message


# A shift touching these local hours is a night shift (counted for the nights-in-a-row rule).
NIGHT_START_HOUR = 0
NIGHT_END_HOUR = 5


class PatternError(ValueError):
    """A shift pattern that cannot be used; the message says why, in English (translated where shown)."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


@dataclass(frozen=True)
class Pattern:
    start_hour: int
    shift_hours: tuple[int, ...]
    hours_covered: int = 24


@dataclass(frozen=True)
class ShiftTime:
    """One shift: its local day, its place in the day, and its UTC bounds."""

    day: dt.date
    index: int
    start: dt.datetime
    end: dt.datetime
    night: bool

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


def check_pattern(pattern: Pattern) -> None:
    """Raise PatternError unless the shifts tile the hours covered, starting at a real hour."""
    if not 0 <= pattern.start_hour <= 23:
        raise PatternError(gettext_noop("The first shift must start at a local hour from 0 to 23, not %(hour)s."),
                           hour=pattern.start_hour)
    if not 1 <= pattern.hours_covered <= 24:
        raise PatternError(gettext_noop("The hours covered per day must be 1 to 24, not %(hours)s."),
                           hours=pattern.hours_covered)
    if not pattern.shift_hours:
        raise PatternError(gettext_noop("The pattern has no shifts."))
    if any(hours < 1 or hours > 24 for hours in pattern.shift_hours):
        raise PatternError(gettext_noop("Every shift must last 1 to 24 hours; the pattern has %(shifts)s."),
                           shifts=_lengths(pattern.shift_hours))
    total = sum(pattern.shift_hours)
    if total != pattern.hours_covered:
        raise PatternError(
            gettext_noop("The shifts (%(shifts)s = %(total)s hours) do not tile the %(covered)s hours covered "
                         "each day."),
            shifts=_lengths(pattern.shift_hours), total=total, covered=pattern.hours_covered,
        )


def _lengths(hours: tuple[int, ...]) -> str:
    return " + ".join(str(h) for h in hours)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise PatternError(gettext_noop("Unknown time zone “%(zone)s”."), zone=name) from exc


def cut_shifts(pattern: Pattern, time_zone: str, first_day: dt.date, last_day: dt.date) -> list[ShiftTime]:
    """Every shift starting on the local days first_day..last_day (inclusive), in time order.

    The last shifts of a day may end on the next day (a night shift from 23:00 to 07:00).
    """
    check_pattern(pattern)
    tz = zone(time_zone)
    shifts: list[ShiftTime] = []
    day = first_day
    while day <= last_day:
        start_local = dt.datetime.combine(day, dt.time(pattern.start_hour), tzinfo=tz)
        # Add real elapsed hours in UTC, so a zone with a clock change still gets shifts of true length.
        start = start_local.astimezone(UTC)
        for index, hours in enumerate(pattern.shift_hours):
            end = start + dt.timedelta(hours=hours)
            shifts.append(ShiftTime(day, index, start, end, is_night(start, end, tz)))
            start = end
        day += dt.timedelta(days=1)
    return shifts


def is_night(start: dt.datetime, end: dt.datetime, tz: ZoneInfo) -> bool:
    """Whether the shift covers any of the local night hours (00:00 to 05:00)."""
    local_start = start.astimezone(tz)
    day = local_start.date()
    # The night window of the day the shift starts and of the next day both may be touched.
    for offset in (0, 1):
        night_day = day + dt.timedelta(days=offset)
        night_start = dt.datetime.combine(night_day, dt.time(NIGHT_START_HOUR), tzinfo=tz)
        night_end = dt.datetime.combine(night_day, dt.time(NIGHT_END_HOUR), tzinfo=tz)
        if start < night_end and night_start < end:
            return True
    return False


def local_days(start: dt.datetime, end: dt.datetime, time_zone: str) -> tuple[dt.date, dt.date]:
    """The local dates of a UTC interval's start and (inclusive) end, in the given zone."""
    tz = zone(time_zone)
    return start.astimezone(tz).date(), (end - dt.timedelta(microseconds=1)).astimezone(tz).date()


def daily_hours(pattern: Pattern) -> tuple[int, int]:
    """The local hours a pattern covers each day as (start, end) in hours from local midnight (end may pass 24)."""
    return pattern.start_hour, pattern.start_hour + pattern.hours_covered


def hours_overlap(a: Pattern, b: Pattern) -> bool:
    """Whether two patterns guard some of the same local hours of a day (24-hour wrap included)."""
    if a.hours_covered == 24 or b.hours_covered == 24:
        return True
    a_start, a_end = daily_hours(a)
    b_start, b_end = daily_hours(b)
    # Compare against b shifted a day either way, so a window crossing midnight is caught.
    return any(a_start < b_end + shift and b_start + shift < a_end for shift in (-24, 0, 24))
