"""Two real Celery worker processes share one set of cameras: racing claimers and redelivered batches
never get a camera checked twice in a cycle."""

from __future__ import annotations

import sys
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cameras.models import Camera
from cameras.polling import cycle
from cameras.tasks import poll_batch
from opsroom.celery import app
from tests.cameras.conftest import SimulatorServer
from tests.cameras.polling_helpers import HEALTHY_IDS, register
from tests.live_servers import spawn, stop, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

SHARD_QUEUE = f"cameras-shard-{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="module")
def two_workers(live_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Path]]:
    """Two worker processes listening on one shard's queue (as two machines of one region would)."""
    started = []
    for number in (1, 2):
        nodename = f"shard{number}-{uuid.uuid4().hex[:6]}@localhost"
        log = tmp_path_factory.mktemp(f"shard{number}") / "worker.log"
        process = spawn([sys.executable, "-m", "celery", "-A", "opsroom", "worker", "-Q", SHARD_QUEUE, "-P", "threads",
                         "--concurrency", "2", "-n", nodename, "--loglevel", "INFO", "--without-gossip",
                         "--without-mingle"], live_env, log)
        wait_until(lambda n=nodename: bool(app.control.ping(destination=[n], timeout=0.5)), process,
                   f"Worker {number}", log)
        started.append((process, log))
    try:
        yield [log for _, log in started]
    finally:
        for process, _ in started:
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
