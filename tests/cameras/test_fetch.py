"""Fetching frames over real HTTP from the simulator: snapshots, MJPEG, credentials, and every way a
camera can misbehave answered with the right FetchError and without reading past the cap."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator

import cv2
import pytest
from aiohttp import web

from cameras.analysis.frames import InvalidFrame, read_frame
from cameras.choices import SourceKind
from cameras.polling.fetch import (
    FetchError,
    FetchLimits,
    fetch_frame,
    fetch_frame_now,
    first_part,
    new_session,
    validate_source_url,
)
from cameras.secrets import Credentials, seal
from cameras.simulator.scenes import Resolution, render_scene
from tests.cameras.conftest import SimulatorServer, serve_in_thread

LIMITS = FetchLimits(timeout_s=3.0, max_bytes=2 * 1024 * 1024)


def fetch(kind: str, url: str, credentials: Credentials | None = None, limits: FetchLimits = LIMITS) -> bytes:
    async def run() -> bytes:
        async with new_session(4) as session:
            return await fetch_frame(session, kind, url, credentials, limits)

    return asyncio.run(run())


def failure(kind: str, url: str, limits: FetchLimits = LIMITS) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(kind, url, limits=limits)
    return caught.value


def test_snapshot_is_a_jpeg_of_the_camera(simulator: SimulatorServer) -> None:
    data = fetch(SourceKind.HTTP_JPEG, simulator.snapshot_url("healthy"))
    assert data.startswith(b"\xff\xd8")
    assert (read_frame(data).width, read_frame(data).height) == (640, 360)


def test_mjpeg_gives_the_first_complete_frame_and_stops(simulator: SimulatorServer) -> None:
    data = fetch(SourceKind.MJPEG, simulator.stream_url("healthy"))
    assert data.startswith(b"\xff\xd8") and data.endswith(b"\xff\xd9")
    assert read_frame(data).width == 640


def test_mjpeg_part_without_content_length_ends_at_the_next_boundary() -> None:
    buffer = b"--b\r\nContent-Type: image/jpeg\r\n\r\n\xff\xd8abc\xff\xd9\r\n--b\r\n"
    assert first_part(buffer, b"--b", 1000) == b"\xff\xd8abc\xff\xd9"
    assert first_part(buffer[:30], b"--b", 1000) is None


def test_offline_camera(simulator: SimulatorServer) -> None:
    assert failure(SourceKind.HTTP_JPEG, simulator.snapshot_url("offline")).kind == "offline"


def test_nothing_listening_is_offline() -> None:
    from tests.live_servers import free_port

    assert failure(SourceKind.HTTP_JPEG, f"http://127.0.0.1:{free_port()}/snap.jpg").kind == "offline"


def test_camera_that_never_answers_times_out(simulator: SimulatorServer) -> None:
    limits = FetchLimits(timeout_s=0.5, max_bytes=LIMITS.max_bytes)
    assert failure(SourceKind.HTTP_JPEG, simulator.snapshot_url("never_answers"), limits).kind == "timeout"
    assert failure(SourceKind.HTTP_JPEG, simulator.snapshot_url("slow"), limits).kind == "timeout"


def test_http_error_status(simulator: SimulatorServer) -> None:
    error = failure(SourceKind.HTTP_JPEG, simulator.snapshot_url("no-such-camera"))
    assert error.kind == "http_error" and "404" in error.message


def test_wrong_content_type_is_invalid(simulator: SimulatorServer) -> None:
    error = failure(SourceKind.HTTP_JPEG, simulator.snapshot_url("wrong_type"))
    assert error.kind == "invalid" and "text/html" in error.message


def test_endless_body_stops_at_the_cap(simulator: SimulatorServer) -> None:
    error = failure(SourceKind.HTTP_JPEG, simulator.snapshot_url("endless"))
    assert error.kind == "too_large"


def test_huge_image_is_refused_by_size_or_by_pixels(simulator: SimulatorServer) -> None:
    try:
        data = fetch(SourceKind.HTTP_JPEG, simulator.snapshot_url("huge"))
    except FetchError as error:
        assert error.kind == "too_large"
    else:
        with pytest.raises(InvalidFrame, match="8000x8000"):
            read_frame(data)


def test_decompression_bomb_is_fetched_small_and_refused_unread(simulator: SimulatorServer) -> None:
    data = fetch(SourceKind.HTTP_JPEG, simulator.snapshot_url("bomb"))
    assert len(data) < 100_000
    with pytest.raises(InvalidFrame, match="60000x60000"):
        read_frame(data)


def test_redirect_on_the_same_host_is_followed(simulator: SimulatorServer) -> None:
    assert fetch(SourceKind.HTTP_JPEG, simulator.redirect_url("healthy")).startswith(b"\xff\xd8")


def test_redirect_to_another_host_is_refused(simulator: SimulatorServer) -> None:
    error = failure(SourceKind.HTTP_JPEG, simulator.redirect_url("healthy", other_host=True))
    assert error.kind == "redirect" and "localhost" in error.message


def test_endless_redirects_are_refused(simulator: SimulatorServer) -> None:
    error = failure(SourceKind.HTTP_JPEG, f"{simulator.url}/redirect/loop/healthy")
    assert error.kind == "redirect"


def test_disallowed_url_is_refused_before_any_connection() -> None:
    assert failure(SourceKind.HTTP_JPEG, "file:///etc/passwd").kind == "refused"
    assert failure(SourceKind.HTTP_JPEG, "rtsp://127.0.0.1/live").kind == "refused"


@pytest.fixture(scope="module")
def guarded() -> Iterator[SimulatorServer]:
    """A camera that wants basic auth (opsroom / s3cret: with a colon)."""
    expected = "Basic " + base64.b64encode(b"opsroom:s3cret:x").decode()

    async def snapshot(request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != expected:
            return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="cam"'})
        frame = render_scene(Resolution(320, 240), 0, 0.5)
        return web.Response(body=cv2.imencode(".jpg", frame)[1].tobytes(), content_type="image/jpeg")

    app = web.Application()
    app.router.add_get("/snap.jpg", snapshot)
    yield from serve_in_thread(app)


def test_credentials_go_by_basic_auth(guarded: SimulatorServer) -> None:
    url = f"{guarded.url}/snap.jpg"
    assert fetch(SourceKind.HTTP_JPEG, url, Credentials("opsroom", "s3cret:x")).startswith(b"\xff\xd8")
    assert failure(SourceKind.HTTP_JPEG, url).kind == "http_error"


@pytest.mark.django_db
def test_fetch_frame_now_uses_the_cameras_sealed_credentials(guarded: SimulatorServer) -> None:
    from cameras.models import Camera

    camera = Camera(source_kind=SourceKind.HTTP_JPEG, url=f"{guarded.url}/snap.jpg",
                    credentials=seal(Credentials("opsroom", "s3cret:x")))
    assert fetch_frame_now(camera).startswith(b"\xff\xd8")


@pytest.mark.parametrize(
    ("kind", "url", "message"),
    [
        (SourceKind.HTTP_JPEG, "ftp://cam.example/a.jpg", "http:// or https://"),
        (SourceKind.MJPEG, "rtsp://cam.example/live", "http:// or https://"),
        (SourceKind.RTSP, "http://cam.example/live", "rtsp://"),
        (SourceKind.HTTP_JPEG, "http:///a.jpg", "no host"),
        (SourceKind.HTTP_JPEG, "http://admin:pw@cam.example/a.jpg", "credential fields"),
        (SourceKind.HTTP_JPEG, "http://cam.example/a b.jpg", "spaces or control"),
        (SourceKind.HTTP_JPEG, "http://cam.example/a\x00.jpg", "spaces or control"),
        (SourceKind.HTTP_JPEG, "http://cam.example:99999/a.jpg", "port"),
        (SourceKind.HTTP_JPEG, "http://cam.example/" + "a" * 500, "longer than"),
        (SourceKind.HTTP_JPEG, "", "Enter the camera"),
        ("telnet", "http://cam.example/", "Unknown source kind"),
        (SourceKind.HTTP_JPEG, "javascript:alert(1)", "http:// or https://"),
    ],
)
def test_validate_source_url_refuses_with_a_clear_message(kind: str, url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_source_url(kind, url)


def test_validate_source_url_accepts_and_trims() -> None:
    assert validate_source_url(SourceKind.HTTP_JPEG, " https://10.1.2.3:8080/snap.jpg ") == (
        "https://10.1.2.3:8080/snap.jpg"
    )
    assert validate_source_url(SourceKind.RTSP, "RTSP://cam.example/Streaming/101") == (
        "RTSP://cam.example/Streaming/101"
    )
