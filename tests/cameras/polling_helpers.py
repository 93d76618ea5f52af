"""Helpers of the polling tests: registering cameras on the simulator and running polling rounds
through the real Celery worker."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path
from typing import Any

from django.utils import timezone

from cameras import choices
from cameras.actions.evidence import do_store_snapshot
from cameras.models import Camera
from cameras.polling import cycle
from cameras.simulator.scenes import scene_variant
from cameras.tasks import poll_batch
from tests.cameras.conftest import SimulatorServer

HEALTHY_IDS = [f"cam-{number:05d}" for number in range(1, 13)]
# What a worker logs when a poll_batch task ends (Celery's "Task NAME[ID] succeeded in Ts: RESULT").
_POLLED = re.compile(r"Task cameras\.poll_batch\[[^\]]+\] succeeded in [^:]+: .*'camera_ids': \[([0-9, ]*)\]")


def healthy_twin(camera_id: str) -> str:
    """A healthy simulated camera looking at the same street as ``camera_id``."""
    return next(twin for twin in HEALTHY_IDS if scene_variant(twin) == scene_variant(camera_id))


def register(unit: Any, name: str, url: str, kind: str = choices.SourceKind.HTTP_JPEG, **fields: Any) -> Camera:
    return Camera.objects.create(unit=unit, name=name, source_kind=kind, url=url, poll_interval_s=60, **fields)


def store_reference(camera: Camera, simulator: SimulatorServer, sim_id: str) -> None:
    import urllib.request

    with urllib.request.urlopen(simulator.reference_url(sim_id), timeout=10) as response:
        data = response.read()
    do_store_snapshot(camera, data, reason=choices.SnapshotReason.REFERENCE,
                      captured_at=timezone.now() - dt.timedelta(minutes=5))


def poll_round(camera_ids: list[int], *, batch_size: int = 50, queue: str | None = None) -> list[dict[str, Any]]:
    """Make the cameras due, lease them in batches and have the worker(s) check them; the tasks' results."""
    Camera.objects.filter(pk__in=camera_ids).update(next_poll_at=None)
    options = {"queue": queue} if queue else {}
    results = [poll_batch.apply_async(args=(token, ids), **options)
               for token, ids in cycle.claim_batches(batch_size, 120, 1000)]
    return [result.get(timeout=120) for result in results]


def polled_in(log: Path, since: int = 0) -> Counter[int]:
    """How often each camera was checked by the worker writing ``log``, from byte ``since`` on."""
    with log.open("rb") as text:
        text.seek(since)
        lines = text.read().decode(errors="replace").splitlines()
    return Counter(int(camera_id) for line in lines if (found := _POLLED.search(line))
                   for camera_id in found.group(1).split(",") if camera_id.strip())
