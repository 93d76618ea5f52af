"""The iCalendar writer: RFC 5545 structure, folding, escaping and UTC times."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from patrols.calendar import CalendarEvent, escape_text, fold, write_calendar

WITA = ZoneInfo("Asia/Makassar")
STAMP = dt.datetime(2024, 2, 1, 3, 0, tzinfo=dt.UTC)


def unfold(text: str) -> list[str]:
    """Content lines as a calendar app reads them: CRLF ends, continuation lines joined."""
    assert text.endswith("\r\n")
    lines: list[str] = []
    for raw in text[:-2].split("\r\n"):
        if raw.startswith(" "):
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def test_a_night_shift_in_wita_is_written_in_utc_with_its_details() -> None:
    event = CalendarEvent(
        uid="assignment-7@opsroom", start=dt.datetime(2024, 2, 14, 22, 0, tzinfo=WITA),
        end=dt.datetime(2024, 2, 15, 6, 0, tzinfo=WITA), summary="Jaga: Gudang Logistik KPU, Palu",
        description="22:00\u201306:00 WITA\nPosisi: operator CCTV", location="Jl. Ciliwung No. 1; Palu",
        latitude=-0.8917, longitude=119.8707, sequence=2,
    )
    lines = unfold(write_calendar([event], name="Bripda Sari", stamp=STAMP))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and "X-WR-CALNAME:Bripda Sari" in lines
    body = lines[lines.index("BEGIN:VEVENT"):lines.index("END:VEVENT") + 1]
    assert "DTSTART:20240214T140000Z" in body  # 22:00 WITA is 14:00 UTC
    assert "DTEND:20240214T220000Z" in body
    assert "DTSTAMP:20240201T030000Z" in body
    assert "UID:assignment-7@opsroom" in body
    assert "SEQUENCE:2" in body and "STATUS:CONFIRMED" in body
    assert "SUMMARY:Jaga: Gudang Logistik KPU\\, Palu" in body
    assert "DESCRIPTION:22:00\u201306:00 WITA\\nPosisi: operator CCTV" in body
    assert "LOCATION:Jl. Ciliwung No. 1\\; Palu" in body
    assert "GEO:-0.891700;119.870700" in body


def test_an_empty_feed_is_still_a_valid_calendar() -> None:
    lines = unfold(write_calendar([], name="x", stamp=STAMP))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "BEGIN:VEVENT" not in lines


def test_a_cancelled_shift_says_so() -> None:
    event = CalendarEvent(uid="u", start=STAMP, end=STAMP + dt.timedelta(hours=8), summary="s", cancelled=True)
    assert "STATUS:CANCELLED" in unfold(write_calendar([event], name="x", stamp=STAMP))


def test_naive_times_are_refused() -> None:
    event = CalendarEvent(uid="u", start=dt.datetime(2024, 1, 1), end=dt.datetime(2024, 1, 2), summary="s")
    with pytest.raises(ValueError, match="timezone-aware"):
        write_calendar([event], name="x", stamp=STAMP)


@given(st.text(min_size=0, max_size=400))
def test_folded_lines_fit_75_octets_and_unfold_to_the_original(text: str) -> None:
    line = "SUMMARY:" + escape_text(text)
    folded = fold(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert parts[0] + "".join(part[1:] for part in parts[1:]) == line


def unescape(value: str) -> str:
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            following = next(chars)
            out.append("\n" if following == "n" else following)
        else:
            out.append(char)
    return "".join(out)


@given(st.text(max_size=60))
def test_escaped_text_has_no_bare_separators_and_reads_back(text: str) -> None:
    escaped = escape_text(text)
    assert not any(ord(char) < 32 and char != "\t" for char in escaped)
    assert ";" not in escaped.replace("\\\\", "").replace("\\;", "")
    readable = text.replace("\r\n", "\n").replace("\r", "\n")
    assert unescape(escaped) == "".join(c for c in readable if c in "\t\n" or not (ord(c) < 32 or ord(c) == 127))
