"""The planner's coverage heatmap: sites down, shifts across, each cell a shift coloured by filled/needed.

Pure shaping, no Django: the view gathers each shift's need and fill, this lays them out. Columns
are the distinct shift starts of the plan; the header shows them in the planner's zone, each cell's
title in its site's own zone (WIB/WITA/WIT), with the reason for every gap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class ShiftCoverage:
    site_id: int
    start: dt.datetime
    end: dt.datetime
    needed: int
    filled: int
    # One line per uncovered slot: its position and why nobody could take it.
    gaps: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteRow:
    site_id: int
    name: str
    time_zone: str


@dataclass(frozen=True)
class Column:
    start: dt.datetime
    day: str  # e.g. "14/02", shown once per day
    time: str  # e.g. "07:00"
    new_day: bool


@dataclass(frozen=True)
class Cell:
    needed: int
    filled: int
    level: str  # "full", "part", "empty"; "none" where the site has no shift starting then
    new_day: bool
    start_iso: str = ""
    title: str = ""
    gaps: tuple[str, ...] = ()


@dataclass
class Row:
    site_id: int
    name: str
    zone: str
    cells: list[Cell] = field(default_factory=list)
    needed: int = 0
    filled: int = 0


@dataclass(frozen=True)
class Heatmap:
    columns: list[Column]
    rows: list[Row]
    needed: int
    filled: int
    zone: str

    @property
    def gaps(self) -> int:
        return self.needed - self.filled

    @property
    def coverage(self) -> float:
        return self.filled / self.needed if self.needed else 1.0


def zone_name(zone: ZoneInfo, at: dt.datetime) -> str:
    """WIB, WITA or WIT at that moment (the abbreviation people use), else the zone's key."""
    return at.astimezone(zone).tzname() or zone.key


def cell_level(needed: int, filled: int) -> str:
    if filled >= needed:
        return "full"
    return "part" if filled else "empty"


def build_heatmap(sites: Iterable[SiteRow], shifts: Iterable[ShiftCoverage], *, display_zone: str,
                  title: str = "{filled}/{needed} · {start}\u2013{end} {zone}") -> Heatmap:
    """Lay the shifts out; sites keep the order given, columns run in time order.

    ``title`` is the (translated) pattern of a cell's hover text; the gap reasons follow it.
    """
    shown_zone = ZoneInfo(display_zone)
    shift_list = list(shifts)
    starts = sorted({shift.start for shift in shift_list})
    column_of = {start: index for index, start in enumerate(starts)}
    columns: list[Column] = []
    previous_day: dt.date | None = None
    for start in starts:
        local = start.astimezone(shown_zone)
        columns.append(Column(start=start, day=local.strftime("%d/%m"), time=local.strftime("%H:%M"),
                              new_day=local.date() != previous_day))
        previous_day = local.date()

    rows: dict[int, Row] = {}
    zones: dict[int, ZoneInfo] = {}
    for site in sites:
        zones[site.site_id] = ZoneInfo(site.time_zone)
        rows[site.site_id] = Row(site_id=site.site_id, name=site.name, zone="",
                                 cells=[Cell(0, 0, "none", column.new_day) for column in columns])
    # Several requirements of one site may share a start: their needs and fills add up.
    merged: dict[tuple[int, dt.datetime], ShiftCoverage] = {}
    for shift in shift_list:
        if shift.site_id not in rows:
            continue
        key = (shift.site_id, shift.start)
        before = merged.get(key)
        if before is not None:
            shift = ShiftCoverage(shift.site_id, shift.start, max(shift.end, before.end), before.needed + shift.needed,
                                  before.filled + shift.filled, before.gaps + shift.gaps)
        merged[key] = shift
    needed = filled = 0
    for (site_id, start), shift in merged.items():
        zone = zones[site_id]
        row = rows[site_id]
        abbreviation = zone_name(zone, start)
        row.zone = row.zone or abbreviation
        local_start = start.astimezone(zone).strftime("%d/%m %H:%M")
        local_end = shift.end.astimezone(zone).strftime("%H:%M")
        text = title.format(filled=shift.filled, needed=shift.needed, start=local_start, end=local_end,
                            zone=abbreviation)
        column = column_of[start]
        row.cells[column] = Cell(
            needed=shift.needed, filled=shift.filled, level=cell_level(shift.needed, shift.filled),
            new_day=columns[column].new_day, start_iso=start.isoformat(), title="\n".join((text, *shift.gaps)),
            gaps=shift.gaps,
        )
        row.needed += shift.needed
        row.filled += shift.filled
        needed += shift.needed
        filled += shift.filled
    for site_id, row in rows.items():
        row.zone = row.zone or zone_name(zones[site_id], dt.datetime.now(dt.UTC))
    shown = zone_name(shown_zone, starts[0]) if starts else zone_name(shown_zone, dt.datetime.now(dt.UTC))
    return Heatmap(columns=columns, rows=list(rows.values()), needed=needed, filled=filled, zone=shown)
