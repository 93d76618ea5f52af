"""The camera simulator's HTTP side: many virtual cameras on one loopback aiohttp server.

URLs, for a camera id ``ID``::

    GET /cameras.json              every camera: id, behaviour, resolution and its URLs
    GET /cam/ID/snapshot.jpg       one JPEG (or the behaviour's failure)
    GET /cam/ID/stream.mjpg        multipart/x-mixed-replace MJPEG (or the behaviour's failure)
    GET /cam/ID/reference.jpg      the healthy street of the camera, with an empty road

An ``offline`` camera resets the connection (TCP RST, no HTTP response at all), as a camera that
dropped off the network behind a switch does; a poller must treat that like a refused connection.
"""

from __future__ import annotations

import asyncio
import re
import socket
import struct
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from aiohttp import web

from cameras.simulator.scenes import (
    FRAMES_PER_LOOP,
    Behaviour,
    FrameBank,
    Resolution,
    frame_offset,
    render_bank,
    scene_variant,
)

HOST = "127.0.0.1"
MJPEG_BOUNDARY = "simframe"
_CAMERA_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_WRONG_TYPE_BODY = (
    b"<!DOCTYPE html><html><head><title>Login</title></head>"
    b"<body><h1>IP Camera</h1><form><input name=user><input name=pass type=password></form></body></html>"
)


@dataclass(frozen=True)
class SimCamera:
    camera_id: str
    behaviour: Behaviour
    resolution: Resolution


@dataclass(frozen=True)
class CameraPlan:
    """Which cameras the simulator serves. Built from a spec such as
    ``"healthy:300,dark:2,kpu-1=frozen,city-9=healthy@1280x720"``: ``behaviour:count`` adds numbered
    cameras (``cam-00001`` ...), ``id=behaviour`` one named camera; ``@WxH`` overrides the resolution."""

    cameras: tuple[SimCamera, ...]

    def __post_init__(self) -> None:
        ids = [camera.camera_id for camera in self.cameras]
        if len(set(ids)) != len(ids):
            raise ValueError("Camera ids in a plan must be unique")

    @classmethod
    def from_spec(cls, spec: str, resolution: Resolution) -> CameraPlan:
        cameras: list[SimCamera] = []
        counted: list[tuple[Behaviour, int, Resolution]] = []
        for item in filter(None, (part.strip() for part in spec.split(","))):
            body, _, size = item.partition("@")
            item_resolution = Resolution.parse(size) if size else resolution
            if "=" in body:
                camera_id, _, behaviour = body.partition("=")
                if not _CAMERA_ID.fullmatch(camera_id):
                    raise ValueError(f"Camera id {camera_id!r} must be 1-64 letters, digits, '-' or '_'")
                cameras.append(SimCamera(camera_id, _behaviour(behaviour), item_resolution))
            else:
                behaviour, _, count_text = body.partition(":")
                if not count_text.isdigit():
                    raise ValueError(f"Plan item {item!r} is not behaviour:count or id=behaviour")
                counted.append((_behaviour(behaviour), int(count_text), item_resolution))
        total = sum(count for _, count, _ in counted)
        width = max(5, len(str(total)))
        numbers = iter(range(1, total + 1))
        for behaviour, count, item_resolution in counted:
            cameras += [SimCamera(f"cam-{next(numbers):0{width}d}", behaviour, item_resolution) for _ in range(count)]
        return cls(tuple(cameras))

    def needs(self) -> set[tuple[Behaviour, Resolution]]:
        return {(camera.behaviour, camera.resolution) for camera in self.cameras}

    def __iter__(self) -> Iterator[SimCamera]:
        return iter(self.cameras)

    def __len__(self) -> int:
        return len(self.cameras)


def _behaviour(text: str) -> Behaviour:
    try:
        return Behaviour(text.strip().replace("-", "_"))
    except ValueError:
        known = ", ".join(behaviour.value for behaviour in Behaviour)
        raise ValueError(f"Unknown camera behaviour {text!r}; known: {known}") from None


@dataclass(frozen=True)
class Timing:
    slow_delay_s: float = 3.0  # how long a ``slow`` camera thinks before answering
    frame_interval_s: float = 1.0  # how often a stream sends its next picture


@dataclass
class Simulator:
    cameras: dict[str, SimCamera]
    bank: FrameBank
    timing: Timing
    served: dict[str, int] = field(default_factory=dict)  # camera: pictures sent so far

    def frame(self, camera: SimCamera) -> bytes:
        """The camera's next picture; cameras that share a street share the bytes."""
        bank = self.bank
        if camera.behaviour == Behaviour.HUGE:
            return bank.huge
        if camera.behaviour == Behaviour.BOMB:
            return bank.bomb
        if camera.behaviour == Behaviour.CORRUPT:
            return bank.corrupt[camera.resolution]
        frames = bank.loop(camera.behaviour, camera.resolution, scene_variant(camera.camera_id))
        # Every answer is the next picture of the loop: a real camera's sensor noise never repeats
        # from one snapshot to the next, however the polls fall (three alike would read as frozen).
        count = self.served[camera.camera_id] = self.served.get(camera.camera_id, -1) + 1
        return frames[(count + frame_offset(camera.camera_id)) % FRAMES_PER_LOOP]


SIMULATOR = web.AppKey("simulator", Simulator)


def build_app(plan: CameraPlan, timing: Timing | None = None) -> web.Application:
    """Render every frame the plan needs (this takes a few seconds), then return the app."""
    bank = render_bank(plan.needs())
    app = web.Application()
    app[SIMULATOR] = Simulator({camera.camera_id: camera for camera in plan}, bank, timing or Timing())
    app.router.add_get("/cameras.json", cameras_json)
    app.router.add_get("/cam/{camera_id}/snapshot.jpg", snapshot)
    app.router.add_get("/cam/{camera_id}/stream.mjpg", stream)
    app.router.add_get("/cam/{camera_id}/reference.jpg", reference)
    return app


def camera_urls(base_url: str, camera_id: str) -> dict[str, str]:
    return {
        "snapshot_url": f"{base_url}/cam/{camera_id}/snapshot.jpg",
        "stream_url": f"{base_url}/cam/{camera_id}/stream.mjpg",
        "reference_url": f"{base_url}/cam/{camera_id}/reference.jpg",
    }


def describe(cameras: Iterable[SimCamera], base_url: str) -> list[dict[str, str]]:
    return [
        {
            "id": camera.camera_id,
            "behaviour": camera.behaviour.value,
            "resolution": str(camera.resolution),
            **camera_urls(base_url, camera.camera_id),
        }
        for camera in cameras
    ]


async def cameras_json(request: web.Request) -> web.Response:
    simulator = request.app[SIMULATOR]
    base_url = f"{request.scheme}://{request.host}"
    return web.json_response({"cameras": describe(simulator.cameras.values(), base_url)})


def _camera(request: web.Request) -> tuple[Simulator, SimCamera]:
    simulator = request.app[SIMULATOR]
    camera = simulator.cameras.get(request.match_info["camera_id"])
    if camera is None:
        raise web.HTTPNotFound(text="No such camera")
    return simulator, camera


async def reference(request: web.Request) -> web.Response:
    simulator, camera = _camera(request)
    variant = scene_variant(camera.camera_id)
    return web.Response(body=simulator.bank.references[(camera.resolution, variant)], content_type="image/jpeg")


async def snapshot(request: web.Request) -> web.StreamResponse:
    simulator, camera = _camera(request)
    failure = await _misbehave(request, simulator, camera)
    if failure is not None:
        return failure
    return web.Response(body=simulator.frame(camera), content_type="image/jpeg")


async def stream(request: web.Request) -> web.StreamResponse:
    simulator, camera = _camera(request)
    failure = await _misbehave(request, simulator, camera)
    if failure is not None:
        return failure
    response = web.StreamResponse(
        headers={"Content-Type": f"multipart/x-mixed-replace; boundary={MJPEG_BOUNDARY}", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    try:
        while True:
            frame = simulator.frame(camera)
            head = f"--{MJPEG_BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {len(frame)}\r\n\r\n"
            await response.write(head.encode() + frame + b"\r\n")
            await asyncio.sleep(simulator.timing.frame_interval_s)
    except ConnectionResetError:
        # The viewer hung up: the normal end of a stream.
        return response


async def _misbehave(request: web.Request, simulator: Simulator, camera: SimCamera) -> web.StreamResponse | None:
    """The answer of a camera whose failure is in the transport rather than in the picture, or
    None when the picture should be served (after the delay of a slow camera)."""
    behaviour = camera.behaviour
    if behaviour in (Behaviour.OFFLINE, Behaviour.NEVER_ANSWERS):
        if behaviour == Behaviour.OFFLINE:
            _reset_connection(request)
        else:
            await _wait_for_hang_up(request)
        # The connection is gone, so aiohttp drops this answer quietly instead of sending it.
        return web.Response(status=504)
    if behaviour == Behaviour.SLOW:
        await asyncio.sleep(simulator.timing.slow_delay_s)
    if behaviour == Behaviour.WRONG_TYPE:
        return web.Response(body=_WRONG_TYPE_BODY, content_type="text/html")
    if behaviour == Behaviour.ENDLESS:
        return await _endless(request, simulator.bank)
    return None


def _reset_connection(request: web.Request) -> None:
    transport = request.transport
    if transport is None:
        return
    sock = transport.get_extra_info("socket")
    if sock is not None:
        # Linger zero turns the close into a TCP reset, as from a device that went away.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    transport.abort()


async def _wait_for_hang_up(request: web.Request) -> None:
    """Hold the connection without a byte of answer until the client gives up."""
    while request.transport is not None and not request.transport.is_closing():
        await asyncio.sleep(0.5)


async def _endless(request: web.Request, bank: FrameBank) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
    response.enable_chunked_encoding()
    await response.prepare(request)
    try:
        await response.write(bank.endless_start)
        while True:
            await response.write(bank.endless_chunk)
    except ConnectionResetError:
        return response
