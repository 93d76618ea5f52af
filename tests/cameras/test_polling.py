"""Polling through the real Celery worker against the simulator over HTTP: every behaviour ends in its
status after the hysteresis polls, with spans, announcements and snapshots on the transitions."""

from __future__ import annotations

import hashlib
import time
from typing import Any

import pytest

from cameras import choices
from cameras.models import Camera, CameraStatusSpan, Snapshot
from cameras.tasks import capture_snapshot, enqueue_due
from opsroom.models import LiveEvent
from tests.cameras.conftest import SimulatorServer
from tests.cameras.polling_helpers import healthy_twin, poll_round, register, store_reference

pytestmark = pytest.mark.django_db(transaction=True)

# Simulated camera -> the status it must reach once its fault lasts.
FAULTS = {
    "covered": "covered",
    "dark": "dark",
    "overexposed": "overexposed",
    "blurred": "blurred",
    "frozen": "frozen",
    "moved": "moved",
    "offline": "offline",
    "corrupt": "invalid",
    "wrong_type": "invalid",
    "endless": "invalid",
    "huge": "invalid",
    "bomb": "invalid",
}
# Simulated cameras whose pictures the analysis reads as another status than FAULTS says: none since
# the analysis ignores the DVR overlay and the simulator's cover is a near-uniform picture.
SIMULATOR_MISMATCH: dict[str, str] = {}


def statuses(cameras: dict[str, Camera]) -> dict[str, str]:
    fresh = {c.pk: c.status for c in Camera.objects.filter(pk__in=[c.pk for c in cameras.values()])}
    return {name: fresh[camera.pk] for name, camera in cameras.items()}


def test_each_fault_becomes_its_status_after_the_hysteresis_polls(
    world: Any, simulator: SimulatorServer, celery_worker: Any
) -> None:
    # Each camera first watches a healthy street (the same street as its faulty twin), then its
    # URL is switched to the faulty camera: the fault must last before the status follows.
    cameras = {
        name: register(world.polres_a, f"Kamera {name}", simulator.snapshot_url(healthy_twin(name)),
                       site=world.site_a)
        for name in FAULTS
    }
    for name, camera in cameras.items():
        store_reference(camera, simulator, name)
    ids = [camera.pk for camera in cameras.values()]
    for _ in range(2):
        results = poll_round(ids)
        assert sum(result["checked"] for result in results) == len(ids)
    assert set(statuses(cameras).values()) == {"online"}

    for name, camera in cameras.items():
        Camera.objects.filter(pk=camera.pk).update(url=simulator.snapshot_url(name))
    for _ in range(2):
        poll_round(ids)
        assert set(statuses(cameras).values()) == {"online"}, "a status changed before the fault lasted"
    for _ in range(3):
        poll_round(ids)
    assert statuses(cameras) == FAULTS | SIMULATOR_MISMATCH

    for name, camera in cameras.items():
        spans = list(CameraStatusSpan.objects.filter(camera=camera).order_by("started_at"))
        expected = SIMULATOR_MISMATCH.get(name, FAULTS[name])
        if expected == "online":
            continue
        assert [span.status for span in spans] == ["online", expected]
        assert spans[0].ended_at == spans[1].started_at and spans[1].ended_at is None
        announced = [event.payload for event in LiveEvent.objects.filter(kind="camera.status")
                     if event.payload["id"] == camera.pk]
        assert [(event["previous"], event["status"]) for event in announced] == [
            ("unknown", "online"), ("online", expected)
        ]
    camera = Camera.objects.get(pk=cameras["offline"].pk)
    assert camera.last_error.startswith("offline:")
    assert "60000x60000" in Camera.objects.get(pk=cameras["bomb"].pk).last_error
    assert Camera.objects.get(pk=cameras["endless"].pk).last_error.startswith("too_large:")


@pytest.mark.parametrize("behaviour", ["covered", "blurred"])
def test_simulated_covered_and_blurred_pictures_read_as_such(behaviour: str) -> None:
    from cameras.analysis.frames import read_frame
    from cameras.analysis.verdicts import judge
    from cameras.simulator.scenes import Behaviour, Resolution, render_bank, scene_variant

    resolution = Resolution(640, 360)
    bank = render_bank({(Behaviour(behaviour), resolution)})
    reference = read_frame(bank.references[(resolution, scene_variant(behaviour))])
    frame = read_frame(bank.loop(Behaviour(behaviour), resolution, scene_variant(behaviour))[0])
    assert judge(frame, reference=reference).verdict == behaviour


def test_transitions_store_snapshots_whose_sha256_matches_the_file(
    world: Any, simulator: SimulatorServer, celery_worker: Any
) -> None:
    camera = register(world.polres_a, "Gudang KPU 1", simulator.snapshot_url(healthy_twin("dark")))
    store_reference(camera, simulator, "dark")
    poll_round([camera.pk])
    Camera.objects.filter(pk=camera.pk).update(url=simulator.snapshot_url("dark"))
    for _ in range(3):
        poll_round([camera.pk])
    snapshot = Snapshot.objects.get(camera=camera, reason=choices.SnapshotReason.TRANSITION)
    assert snapshot.camera_status == "dark"
    with snapshot.image.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == snapshot.sha256
    assert len(data) == snapshot.size_bytes


def test_first_good_frame_becomes_the_reference_and_moved_is_judged_against_it(
    world: Any, simulator: SimulatorServer, celery_worker: Any
) -> None:
    camera = register(world.polres_a, "Perempatan", simulator.snapshot_url(healthy_twin("moved")))
    poll_round([camera.pk])
    assert Snapshot.objects.filter(camera=camera, reason=choices.SnapshotReason.REFERENCE).count() == 1
    Camera.objects.filter(pk=camera.pk).update(url=simulator.snapshot_url("moved"))
    for _ in range(3):
        poll_round([camera.pk])
    assert Camera.objects.get(pk=camera.pk).status == "moved"


def test_mjpeg_camera_is_polled(world: Any, simulator: SimulatorServer, celery_worker: Any) -> None:
    camera = register(world.polres_a, "MJPEG", simulator.stream_url("healthy"), kind=choices.SourceKind.MJPEG)
    poll_round([camera.pk])
    camera.refresh_from_db()
    assert camera.status == "online" and camera.last_seen_at is not None
    assert camera.next_poll_at > camera.last_checked_at and camera.lease_token == ""


def test_beat_task_enqueues_due_cameras_and_skips_disabled_ones(
    world: Any, simulator: SimulatorServer, celery_worker: Any
) -> None:
    polled = [register(world.polres_a, f"Kamera {n}", simulator.snapshot_url(f"cam-{n:05d}")) for n in (1, 2, 3)]
    disabled = register(world.polres_a, "Mati", simulator.snapshot_url("healthy"), enabled=False)
    enqueue_due.delay()
    deadline = time.monotonic() + 120
    while Camera.objects.filter(pk__in=[c.pk for c in polled], last_checked_at__isnull=True).exists():
        assert time.monotonic() < deadline, "the beat task's batches were not polled"
        time.sleep(0.2)
    assert Camera.objects.get(pk=disabled.pk).last_checked_at is None
    assert set(Camera.objects.filter(pk__in=[c.pk for c in polled]).values_list("status", flat=True)) == {"online"}


def test_a_redelivered_batch_checks_nothing_twice(world: Any, simulator: SimulatorServer, celery_worker: Any) -> None:
    from cameras.polling import cycle
    from cameras.tasks import poll_batch

    camera = register(world.polres_a, "Sekali", simulator.snapshot_url("healthy"))
    token, ids = cycle.claim_due(10, 120)
    first = poll_batch.delay(token, ids).get(timeout=60)
    again = poll_batch.delay(token, ids).get(timeout=60)
    assert first["camera_ids"] == [camera.pk] and again["checked"] == 0


def test_capture_snapshot_task_stores_a_frame_for_an_incident(
    world: Any, simulator: SimulatorServer, celery_worker: Any
) -> None:
    camera = register(world.polres_a, "Bukti", simulator.snapshot_url("healthy"))
    answer = capture_snapshot.delay(camera.pk, choices.SnapshotReason.INCIDENT, "incident:7").get(timeout=60)
    snapshot = Snapshot.objects.get(pk=answer["snapshot_id"])
    assert snapshot.reason == "incident" and snapshot.requested_for == "incident:7"
    offline = register(world.polres_a, "Putus", simulator.snapshot_url("offline"))
    answer = capture_snapshot.delay(offline.pk, choices.SnapshotReason.INCIDENT, "incident:7").get(timeout=60)
    assert answer["stored"] is False and answer["failure"] == "offline"
