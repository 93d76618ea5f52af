"""Storing snapshots: masks burned in first, SHA-256 of exactly the stored bytes, never changed afterwards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ProtectedError

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


PRUNE_BATCH = 500


@dataclass(frozen=True)
class PruneResult:
    deleted: int
    files: int
    kept: int  # past retention but still referenced (protected, e.g. as incident evidence)


def do_prune_snapshots(now: dt.datetime) -> PruneResult:
    """Delete the snapshots kept past their ``retain_until``: each row's delete commits only once its
    files are gone, and a row still referenced keeps its files."""
    due = Snapshot.objects.filter(retain_until__lte=now).order_by("pk")
    deleted = files = kept = 0
    last_pk = 0
    while batch := list(due.filter(pk__gt=last_pk)[:PRUNE_BATCH]):
        last_pk = batch[-1].pk
        for snapshot in batch:
            try:
                with transaction.atomic():
                    Snapshot.objects.filter(pk=snapshot.pk).delete()
                    files += _delete_files(snapshot)
                deleted += 1
            except ProtectedError:
                kept += 1
    return PruneResult(deleted, files, kept)


def _delete_files(snapshot: Snapshot) -> int:
    count = 0
    for field in (snapshot.image, snapshot.thumbnail):
        # A file already gone (an earlier run stopped half-way) is not an error.
        if field.name and field.storage.exists(field.name):
            field.storage.delete(field.name)
            count += 1
    return count
