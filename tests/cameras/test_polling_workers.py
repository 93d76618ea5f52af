"""Two real Celery worker processes share one set of cameras: racing claimers and redelivered batches
never get a camera checked twice in a cycle. A polling network's cameras go to its own queue, and
only a worker inside that network (consuming the queue) checks them."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from cameras import choices
from cameras.models import Camera, Snapshot
from cameras.polling import cycle
from cameras.polling.fetch import FAILURE_LABELS, FailureKind
from cameras.tasks import enqueue_due, poll_batch, queue_for
from opsroom.celery import app
from tests.cameras.conftest import SimulatorServer
from tests.cameras.polling_helpers import HEALTHY_IDS, polled_in, register
from tests.live_servers import CeleryWorker, spawn, stop, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

SHARD_QUEUE = f"cameras-shard-{uuid.uuid4().hex[:6]}"
# A polling network ("east", made unique to this run): its worker consumes cameras.<EAST> only.
EAST = f"east-{uuid.uuid4().hex[:6]}"


def start_worker(queue: str, name: str, env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
                 ) -> tuple[subprocess.Popen[bytes], Path]:
    nodename = f"{name}-{uuid.uuid4().hex[:6]}@localhost"
    log = tmp_path_factory.mktemp(name) / "worker.log"
    process = spawn([sys.executable, "-m", "celery", "-A", "opsroom", "worker", "-Q", queue, "-P", "threads",
                     "--concurrency", "2", "-n", nodename, "--loglevel", "INFO", "--without-gossip",
                     "--without-mingle"], env, log)
    wait_until(lambda: bool(app.control.ping(destination=[nodename], timeout=0.5)), process, f"Worker {name}", log)
    return process, log


@pytest.fixture(scope="module")
def two_workers(live_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Path]]:
    """Two worker processes listening on one shard's queue (as two machines of one region would)."""
    started = []
    try:
        for number in (1, 2):
            started.append(start_worker(SHARD_QUEUE, f"shard{number}", live_env, tmp_path_factory))
        yield [log for _, log in started]
    finally:
        for process, _ in started:
            stop(process)


@pytest.fixture(scope="module")
def east_worker(live_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A worker inside the east network, as started there with ``-Q cameras.<EAST>``: its log."""
    process, log = start_worker(queue_for(EAST), "east", live_env, tmp_path_factory)
    try:
        yield log
    finally:
        stop(process)


def test_two_workers_never_check_a_camera_twice_in_a_cycle(
    world: Any, simulator: SimulatorServer, two_workers: list[Path]
) -> None:
    cameras = [register(world.polres_a, f"Kota {n}", simulator.snapshot_url(HEALTHY_IDS[n % len(HEALTHY_IDS)]))
               for n in range(40)]
    batches: list[tuple[str, list[int]]] = []
    lock = threading.Lock()

    def beat() -> None:  # two beats racing for the same due cameras
        from django.db import connection

        try:
            for _ in range(10):
                claimed = cycle.claim_batches(3, 120, 100)
                with lock:
                    batches.extend(claimed)
        finally:
            connection.close()

    racers = [threading.Thread(target=beat) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    claimed = Counter(camera_id for _, ids in batches for camera_id in ids)
    assert set(claimed) == {camera.pk for camera in cameras} and set(claimed.values()) == {1}

    # Every batch sent twice, as a broker redelivers the task of a worker that died before its ack.
    results = [poll_batch.apply_async(args=(token, ids), queue=SHARD_QUEUE) for token, ids in batches for _ in "ab"]
    answers = [result.get(timeout=120) for result in results]
    checked = Counter(camera_id for answer in answers for camera_id in answer["camera_ids"])
    assert checked == Counter({camera.pk: 1 for camera in cameras})
    for camera in Camera.objects.filter(pk__in=[c.pk for c in cameras]):
        # Each check of a healthy frame is one learned sample: exactly one per camera.
        assert sum(hour["samples"] for hour in camera.health["hours"].values()) == 1
        assert camera.status == "online" and camera.lease_token == ""
    logs = [log.read_text(errors="replace") for log in two_workers]
    assert all("cameras.poll_batch" in text for text in logs), "both workers took part"


def test_an_expired_lease_makes_the_camera_due_again(world: Any, simulator: SimulatorServer) -> None:
    import datetime as dt

    from django.utils import timezone

    camera = register(world.polres_a, "Crash", simulator.snapshot_url("healthy"))
    assert cycle.claim_due(10, 120)[1] == [camera.pk]
    assert cycle.claim_due(10, 120)[1] == []  # leased: nobody else gets it
    later = timezone.now() + dt.timedelta(seconds=121)  # the worker holding it died
    assert cycle.claim_due(10, 120, now=later)[1] == [camera.pk]


def test_each_polling_network_is_checked_only_by_its_own_worker(
    world: Any, simulator: SimulatorServer, celery_worker: CeleryWorker, east_worker: Path
) -> None:
    central_since, east_since = celery_worker.log.stat().st_size, east_worker.stat().st_size
    central = [register(world.polres_a, f"Pusat {n}", simulator.snapshot_url(HEALTHY_IDS[n])) for n in range(3)]
    east = [register(world.polres_a, f"Timur {n}", simulator.snapshot_url(HEALTHY_IDS[n + 3]), poll_queue=EAST)
            for n in range(3)]
    expected_central = Counter({camera.pk: 1 for camera in central})
    expected_east = Counter({camera.pk: 1 for camera in east})

    enqueue_due.delay()  # as beat sends it: run by the central (cameras) worker
    deadline = time.monotonic() + 120
    while (polled_in(celery_worker.log, central_since) != expected_central
           or polled_in(east_worker, east_since) != expected_east):
        assert time.monotonic() < deadline, (polled_in(celery_worker.log, central_since),
                                             polled_in(east_worker, east_since))
        time.sleep(0.2)
    for camera in Camera.objects.filter(pk__in=[*expected_central, *expected_east]):
        assert camera.status == "online" and camera.lease_token == ""
    # Nothing more came late: each camera was checked once, by the worker of its own network.
    time.sleep(1)
    assert polled_in(celery_worker.log, central_since) == expected_central
    assert polled_in(east_worker, east_since) == expected_east


def test_one_run_shares_its_batches_among_the_polling_networks(world: Any) -> None:
    now = timezone.now()
    central = [register(world.polres_a, f"Pusat {n}", "http://127.0.0.1:9/a.jpg") for n in range(6)]
    east = [register(world.polres_a, f"Timur {n}", "http://127.0.0.1:9/a.jpg", poll_queue="east") for n in range(6)]
    # The central network has waited longer and has enough due for the whole budget on its own.
    Camera.objects.filter(pk__in=[c.pk for c in central]).update(next_poll_at=now - dt.timedelta(minutes=10))
    Camera.objects.filter(pk__in=[c.pk for c in east]).update(next_poll_at=now - dt.timedelta(minutes=1))
    central_ids, east_ids = {c.pk for c in central}, {c.pk for c in east}

    batches = cycle.claim_across_queues(2, 120, 3, now)  # 6 batches are due; 3 may go out
    assert [queue for queue, _, _ in batches] == ["", "east", ""]
    for queue, _token, ids in batches:
        assert len(ids) == 2 and set(ids) <= (east_ids if queue == "east" else central_ids)

    # The next runs hand out the rest, each camera once; a plain claim takes only the default network.
    rest = cycle.claim_across_queues(2, 120, 3, now) + cycle.claim_across_queues(2, 120, 3, now)
    claimed = Counter(camera_id for _, _, ids in [*batches, *rest] for camera_id in ids)
    assert claimed == Counter({pk: 1 for pk in central_ids | east_ids})
    assert cycle.claim_across_queues(2, 120, 3, now) == []

    later = now + dt.timedelta(seconds=121)  # every lease ran out
    assert set(cycle.claim_batches(50, 120, 10, later)[0][1]) == central_ids
    assert set(cycle.claim_due(50, 120, later, queue="east")[1]) == east_ids


def decoded(jpeg: bytes) -> Any:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def tasks_in(log: Path, task: str, since: int, expected: int) -> int:
    """How many ``task`` runs the worker writing ``log`` finished, from byte ``since`` on. The worker
    logs a task's end just after storing its result, so a caller holding the result waits for the line
    (up to 10 s) until ``expected`` are there."""
    deadline = time.monotonic() + 10
    while True:
        with log.open("rb") as text:
            text.seek(since)
            lines = text.read().decode(errors="replace").splitlines()
        count = sum(1 for line in lines if f"Task {task}[" in line and "] succeeded in " in line)
        if count >= expected or time.monotonic() > deadline:
            return count
        time.sleep(0.1)


def test_a_network_cameras_frame_and_capture_come_through_a_worker_of_its_network(
    world: Any, simulator: SimulatorServer, east_worker: Path
) -> None:
    """The web server cannot reach a camera inside a Polres network: its page's live frame and "capture
    now" are fetched by that network's worker, masks burned in there, and the capture names who asked."""
    camera = register(world.polres_a, "Timur Gerbang", simulator.snapshot_url(HEALTHY_IDS[0]), poll_queue=EAST,
                      masks=[[[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]]])
    client, since = world.client("ops_a"), east_worker.stat().st_size

    frame = client.get(reverse("cameras:frame", args=[camera.pk]))
    assert frame.status_code == 200 and frame["Content-Type"] == "image/jpeg"
    image = decoded(frame.content)
    height, width = image.shape[:2]
    assert image[: height // 2 - 4, : width // 2 - 4].max() < 20  # masked by the worker
    assert image[height // 2 + 4:, width // 2 + 4:].max() > 60  # the rest is the picture
    assert tasks_in(east_worker, "cameras.masked_frame", since, 1) == 1

    response = client.post(reverse("cameras:capture", args=[camera.pk]))
    assert response.status_code == 302
    snapshot = Snapshot.objects.get(camera=camera)
    assert (snapshot.reason, snapshot.requested_by) == (choices.SnapshotReason.MANUAL, world.users["ops_a"])
    assert tasks_in(east_worker, "cameras.capture_snapshot", since, 1) == 1
    with snapshot.image.open("rb") as stored:
        assert decoded(stored.read())[: height // 2 - 4, : width // 2 - 4].max() < 20


@override_settings(CAMERA_FETCH_TIMEOUT_S=1)
def test_a_network_with_no_worker_answers_503_and_stores_nothing(world: Any, simulator: SimulatorServer) -> None:
    camera = register(world.polres_a, "Barat Gerbang", simulator.snapshot_url(HEALTHY_IDS[1]),
                      poll_queue=f"west-{uuid.uuid4().hex[:6]}")
    client = world.client("ops_a")
    frame = client.get(reverse("cameras:frame", args=[camera.pk]))
    assert frame.status_code == 503
    assert str(FAILURE_LABELS[FailureKind.NO_WORKER]) in frame.content.decode()
    api = client.post(f"/api/cameras/{camera.pk}/capture/")
    assert api.status_code == 503 and not Snapshot.objects.filter(camera=camera).exists()
