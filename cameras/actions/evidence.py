"""Storing snapshots: masks burned in first, SHA-256 of exactly the stored bytes, never changed afterwards."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from cameras import choices, imaging
from cameras.models import Camera, Snapshot


def retention_for(reason: str) -> dt.timedelta:
    """How long a snapshot is kept: incident evidence longer than routine captures."""
    days = settings.SNAPSHOT_RETENTION_DAYS_INCIDENT if reason == choices.SnapshotReason.INCIDENT \
        else settings.SNAPSHOT_RETENTION_DAYS
    return dt.timedelta(days=days)


def do_store_snapshot(
    camera: Camera,
    data: bytes,
    *,
    reason: str,
    captured_at: dt.datetime,
    requested_by: Any = None,
    requested_for: str = "",
) -> Snapshot:
    """Mask, encode, hash and store one frame. Raises cameras.analysis.frames.InvalidFrame for bad bytes."""
    image = imaging.masked(data, camera.masks)
    name = f"{camera.pk}-{captured_at:%Y%m%dT%H%M%S}-{image.sha256[:16]}.jpg"
    snapshot = Snapshot(
        camera=camera,
        captured_at=captured_at,
        reason=reason,
        sha256=image.sha256,
        size_bytes=len(image.jpeg),
        width=image.width,
        height=image.height,
        camera_status=camera.status,
        masks_applied=camera.masks,
        requested_by=requested_by,
        requested_for=requested_for,
        retain_until=captured_at + retention_for(reason),
    )
    with transaction.atomic():
        # FileField.save would save the model once per file; write the files, then insert once.
        snapshot.image.save(name, ContentFile(image.jpeg), save=False)
        snapshot.thumbnail.save(name, ContentFile(image.thumbnail), save=False)
        snapshot.save(force_insert=True)
    return snapshot
