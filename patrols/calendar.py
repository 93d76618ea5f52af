"""An iCalendar (RFC 5545) feed of one officer's shifts, for the phone's calendar app to subscribe to.

Plain values in, text out, no Django: the feed view gathers the shifts and hands them here. Times
are written in UTC (``...Z``), which every calendar app converts to the phone's own zone without a
VTIMEZONE block; the site's local time and zone (WIB/WITA/WIT) are spelled out in the description.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

PRODUCT_ID = "-//Opsroom//Guard roster//EN"
# RFC 5545 3.1: lines longer than 75 octets are folded; a continuation line starts with a space.
LINE_OCTETS = 75
# How often a subscribed calendar should fetch the feed again.
REFRESH = "PT1H"
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable across fetches, so a changed shift replaces the old entry instead of adding one
    start: dt.datetime
    end: dt.datetime
    summary: str
    description: str = ""
    location: str = ""
    latitude: float | None = None
    longitude: float | None = None
    url: str = ""
    # Raised each time the shift changes, so calendar apps take the newer version.
    sequence: int = 0
    cancelled: bool = False


def write_calendar(events: Iterable[CalendarEvent], *, name: str, stamp: dt.datetime) -> str:
    """The whole VCALENDAR text, CRLF line ends, folded and escaped as RFC 5545 asks."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT_ID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
    ]
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def _event_lines(event: CalendarEvent, stamp: dt.datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{utc_stamp(stamp)}",
        f"DTSTART:{utc_stamp(event.start)}",
        f"DTEND:{utc_stamp(event.end)}",
        f"SEQUENCE:{event.sequence}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.latitude is not None and event.longitude is not None:
        lines.append(f"GEO:{event.latitude:.6f};{event.longitude:.6f}")
    if event.url:
        lines.append(f"URL:{event.url}")
    lines.append("END:VEVENT")
    return lines


def utc_stamp(moment: dt.datetime) -> str:
    """A DATE-TIME in UTC form; a naive datetime is refused rather than guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("calendar times must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, line breaks as \\n (RFC 5545 3.3.11).

    Other control characters are not allowed in TEXT and are dropped.
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets without cutting a UTF-8 character in two."""
    encoded = line.encode()
    if len(encoded) <= LINE_OCTETS:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for char in line:
        width = len(char.encode())
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
            limit = LINE_OCTETS - 1  # the leading space of a continuation line counts
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)
