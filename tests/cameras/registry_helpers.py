"""Rows for the registry, import, mask and wall tests (the factories module is shared; these are ours)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cameras import choices
from cameras.models import AccessGrant, Camera

PASSWORD = "S3cret-camera-pass!"


def make_camera(world: Any, name: str, **fields: Any) -> Camera:
    defaults = {"unit": world.polres_a, "site": world.site_a, "source_kind": choices.SourceKind.HTTP_JPEG,
                "url": f"http://127.0.0.1:9/cam/{name}/snapshot.jpg"}
    return Camera.objects.create(name=name, **(defaults | fields))


def approved_grant(world: Any, cameras: list[Camera], **fields: Any) -> AccessGrant:
    now = timezone.now()
    defaults = {"agency": world.kpu_a, "unit": world.polres_a, "letter_number": "B/123/XI/2026",
                "letter_date": now.date(), "purpose": "Pengamanan gudang logistik",
                "valid_from": now - dt.timedelta(hours=1), "valid_until": now + dt.timedelta(days=7),
                "status": choices.GrantStatus.APPROVED}
    row = AccessGrant.objects.create(**(defaults | fields))
    row.requested_cameras.set(cameras)
    row.cameras.set(cameras)
    return row
