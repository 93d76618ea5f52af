"""Scoped reads for cameras: ``access_*`` return a row the user may see or the same 404 for missing and not-yours.

Looking at a camera's pictures is not a read of this kind: that goes through the logged gate,
``cameras.actions.viewing.open_camera``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from cameras.models import AccessGrant, AccessLogEntry, Camera
from cameras.uptime import DayUptime, uptime_by_day
from sites.queries import access_row

UPTIME_DAYS = 7


def access_grant(user: Any, grant_id: object) -> AccessGrant:
    rows = AccessGrant.objects.visible_to(user).select_related("unit", "agency", "requested_by", "decided_by",
                                                               "revoked_by")
    return access_row(rows, grant_id)


def access_listed_camera(user: Any, camera_id: object) -> Camera:
    """A registry row the user may know of (not permission to look at its pictures)."""
    return access_row(Camera.objects.listed_for(user).select_related("unit", "agency", "site"), camera_id)


def camera_zone(camera: Camera) -> str:
    """The zone a camera's times are shown in: its site's, or its unit's for a street camera."""
    return camera.site.time_zone if camera.site is not None else camera.unit.time_zone


def recent_uptime(camera: Camera, now: dt.datetime | None = None, days: int = UPTIME_DAYS) -> list[DayUptime]:
    """Uptime per day for the last ``days`` days (today included), in the camera's zone."""
    now = now or timezone.now()
    zone = camera_zone(camera)
    last_day = now.astimezone(ZoneInfo(zone)).date()
    first_day = last_day - dt.timedelta(days=days - 1)
    start = dt.datetime.combine(first_day, dt.time(), tzinfo=ZoneInfo(zone))
    spans = [
        (status, started, ended)
        for status, started, ended in camera.spans.exclude(ended_at__lte=start)
        .values_list("status", "started_at", "ended_at")
    ]
    return uptime_by_day(spans, first_day, last_day, zone, now)


def log_zone(entry: AccessLogEntry, fallback: str) -> str:
    """The zone of the camera an entry is about (entries whose camera is gone use ``fallback``)."""
    camera = entry.camera
    if camera is None:
        return fallback
    return camera_zone(camera)


def grant_zone(grant: AccessGrant) -> str:
    """A grant's times are read in the requesting unit's zone."""
    return grant.unit.time_zone
