"""Uptime per day from status spans: pure, over plain tuples, so it can be tested alone.

A day is a calendar day in the camera's site's zone. Uptime is the share of the observed part of
the day spent online; time before the first span is not observed and does not count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

ONLINE = "online"


@dataclass(frozen=True)
class DayUptime:
    day: dt.date
    observed_s: float
    online_s: float

    @property
    def ratio(self) -> float | None:
        return self.online_s / self.observed_s if self.observed_s else None


def uptime_by_day(
    spans: list[tuple[str, dt.datetime, dt.datetime | None]],
    first_day: dt.date,
    last_day: dt.date,
    zone: str,
    now: dt.datetime,
) -> list[DayUptime]:
    """One DayUptime per day from first_day to last_day inclusive; open spans end at ``now``."""
    tz = ZoneInfo(zone)
    days = []
    day = first_day
    while day <= last_day:
        start = dt.datetime.combine(day, dt.time(), tzinfo=tz)
        end = min(start + dt.timedelta(days=1), now)
        observed = online = 0.0
        for status, span_start, span_end in spans:
            overlap = (min(end, span_end or now) - max(start, span_start)).total_seconds()
            if overlap > 0:
                observed += overlap
                if status == ONLINE:
                    online += overlap
        days.append(DayUptime(day, observed, online))
        day += dt.timedelta(days=1)
    return days
