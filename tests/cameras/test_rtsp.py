"""RTSP through OpenCV's FFmpeg backend against a real RTSP camera on loopback: GStreamer's RTSP
server (tests/cameras/rtsp_source.py, under Debian's system Python) streaming a test pattern."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cameras import choices
from cameras.analysis.frames import read_frame
from cameras.models import Camera
from cameras.polling.fetch import FetchError, FetchLimits, fetch_frame_now
from tests.cameras.polling_helpers import poll_round, register
from tests.live_servers import free_port

SYSTEM_PYTHON = "/usr/bin/python3"
SOURCE = Path(__file__).with_name("rtsp_source.py")


@pytest.fixture(scope="module")
def rtsp_url() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen([SYSTEM_PYTHON, str(SOURCE), str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        line = server.stdout.readline().strip()
        assert line == "ready", f"the RTSP source did not start: {line} {server.stderr.read() if server.stderr else ''}"
        yield f"rtsp://127.0.0.1:{port}/live"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_frame_is_fetched_from_an_rtsp_source(rtsp_url: str) -> None:
    camera = Camera(source_kind=choices.SourceKind.RTSP, url=rtsp_url)
    reading = read_frame(fetch_frame_now(camera, FetchLimits(timeout_s=10, max_bytes=8 * 1024 * 1024)))
    assert (reading.width, reading.height) == (640, 360)


def test_a_closed_rtsp_port_is_offline() -> None:
    camera = Camera(source_kind=choices.SourceKind.RTSP, url=f"rtsp://127.0.0.1:{free_port()}/live")
    with pytest.raises(FetchError) as caught:
        fetch_frame_now(camera, FetchLimits(timeout_s=3, max_bytes=1024 * 1024))
    assert caught.value.kind in ("offline", "timeout")


@pytest.mark.django_db(transaction=True)
def test_an_rtsp_camera_is_polled_and_judged_by_the_worker(world: Any, rtsp_url: str, celery_worker: Any) -> None:
    camera = register(world.polres_a, "RTSP", rtsp_url, kind=choices.SourceKind.RTSP)
    poll_round([camera.pk])
    camera.refresh_from_db()
    assert camera.last_seen_at is not None, camera.last_error
    assert camera.status not in ("unknown", "offline", "invalid")
    assert camera.health["status"] == camera.status
