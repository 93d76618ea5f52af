"""A camera simulator for the camera browser tests: served in this process, reached by the ASGI server too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cameras.simulator.scenes import Resolution
from cameras.simulator.server import CameraPlan, Timing, build_app
from tests.cameras.conftest import SimulatorServer, serve_in_thread

# Screenshots a person looks at after the run.
SHOTS = "/tmp/opsroom-camera-shots"


@pytest.fixture(scope="module")
def camera_simulator() -> Iterator[SimulatorServer]:
    plan = CameraPlan.from_spec("healthy=healthy,gate=healthy,offline=offline", Resolution(640, 360))
    yield from serve_in_thread(build_app(plan, Timing(slow_delay_s=3.0, frame_interval_s=0.02)))
