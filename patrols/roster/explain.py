"""Why a slot stayed uncovered, in words a planner can act on (and as a code with figures for pages)."""

from __future__ import annotations

from collections import Counter

from patrols.roster.construct import Roster
from patrols.roster.problem import Gap, Slot
from patrols.roster.timeline import BUSY, HOURS, NIGHTS, REST, UNAVAILABLE, hours_of

_WORDS = {
    UNAVAILABLE: "on leave, sick or on other duty",
    BUSY: "on another shift at that time",
    REST: "would not get the minimum rest",
    HOURS: "would pass the 7-day hour limit",
    NIGHTS: "would pass the night-shift limit",
}


def explain_gaps(roster: Roster, unfilled: list[Slot]) -> list[Gap]:
    refusals: dict[tuple[int, float, float, bool], str] = {}
    return [explain_gap(roster, slot, refusals) for slot in sorted(unfilled, key=lambda slot: (slot.start, slot.id))]


def explain_gap(roster: Roster, slot: Slot, refusals: dict[tuple[int, float, float, bool], str] | None = None) -> Gap:
    """Why ``slot`` is open; ``refusals`` caches each person's answer for a shift time across slots."""
    site = roster.sites.get(slot.site_id)
    if site is None:
        return Gap(slot.id, f"The slot's site {slot.site_id} is not part of the plan.", "unknown_site")
    candidates = [timeline for timeline in roster.timelines.values()
                  if roster.eligible(timeline.person.id, slot)]
    if not candidates and slot.qualification:
        return Gap(slot.id, f"Nobody in the site's unit or its reinforcing units holds the qualification "
                            f"{slot.qualification!r}.", "nobody_qualified", {"qualification": slot.qualification})
    if not candidates:
        return Gap(slot.id, "The site's unit and its reinforcing units have no personnel to roster.", "nobody_in_units")
    start, end = hours_of(slot.start), hours_of(slot.end)
    cache = {} if refusals is None else refusals
    reasons: Counter[str] = Counter()
    for timeline in candidates:
        key = (timeline.person.id, start, end, slot.night)
        if key not in cache:
            # A person free for the shift was free only for a slot they may not take, or is taken now.
            cache[key] = timeline.refusal(start, end, slot.night) or BUSY
        reasons[cache[key]] += 1
    parts = [f"{count} {_WORDS[code]}" for code, count in reasons.most_common()]
    return Gap(
        slot.id,
        f"All {len(candidates)} people who may take it are unavailable: " + ", ".join(parts) + ".",
        "people_short",
        {"candidates": len(candidates), **dict(reasons)},
    )
