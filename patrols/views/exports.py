"""A plan on paper and in a spreadsheet: the posko notice-board print (one site per page) and CSV export."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from patrols.queries import access_plan
from patrols.views import plan_data
from patrols.views.base import position_label
from sites.zones import zone_abbreviation

CSV_COLUMNS = ["site", "time_zone", "local_start", "local_end", "starts_at_utc", "ends_at_utc", "position",
               "nrp", "rank", "name", "unit", "night", "locked", "published", "gap_reason"]


@login_required
@require_GET
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The roster of each site, one site per printed page, for the days asked (a week by default)."""
    plan = access_plan(request.user, pk)
    first, last = plan_data.plan_window(plan, parse_date(request.GET.get("from", "") or "") or None)
    asked_last = parse_date(request.GET.get("to", "") or "")
    if asked_last is not None:
        last = min(max(asked_last, first), plan.ends_on)
    since, until = plan_data.window_bounds(plan, first, last)
    rows = plan.assignments.filter(starts_at__gte=since, starts_at__lt=until).select_related(
        "site", "person__unit").order_by("site__priority", "site__name", "starts_at", "qualification", "slot_key")
    by_site: dict[int, dict[str, Any]] = {}
    shifts: dict[int, dict[dt.datetime, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        zone = ZoneInfo(row.site.time_zone)
        local_day = row.starts_at.astimezone(zone).date()
        if not first <= local_day <= last:
            continue
        by_site.setdefault(row.site_id, {"site": row.site, "zone": zone_abbreviation(row.site.time_zone)})
        shifts[row.site_id][row.starts_at].append(row)
    pages = []
    for site_id, info in by_site.items():
        zone = ZoneInfo(info["site"].time_zone)
        lines = []
        for start, positions in shifts[site_id].items():
            local_start, local_end = start.astimezone(zone), positions[0].ends_at.astimezone(zone)
            lines.append({
                "day": local_start, "hours": f"{local_start:%H:%M}\u2013{local_end:%H:%M}",
                "positions": [{"label": position_label(row.qualification), "person": row.person,
                               "gap_reason": row.gap_reason} for row in positions],
            })
        pages.append({**info, "lines": lines})
    return render(request, "patrols/plan_print.html", {"plan": plan, "pages": pages, "first": first, "last": last})


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
def plan_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """Every slot of the plan, filled or not, with local and UTC times; streamed, so a Polda plan fits."""
    plan = access_plan(request.user, pk)
    rows = plan.assignments.select_related("site", "person__unit").order_by("site__name", "starts_at", "slot_key")
    writer = csv.writer(_Echo())

    def lines() -> Any:
        yield "\ufeff"  # so Excel opens it as UTF-8
        yield writer.writerow(CSV_COLUMNS)
        for row in rows.iterator(chunk_size=2000):
            zone = ZoneInfo(row.site.time_zone)
            person = row.person
            yield writer.writerow([
                row.site.name, zone_abbreviation(row.site.time_zone, row.starts_at),
                row.starts_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                row.ends_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                row.starts_at.astimezone(dt.UTC).isoformat(), row.ends_at.astimezone(dt.UTC).isoformat(),
                position_label(row.qualification),
                person.nrp if person else "", person.get_rank_display() if person else "",
                person.name if person else "", person.unit.name if person else "",
                int(row.night), int(row.locked), int(row.published), row.gap_reason,
            ])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    name = _("roster-%(unit)s-%(start)s-%(end)s") % {"unit": plan.unit_id, "start": plan.starts_on,
                                                      "end": plan.ends_on}
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
