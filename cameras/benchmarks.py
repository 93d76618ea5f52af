"""Benchmarks of the cameras app, run by ``manage.py bench NAME``.

``cameras``: N simulated 1080p cameras polled end to end (fetch over HTTP, decode, analyse, results
stored) by real Celery workers through a real Redis broker, in a throwaway database; then, on the
same frames, how many frames per second this machine can only decode and analyse with all its
cores. ``ratio`` is the first over the second.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from argparse import ArgumentParser
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from celery import current_app as app
from celery.result import AsyncResult
from django.conf import settings
from django.core.management import CommandError
from django.db import connection
from django.utils import timezone

from cameras import choices
from cameras.actions.evidence import do_store_snapshot
from cameras.analysis.frames import read_frame
from cameras.models import Camera, Snapshot
from cameras.polling import cycle
from cameras.simulator.scenes import SCENE_VARIANTS, scene_variant
from cameras.tasks import poll_batch
from opsroom.launch import embedded_redis
from sites import actions as site_actions
from sites import choices as site_choices
from sites.benchmarks import Say, percentile, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 300.0
_LISTENING = re.compile(r"Camera simulator: (http://\S+) serving")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def process(args: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        child = subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                 start_new_session=True)
    try:
        yield child
    finally:
        if child.poll() is None:
            os.killpg(child.pid, 15)
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, 9)
            child.wait()


def wait_for(pattern: re.Pattern[str], log: Path, child: subprocess.Popen[bytes], what: str) -> re.Match[str]:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        found = pattern.search(log.read_text(errors="replace"))
        if found:
            return found
        if child.poll() is not None:
            raise CommandError(f"{what} exited while starting:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    raise CommandError(f"{what} did not start within {START_TIMEOUT_S:.0f} s")


def register_cameras(count: int, base_url: str, width: int) -> list[int]:
    """N cameras on the simulator, each with its street's reference frame (one stored file per street,
    shared by the rows, as an import of many cameras of one model would not be)."""
    polda = site_actions.do_create_unit(None, name="Polda Bench", kind=site_choices.UnitKind.POLDA)
    polres = site_actions.do_create_unit(None, name="Polres Bench", kind=site_choices.UnitKind.POLRES, parent=polda)
    ids = [f"cam-{number:0{width}d}" for number in range(1, count + 1)]
    Camera.objects.bulk_create(
        [Camera(unit=polres, name=f"Bench {sim_id}", source_kind=choices.SourceKind.HTTP_JPEG,
                url=f"{base_url}/cam/{sim_id}/snapshot.jpg", poll_interval_s=0) for sim_id in ids],
        batch_size=1000,
    )
    cameras = list(Camera.objects.order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    stored: dict[int, Snapshot] = {}
    rows = []
    for pk, sim_id in zip(cameras, ids, strict=True):
        variant = scene_variant(sim_id)
        if variant not in stored:
            with urllib.request.urlopen(f"{base_url}/cam/{sim_id}/reference.jpg", timeout=30) as response:  # noqa: S310
                stored[variant] = do_store_snapshot(Camera.objects.get(pk=pk), response.read(),
                                                    reason=choices.SnapshotReason.REFERENCE, captured_at=now)
            continue
        model = stored[variant]
        rows.append(Snapshot(camera_id=pk, captured_at=now, reason=model.reason, image=model.image.name,
                             thumbnail=model.thumbnail.name, sha256=model.sha256, size_bytes=model.size_bytes,
                             width=model.width, height=model.height, camera_status=model.camera_status,
                             retain_until=model.retain_until))
    Snapshot.objects.bulk_create(rows, batch_size=1000)
    return cameras


def _decode_and_analyse(frames: list[bytes]) -> int:
    for data in frames:
        read_frame(data)
    return len(frames)


def ceiling(frames: list[bytes], seconds: float) -> float:
    """Frames per second that all cores decode and analyse, the frames already in memory."""
    workers = os.cpu_count() or 1
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_decode_and_analyse, [frames[:2]] * workers))  # start the processes first
        done = 0
        started = time.perf_counter()
        while time.perf_counter() - started < seconds:
            done += sum(pool.map(_decode_and_analyse, [frames] * workers))
        return done / (time.perf_counter() - started)


class CamerasBenchmark:
    help = "Poll N simulated 1080p cameras end to end through Celery; compare with bare decode+analyse."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--cameras", type=int, default=1000, help="How many cameras (default 1000)")
        parser.add_argument("--seconds", type=float, default=30.0, help="Measured polling window (default 30)")
        parser.add_argument("--workers", type=int, default=1, help="Celery worker processes (default 1)")
        # One process per core: with the fetch session kept between batches a process seldom waits,
        # and a third process on 2 cores only adds switching (10,000 cameras, 60 s: 2 processes
        # 663-667 checks/s, 3 processes 640-647).
        parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2,
                            help="Pool processes per worker (default: the number of cores)")
        parser.add_argument("--batch-size", type=int, default=settings.CAMERA_POLL_BATCH_SIZE)
        parser.add_argument("--resolution", default="1920x1080")

    def run(self, options: dict[str, Any], say: Say) -> dict[str, float | int]:
        count, seconds = options["cameras"], options["seconds"]
        if count < 1 or seconds <= 0 or options["workers"] < 1 or options["batch_size"] < 1:
            raise CommandError("--cameras, --workers and --batch-size must be >= 1 and --seconds > 0")
        with contextlib.ExitStack() as stack:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-cameras-")))
            redis_url = stack.enter_context(embedded_redis(free_port(), workdir / "redis", False))
            stack.enter_context(throwaway_database(say))
            app.conf.update(broker_url=redis_url, result_backend=redis_url)
            env = dict(os.environ, REDIS_URL=redis_url, DATABASE_URL=f"sqlite:///{connection.settings_dict['NAME']}",
                       MEDIA_ROOT=str(workdir / "media"), PYTHONUNBUFFERED="1",
                       OPSROOM_CAMERA_POLL_BATCH_SIZE=str(options["batch_size"]))
            if connection.vendor != "sqlite":
                raise CommandError("bench cameras runs on the embedded SQLite database")
            stack.enter_context(settings_media(workdir / "media"))

            started = time.monotonic()
            sim_log = workdir / "simulator.log"
            simulator = stack.enter_context(process(
                [sys.executable, "manage.py", "camera_simulator", "--port", "0", "--cameras", f"healthy:{count}",
                 "--resolution", options["resolution"]], env, sim_log))
            base_url = wait_for(_LISTENING, sim_log, simulator, "The camera simulator").group(1)
            say(f"simulator: {count} cameras at {options['resolution']} ready in {time.monotonic() - started:.1f} s")
            camera_ids = register_cameras(count, base_url, max(5, len(str(count))))
            queue = f"cameras-bench-{os.getpid()}"
            for number in range(options["workers"]):
                log = workdir / f"worker-{number}.log"
                worker = stack.enter_context(process(
                    [sys.executable, "-m", "celery", "-A", "opsroom", "worker", "-Q", queue, "-P", "prefork",
                     "--concurrency", str(options["concurrency"]), "-n", f"bench{number}-{os.getpid()}@localhost",
                     "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
                    env, log))
                self._wait_for_worker(app, f"bench{number}-{os.getpid()}@localhost", worker, log)
            say(f"{options['workers']} worker(s) x {options['concurrency']} processes on queue {queue}; "
                f"batches of {options['batch_size']}")
            checks, latencies = self._poll(camera_ids, queue, options, seconds, say)
            checks_per_s = checks / seconds
            frames = self._frames(base_url, count)
        # Simulator and workers are gone: the ceiling is measured on an otherwise idle machine.
        ceiling_per_s = ceiling(frames, min(max(seconds / 2, 3.0), 15.0))
        say(f"ceiling: {ceiling_per_s:.1f} frames/s decoded and analysed on {os.cpu_count()} cores")
        return {
            "cameras": count,
            "checks_per_s": round(checks_per_s, 1),
            "p95_ms": round(percentile(latencies, 95)) if latencies else 0,
            "ceiling_per_s": round(ceiling_per_s, 1),
            "ratio": round(checks_per_s / ceiling_per_s, 3) if ceiling_per_s else 0.0,
        }

    def _wait_for_worker(self, app: Any, nodename: str, worker: subprocess.Popen[bytes], log: Path) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not app.control.ping(destination=[nodename], timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                raise CommandError(f"The Celery worker did not start:\n{log.read_text(errors='replace')[-2000:]}")

    def _poll(self, camera_ids: list[int], queue: str, options: dict[str, Any], seconds: float,
              say: Say) -> tuple[int, list[float]]:
        """Keep the workers fed with leased batches (as beat does, but without waiting for its tick)
        and count the checks whose results were stored within the window."""
        in_flight_max = max(2, options["workers"] * options["concurrency"] * 2)
        # Few cameras: smaller batches, so that every pool process has one to work on.
        batch_size = max(1, min(options["batch_size"], len(camera_ids) // in_flight_max))
        pending: list[AsyncResult] = []
        checks, latencies = 0, list[float]()
        phases: Counter[str] = Counter()
        batches = 0
        warmup_end = time.monotonic() + min(10.0, seconds)
        window_start: float | None = None
        total = 0
        while True:
            now = time.monotonic()
            # Measure the steady state: every camera's first check (its first status, announced
            # once when it is registered) falls in the warm-up.
            if window_start is None and now >= warmup_end and total >= len(camera_ids):
                window_start, checks, latencies = now, 0, list[float]()
                say("warm-up done; measuring")
            if window_start is not None and now - window_start >= seconds:
                break
            still = []
            for result in pending:
                if result.ready():
                    answer = result.get()
                    checks += answer["checked"]
                    total += answer["checked"]
                    latencies += answer["latencies_ms"]
                    if window_start is not None and answer["checked"]:
                        phases.update(answer["phases_ms"])
                        batches += 1
                else:
                    still.append(result)
            pending = still
            wanted = in_flight_max - len(pending)
            if wanted > 0:
                for token, ids in cycle.claim_batches(batch_size, 120, wanted):
                    pending.append(poll_batch.apply_async(args=(token, ids), queue=queue))
            # Beat hands out work every few seconds; this loop only needs to keep the workers fed.
            time.sleep(0.05)
        statuses = dict(Counter(Camera.objects.values_list("status", flat=True)))
        say(f"{total} checks in all, {checks} in the {seconds:g} s window; statuses now {statuses}")
        if batches:
            say("per batch (ms, mean): " + ", ".join(f"{name} {value / batches:.0f}" for name, value in phases.items()))
        for result in pending:
            with contextlib.suppress(Exception):
                result.forget()
        return checks, latencies

    def _frames(self, base_url: str, count: int) -> list[bytes]:
        """The distinct pictures the simulator served (every street, every step of its loop)."""
        frames: dict[bytes, None] = {}
        width = max(5, len(str(count)))
        for number in range(1, min(count, SCENE_VARIANTS * 8) + 1):
            url = f"{base_url}/cam/cam-{number:0{width}d}/snapshot.jpg"
            with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - the simulator's http URL
                frames[response.read()] = None
        return list(frames)


@contextlib.contextmanager
def settings_media(root: Path) -> Iterator[None]:
    from django.test import override_settings

    with override_settings(MEDIA_ROOT=str(root)):
        yield


BENCHMARKS = {"cameras": CamerasBenchmark}
