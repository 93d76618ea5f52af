"""One polling task's work: take the leased cameras, check them all, write the results."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone

from cameras.models import Camera
from cameras.polling.check import Target, check_all
from cameras.polling.cycle import new_token
from cameras.polling.fetch import FetchLimits
from cameras.polling.references import references_for
from cameras.polling.results import BatchReport, apply_outcomes
from cameras.secrets import CredentialsUnreadable, unseal


@dataclass
class BatchResult:
    """What a poll_batch task returns (JSON): counts, and each check's time from fetch to stored."""

    checked: int = 0
    transitions: int = 0
    snapshots: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    camera_ids: list[int] = field(default_factory=list)
    latencies_ms: list[int] = field(default_factory=list)
    # Where the batch's time went (wall clock): leasing and loading, fetch+decode+analyse, storing.
    phases_ms: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def target_of(camera: Camera) -> Target:
    try:
        credentials = unseal(camera.credentials)
    except CredentialsUnreadable:
        return Target(camera.pk, camera.source_kind, camera.url, None, unreadable=True)
    return Target(camera.pk, camera.source_kind, camera.url, credentials)


def poll_leased(token: str, camera_ids: list[int]) -> BatchResult:
    """Check the cameras of ``camera_ids`` still leased under ``token`` (a redelivered task whose
    cameras were already checked, or whose lease ran out and went to another worker, checks none)."""
    # Take the batch over under a token of this run: of two copies of one task running at once
    # (a redelivery), only the first conditional update finds the rows.
    mine = new_token()
    began = time.monotonic()
    now = timezone.now()
    Camera.objects.filter(pk__in=camera_ids, lease_token=token, lease_until__gt=now).update(
        lease_token=mine, lease_until=now + dt.timedelta(seconds=settings.CAMERA_POLL_LEASE_S)
    )
    cameras = list(
        # By primary key as well: lease_token has no index, and a scan of the table reads every
        # camera's health record.
        Camera.objects.filter(pk__in=camera_ids, lease_token=mine)
        .select_related("site", "unit")
        .order_by("pk")
    )
    if not cameras:
        return BatchResult()
    references = references_for([camera.pk for camera in cameras])
    loaded = time.monotonic()
    outcomes = check_all(
        [target_of(camera) for camera in cameras], FetchLimits.from_settings(), settings.CAMERA_POLL_CONCURRENCY
    )
    checked = time.monotonic()
    report: BatchReport = apply_outcomes(cameras, outcomes, references, timezone.now())
    done = time.monotonic()
    return BatchResult(
        checked=report.checked,
        transitions=report.transitions,
        snapshots=report.snapshots,
        statuses=report.statuses,
        camera_ids=[outcome.camera_id for outcome in outcomes],
        latencies_ms=[round((done - outcome.started) * 1000) for outcome in outcomes],
        phases_ms={"load": round((loaded - began) * 1000), "check": round((checked - loaded) * 1000),
                   "store": round((done - checked) * 1000)},
    )
