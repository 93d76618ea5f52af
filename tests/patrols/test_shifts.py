"""Cutting shifts in the site's own zone: WIB, WITA, WIT, the day boundary, and patterns that do not tile."""

import datetime as dt
import itertools

import pytest

from patrols.shifts import Pattern, PatternError, check_pattern, cut_shifts, hours_overlap

UTC = dt.UTC
DAY = dt.date(2024, 2, 14)


@pytest.mark.parametrize(("zone", "offset"), [("Asia/Jakarta", 7), ("Asia/Makassar", 8), ("Asia/Jayapura", 9)])
def test_three_eights_start_at_the_local_hour_in_each_zone(zone: str, offset: int) -> None:
    shifts = cut_shifts(Pattern(7, (8, 8, 8)), zone, DAY, DAY)
    midnight_utc = dt.datetime(2024, 2, 14, tzinfo=UTC) - dt.timedelta(hours=offset)
    assert [s.start for s in shifts] == [midnight_utc + dt.timedelta(hours=h) for h in (7, 15, 23)]
    assert shifts[-1].end == midnight_utc + dt.timedelta(hours=31)
    assert [s.night for s in shifts] == [False, False, True]
    assert all(s.start.tzinfo is not None for s in shifts)


def test_the_night_shift_crosses_the_day_boundary_and_days_tile_without_holes() -> None:
    shifts = cut_shifts(Pattern(19, (12, 12)), "Asia/Makassar", DAY, DAY + dt.timedelta(days=2))
    assert len(shifts) == 6
    for earlier, later in itertools.pairwise(shifts):
        assert earlier.end == later.start
    # 19:00 WITA is 11:00 UTC; the first shift is the night one.
    assert shifts[0].start == dt.datetime(2024, 2, 14, 11, tzinfo=UTC)
    assert [s.night for s in shifts] == [True, False] * 3
    assert shifts[0].day == DAY


def test_utc_midnight_in_the_middle_of_a_wit_shift() -> None:
    shifts = cut_shifts(Pattern(6, (8, 8, 8)), "Asia/Jayapura", DAY, DAY)
    # 06:00 WIT on the 14th is 21:00 UTC on the 13th.
    assert shifts[0].start == dt.datetime(2024, 2, 13, 21, tzinfo=UTC)
    assert shifts[0].day == DAY


def test_a_window_is_cut_into_its_shifts() -> None:
    shifts = cut_shifts(Pattern(8, (5, 5), hours_covered=10), "Asia/Jakarta", DAY, DAY)
    assert [(s.start.hour, s.hours) for s in shifts] == [(1, 5), (6, 5)]
    assert not any(s.night for s in shifts)


@pytest.mark.parametrize(("pattern", "words"), [
    (Pattern(7, (8, 8)), "do not tile the 24 hours"),
    (Pattern(7, (8, 8, 8), hours_covered=12), "do not tile the 12 hours"),
    (Pattern(24, (8, 8, 8)), "local hour from 0 to 23"),
    (Pattern(7, ()), "no shifts"),
    (Pattern(7, (0, 24)), "1 to 24 hours"),
])
def test_a_pattern_that_does_not_tile_the_day_is_refused_with_the_reason(pattern: Pattern, words: str) -> None:
    with pytest.raises(PatternError, match=words):
        check_pattern(pattern)
    with pytest.raises(PatternError):
        cut_shifts(pattern, "Asia/Jakarta", DAY, DAY)


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(PatternError, match="Unknown time zone"):
        cut_shifts(Pattern(7, (8, 8, 8)), "Mars/Olympus", DAY, DAY)


def test_hours_overlap() -> None:
    day = Pattern(8, (4, 4), hours_covered=8)
    evening = Pattern(16, (4, 4), hours_covered=8)
    late = Pattern(22, (6,), hours_covered=6)
    early = Pattern(2, (2,), hours_covered=2)
    assert not hours_overlap(day, evening)
    assert hours_overlap(Pattern(7, (8, 8, 8)), day)
    assert hours_overlap(late, early)  # 22:00-04:00 covers 02:00-04:00 of the next day
    assert not hours_overlap(evening, early)
