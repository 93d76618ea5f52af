"""The camera simulator over real HTTP: an in-process server for the behaviours, and the management
command as a real subprocess (start, serve, stop on SIGINT)."""

from __future__ import annotations

import asyncio
import http.client
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from aiohttp import web

from cameras.simulator.scenes import BOMB_SIDE, FRAMES_PER_LOOP, HUGE_SIDE, Behaviour, Resolution, jpeg_segments
from cameras.simulator.server import HOST, MJPEG_BOUNDARY, CameraPlan, SimCamera, Timing, build_app

ROOT = Path(__file__).resolve().parents[2]
RESOLUTION = Resolution(640, 360)
SLOW_DELAY_S = 1.0
FRAME_INTERVAL_S = 0.2
PLAN = (
    ",".join(f"{behaviour.value}={behaviour.value}" for behaviour in Behaviour)
    + ",healthy-2=healthy,cam-a=healthy@320x240"
)


@pytest.fixture(scope="module")
def simulator() -> Iterator[str]:
    """The simulator app served by an aiohttp runner on its own event loop in a thread."""
    app = build_app(CameraPlan.from_spec(PLAN, RESOLUTION), Timing(SLOW_DELAY_S, FRAME_INTERVAL_S))
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, HOST, 0).start())
    port = runner.addresses[0][1]
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    yield f"http://{HOST}:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=5)
    loop.close()


def fetch(url: str, timeout: float = 5.0) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.headers["Content-Type"], response.read()


def snapshot(base: str, camera_id: str, timeout: float = 5.0) -> tuple[str, bytes]:
    return fetch(f"{base}/cam/{camera_id}/snapshot.jpg", timeout)


def decode(data: bytes) -> np.ndarray | None:
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def picture(base: str, camera_id: str) -> np.ndarray:
    content_type, body = snapshot(base, camera_id)
    assert content_type == "image/jpeg"
    image = decode(body)
    assert image is not None
    return image


def claimed_size(jpeg: bytes) -> tuple[int, int]:
    for marker, at in jpeg_segments(jpeg):
        if marker == 0xC0:
            return int.from_bytes(jpeg[at + 5 : at + 7], "big"), int.from_bytes(jpeg[at + 3 : at + 5], "big")
    raise AssertionError("no SOF0")


# --- the plan ------------------------------------------------------------------------------------


def test_plan_numbers_counted_cameras_and_keeps_named_ones() -> None:
    plan = CameraPlan.from_spec("healthy:2, dark:1, gate-1=frozen@1280x720", Resolution(1920, 1080))
    assert list(plan) == [
        SimCamera("gate-1", Behaviour.FROZEN, Resolution(1280, 720)),
        SimCamera("cam-00001", Behaviour.HEALTHY, Resolution(1920, 1080)),
        SimCamera("cam-00002", Behaviour.HEALTHY, Resolution(1920, 1080)),
        SimCamera("cam-00003", Behaviour.DARK, Resolution(1920, 1080)),
    ]


@pytest.mark.parametrize("spec", ["sparkly:3", "healthy", "a=healthy,a=dark", "bad id=healthy", "healthy:1@big"])
def test_plan_rejects_malformed_specs(spec: str) -> None:
    with pytest.raises(ValueError):
        CameraPlan.from_spec(spec, RESOLUTION)


# --- the behaviours over HTTP --------------------------------------------------------------------


def test_cameras_json_lists_every_camera_with_urls(simulator: str) -> None:
    content_type, body = fetch(f"{simulator}/cameras.json")
    assert content_type.startswith("application/json")
    cameras = {camera["id"]: camera for camera in json.loads(body)["cameras"]}
    assert len(cameras) == len(Behaviour) + 2
    assert cameras["dark"]["behaviour"] == "dark"
    assert cameras["cam-a"]["resolution"] == "320x240"
    assert cameras["dark"]["snapshot_url"] == f"{simulator}/cam/dark/snapshot.jpg"
    assert cameras["dark"]["stream_url"] == f"{simulator}/cam/dark/stream.mjpg"
    assert cameras["dark"]["reference_url"] == f"{simulator}/cam/dark/reference.jpg"


def test_unknown_camera_is_404(simulator: str) -> None:
    with pytest.raises(urllib.error.HTTPError) as caught:
        snapshot(simulator, "nobody")
    assert caught.value.code == 404


def test_healthy_frames_decode_and_change_over_time(simulator: str) -> None:
    first = picture(simulator, "healthy")
    assert first.shape == (RESOLUTION.height, RESOLUTION.width, 3)
    time.sleep(FRAME_INTERVAL_S * 1.5)
    second = picture(simulator, "healthy")
    assert np.abs(first.astype(int) - second.astype(int)).mean() > 1
    assert picture(simulator, "cam-a").shape == (240, 320, 3)


def test_reference_is_the_empty_street_of_the_camera(simulator: str) -> None:
    content_type, body = fetch(f"{simulator}/cam/moved/reference.jpg")
    reference = decode(body)
    assert content_type == "image/jpeg" and reference is not None
    healthy = picture(simulator, "healthy")
    moved = picture(simulator, "moved")
    # Both cameras' reference is a healthy street; the moved camera's view no longer matches it.
    healthy_reference = decode(fetch(f"{simulator}/cam/healthy/reference.jpg")[1])
    assert healthy_reference is not None
    assert (
        np.abs(healthy.astype(int) - healthy_reference.astype(int)).mean()
        < np.abs(moved.astype(int) - reference.astype(int)).mean()
    )


def test_a_frozen_camera_keeps_its_picture_while_its_clock_ticks(simulator: str) -> None:
    first = snapshot(simulator, "frozen")[1]
    time.sleep(FRAME_INTERVAL_S * 1.5)
    second = snapshot(simulator, "frozen")[1]
    assert second != first  # the DVR's clock moved on ...
    still, later = decode(first), decode(second)
    assert still is not None and later is not None
    differs = np.any(still != later, axis=2)
    rows, cols = np.nonzero(differs)
    assert rows.max() < still.shape[0] // 10 and cols.max() < still.shape[1] // 2  # ... and only it


def test_a_healthy_camera_never_sends_the_same_picture_twice_running(simulator: str) -> None:
    sent = [snapshot(simulator, "healthy")[1] for _ in range(FRAMES_PER_LOOP + 1)]  # at once, a whole loop
    assert all(a != b for a, b in itertools.pairwise(sent))


def test_lens_faults_change_the_picture(simulator: str) -> None:
    healthy = cv2.cvtColor(picture(simulator, "healthy"), cv2.COLOR_BGR2GRAY)
    dark = cv2.cvtColor(picture(simulator, "dark"), cv2.COLOR_BGR2GRAY)
    bright = cv2.cvtColor(picture(simulator, "overexposed"), cv2.COLOR_BGR2GRAY)
    covered = cv2.cvtColor(picture(simulator, "covered"), cv2.COLOR_BGR2GRAY)
    blurred = cv2.cvtColor(picture(simulator, "blurred"), cv2.COLOR_BGR2GRAY)
    body = (slice(40, None), slice(None))  # below the on-screen clock, which every camera keeps
    assert dark[body].mean() < 30 < healthy[body].mean() < 200 < bright[body].mean()
    assert covered[body].std() < 10 < healthy[body].std()
    sharpness = cv2.Laplacian(healthy[body], cv2.CV_64F).var()
    assert cv2.Laplacian(blurred[body], cv2.CV_64F).var() < sharpness / 5


def test_wrong_content_type_is_html(simulator: str) -> None:
    content_type, body = snapshot(simulator, "wrong_type")
    assert content_type.startswith("text/html")
    assert b"<html>" in body


def test_corrupt_jpeg_fails_to_decode(simulator: str) -> None:
    content_type, body = snapshot(simulator, "corrupt")
    assert content_type == "image/jpeg"
    assert body.startswith(b"\xff\xd8") and len(body) > 1000
    assert decode(body) is None


def test_bomb_claims_sixty_thousand_pixels_a_side_in_a_small_body(simulator: str) -> None:
    content_type, body = snapshot(simulator, "bomb")
    assert content_type == "image/jpeg"
    assert claimed_size(body) == (BOMB_SIDE, BOMB_SIDE)
    assert len(body) < 20_000


def test_huge_image_is_a_real_eight_thousand_pixel_jpeg(simulator: str) -> None:
    body = snapshot(simulator, "huge", timeout=30)[1]
    assert claimed_size(body) == (HUGE_SIDE, HUGE_SIDE)
    reduced = cv2.imdecode(np.frombuffer(body, np.uint8), cv2.IMREAD_REDUCED_COLOR_8)
    assert reduced.shape == (HUGE_SIDE // 8, HUGE_SIDE // 8, 3)


def test_endless_body_keeps_sending_until_the_client_hangs_up(simulator: str) -> None:
    limit = 8 * 1024 * 1024
    connection = http.client.HTTPConnection(simulator.removeprefix("http://"), timeout=5)
    try:
        connection.request("GET", "/cam/endless/snapshot.jpg")
        response = connection.getresponse()
        assert response.status == 200
        assert response.headers["Transfer-Encoding"] == "chunked"
        received = 0
        while received <= limit:
            chunk = response.read1(1 << 20)
            assert chunk, "the endless body ended"
            received += len(chunk)
    finally:
        connection.close()
    # The server is still well after the hang-up.
    assert decode(snapshot(simulator, "healthy")[1]) is not None


def test_never_answers_times_out(simulator: str) -> None:
    started = time.monotonic()
    with pytest.raises((TimeoutError, urllib.error.URLError)):
        snapshot(simulator, "never_answers", timeout=1.0)
    assert 0.9 < time.monotonic() - started < 3


def test_offline_camera_resets_the_connection(simulator: str) -> None:
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, urllib.error.URLError)):
        snapshot(simulator, "offline")


def test_slow_camera_answers_after_the_delay(simulator: str) -> None:
    started = time.monotonic()
    content_type, body = snapshot(simulator, "slow")
    assert time.monotonic() - started >= SLOW_DELAY_S
    assert content_type == "image/jpeg" and decode(body) is not None


def test_mjpeg_stream_yields_changing_parts(simulator: str) -> None:
    connection = http.client.HTTPConnection(simulator.removeprefix("http://"), timeout=5)
    try:
        connection.request("GET", "/cam/healthy/stream.mjpg")
        response = connection.getresponse()
        assert response.headers["Content-Type"] == f"multipart/x-mixed-replace; boundary={MJPEG_BOUNDARY}"
        parts = [read_part(response) for _ in range(3)]
    finally:
        connection.close()
    images = [decode(part) for part in parts]
    assert all(image is not None for image in images)
    assert len(set(parts)) >= 2


def read_part(response: http.client.HTTPResponse) -> bytes:
    assert response.readline() == f"--{MJPEG_BOUNDARY}\r\n".encode()
    headers = {}
    while (line := response.readline()) != b"\r\n":
        name, _, value = line.decode().partition(":")
        headers[name.strip().lower()] = value.strip()
    assert headers["content-type"] == "image/jpeg"
    body = response.read(int(headers["content-length"]))
    assert response.readline() == b"\r\n"
    return body


# --- the management command as a real process ----------------------------------------------------


def test_command_serves_until_sigint() -> None:
    process = subprocess.Popen(
        [sys.executable, "manage.py", "camera_simulator", "--port", "0", "--cameras", "healthy:2,frozen:1"],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "serving 3 cameras" in line, line + (process.stderr.read() if process.poll() is not None else "")
        base = line.split()[2]
        assert base.startswith(f"http://{HOST}:")
        cameras = json.loads(fetch(f"{base}/cameras.json")[1])["cameras"]
        assert [camera["behaviour"] for camera in cameras] == ["healthy", "healthy", "frozen"]
        image = picture(base, "cam-00001")
        assert image.shape == (1080, 1920, 3)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=10)
        assert process.returncode == 0, err
        assert "stopped" in out
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
