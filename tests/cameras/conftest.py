"""Shared camera fixtures: the simulator served over real HTTP on loopback, reachable from the test
process and from the Celery workers it starts, with a camera of every behaviour; and redirecting
routes for the poller's redirect rules."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from aiohttp import web

from cameras.simulator.scenes import Behaviour, Resolution
from cameras.simulator.server import HOST, CameraPlan, Timing, build_app

SIMULATOR_RESOLUTION = Resolution(640, 360)
# A stream sends its pictures quickly, so that stream tests take little time.
SIMULATOR_TIMING = Timing(slow_delay_s=3.0, frame_interval_s=0.02)
SIMULATOR_PLAN = ",".join(f"{behaviour.value}={behaviour.value}" for behaviour in Behaviour) + ",healthy:12"


@dataclass(frozen=True)
class SimulatorServer:
    url: str  # http://127.0.0.1:PORT
    port: int

    def snapshot_url(self, camera_id: str) -> str:
        return f"{self.url}/cam/{camera_id}/snapshot.jpg"

    def stream_url(self, camera_id: str) -> str:
        return f"{self.url}/cam/{camera_id}/stream.mjpg"

    def reference_url(self, camera_id: str) -> str:
        return f"{self.url}/cam/{camera_id}/reference.jpg"

    def redirect_url(self, camera_id: str, *, other_host: bool = False) -> str:
        """Redirects to the camera's snapshot, on this host (127.0.0.1) or on another name (localhost)."""
        return f"{self.url}/redirect/{'other' if other_host else 'same'}/{camera_id}"


async def _redirect(request: web.Request) -> web.Response:
    camera_id = request.match_info["camera_id"]
    port = request.transport.get_extra_info("sockname")[1] if request.transport else 0
    if request.match_info["where"] == "other":
        # localhost is the same machine under another name: refused by rule, not by accident.
        raise web.HTTPFound(f"http://localhost:{port}/cam/{camera_id}/snapshot.jpg")
    if request.match_info["where"] == "loop":
        raise web.HTTPFound(f"/redirect/loop/{camera_id}")
    raise web.HTTPFound(f"/cam/{camera_id}/snapshot.jpg")


def serve_in_thread(app: web.Application) -> Iterator[SimulatorServer]:
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, HOST, 0).start())
    port = int(runner.addresses[0][1])
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    async def shutdown() -> None:
        await runner.cleanup()
        # Pollers keep their connections alive between batches: end the handlers still waiting on them.
        handlers = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)

    try:
        yield SimulatorServer(url=f"http://{HOST}:{port}", port=port)
    finally:
        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


@pytest.fixture(scope="session")
def simulator() -> Iterator[SimulatorServer]:
    """The simulator in this process (its own event loop in a thread): cameras named after their
    behaviour (``healthy``, ``dark``, ``bomb`` ...) plus ``cam-00001`` .. ``cam-00012`` healthy."""
    app = build_app(CameraPlan.from_spec(SIMULATOR_PLAN, SIMULATOR_RESOLUTION), SIMULATOR_TIMING)
    app.router.add_get("/redirect/{where}/{camera_id}", _redirect)
    yield from serve_in_thread(app)
