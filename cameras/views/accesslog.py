"""The access log: who looked at which camera when, under which grant; read and exported by the owning agency."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from cameras.actions.viewing import reason_label
from cameras.forms_grants import AccessLogFilter
from cameras.models import AccessLogEntry
from cameras.queries import log_zone
from sites.views.base import ScopedViewMixin
from sites.zones import zone_abbreviation

# Entries whose camera is gone are shown in the server's zone (Jakarta, WIB).
FALLBACK_ZONE = "Asia/Jakarta"
# Excel opens a CSV as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"


def log_rows(request: HttpRequest) -> tuple[AccessLogFilter, QuerySet[AccessLogEntry]]:
    base = AccessLogEntry.objects.visible_to(request.user).select_related(
        "camera__site", "camera__unit", "unit", "grant", "agency")
    log_filter = AccessLogFilter(request.GET or None, queryset=base, request=request)
    rows = log_filter.qs if log_filter.is_bound and log_filter.is_valid() else base
    return log_filter, rows


def local_time(entry: AccessLogEntry) -> tuple[str, str]:
    """The entry's time in its camera's zone, and that zone named (e.g. "WITA (Asia/Makassar)")."""
    zone = log_zone(entry, FALLBACK_ZONE)
    local = entry.at.astimezone(ZoneInfo(zone))
    return local.strftime("%Y-%m-%d %H:%M:%S"), f"{zone_abbreviation(zone, entry.at)} ({zone})"


class AccessLogView(ScopedViewMixin, ListView):
    model = AccessLogEntry
    template_name = "cameras/accesslog_list.html"
    context_object_name = "entries"
    paginate_by = 100

    def get_queryset(self) -> QuerySet[AccessLogEntry]:
        self.filter, rows = log_rows(self.request)
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filter
        context["rows"] = [(entry, *local_time(entry), reason_label(entry.reason)) for entry in context["entries"]]
        return context


class _Echo:
    def write(self, value: str) -> str:
        return value


class AccessLogExportView(LoginRequiredMixin, View):
    """The filtered log as CSV for Excel: UTF-8 with a BOM, local times with their zone named."""

    def get(self, request: HttpRequest) -> StreamingHttpResponse:
        _filter, rows = log_rows(request)
        writer = csv.writer(_Echo())

        def lines() -> Iterator[str]:
            yield BOM + writer.writerow([
                _("Time"), _("Time zone"), _("Time (UTC)"), _("User"), _("Unit"), _("Owning agency"), _("Camera"),
                _("Snapshot"), _("Grant letter"), _("Action"), _("Allowed"), _("Reason"), _("IP address"),
            ])
            for entry in rows.iterator(chunk_size=2000):
                when, zone = local_time(entry)
                yield writer.writerow([
                    when, zone, entry.at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"), entry.username,
                    entry.unit.name if entry.unit else "", entry.agency.name if entry.agency else "",
                    entry.camera_name, entry.snapshot_id or "", entry.grant.letter_number if entry.grant else "",
                    entry.get_action_display(), _("yes") if entry.allowed else _("no"), reason_label(entry.reason),
                    entry.ip_address or "",
                ])

        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
        return response
