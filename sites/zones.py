"""A time zone as people in the field name it (WIB, WITA, WIT): pure, for every app's pages."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def zone_abbreviation(zone_name: str, at: dt.datetime | None = None) -> str:
    """"Asia/Makassar" -> "WITA" (as of ``at``, now by default); the name itself if it has none."""
    moment = at or dt.datetime.now(dt.UTC)
    return moment.astimezone(ZoneInfo(zone_name)).tzname() or zone_name
