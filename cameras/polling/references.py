"""Each camera's reference frame, as the poller compares against it for "moved".

The reference is the camera's latest snapshot stored with reason ``reference``; its reading is
computed once per worker process and kept in a bounded cache keyed by the image's SHA-256 (so
cameras that share a picture share the reading, and a new reference is picked up at once).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.core.files.storage import default_storage

from cameras import choices
from cameras.analysis.frames import FrameReading, InvalidFrame, read_frame
from cameras.models import Snapshot

CACHE_SIZE = 4096  # readings of ~30 kB each: about 120 MB at most per worker process

_lock = threading.Lock()
_readings: OrderedDict[str, FrameReading] = OrderedDict()


def references_for(camera_ids: list[int]) -> dict[int, FrameReading]:
    """The reference reading of each camera that has a usable one (one query, files read once)."""
    latest: dict[int, tuple[str, str]] = {}
    rows = (
        Snapshot.objects.filter(camera_id__in=camera_ids, reason=choices.SnapshotReason.REFERENCE)
        .order_by("camera_id", "-captured_at", "-pk")
        .values_list("camera_id", "sha256", "image")
    )
    for camera_id, sha256, name in rows:
        latest.setdefault(camera_id, (sha256, name))
    found: dict[int, FrameReading] = {}
    for camera_id, (sha256, name) in latest.items():
        reading = _reading(sha256, name)
        if reading is not None:
            found[camera_id] = reading
    return found


def _reading(sha256: str, name: str) -> FrameReading | None:
    with _lock:
        if sha256 in _readings:
            _readings.move_to_end(sha256)
            return _readings[sha256]
    try:
        with default_storage.open(name, "rb") as handle:
            reading = read_frame(handle.read())
    except (OSError, InvalidFrame):
        # Gone past retention, or unreadable: judged without a reference, and not remembered, so
        # that another snapshot with the same picture is still read.
        return None
    with _lock:
        _readings[sha256] = reading
        while len(_readings) > CACHE_SIZE:
            _readings.popitem(last=False)
    return reading
