"""The privacy-mask editor in a real browser: draw a mask with the mouse, save, reload, and the frames the
server serves afterwards are black inside it."""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, expect

from cameras.models import Camera
from tests.browser.camera_fixtures import camera_simulator  # noqa: F401 - fixture
from tests.browser.conftest import log_in, new_page, off_loop
from tests.cameras.conftest import SimulatorServer
from tests.cameras.registry_helpers import make_camera
from tests.live_servers import LiveServer

pytestmark = pytest.mark.browser
WAIT_MS = 20_000
# The corners clicked, in fractions of the frame: a box in the upper-left quarter.
CORNERS = [(0.10, 0.15), (0.45, 0.15), (0.45, 0.60), (0.10, 0.60)]


def test_draw_save_reload_and_the_served_frame_is_black_inside_the_mask(
    world: Any, browser: Browser, asgi_server: LiveServer, camera_simulator: SimulatorServer  # noqa: F811
) -> None:
    camera = off_loop(make_camera, world, "Gerbang", url=camera_simulator.snapshot_url("healthy"))
    page = new_page(browser)
    log_in(page, asgi_server, "ops_a")
    page.goto(f"{asgi_server.url}/cameras/{camera.pk}/masks/")
    page.wait_for_function("document.getElementById('mask-reference').naturalWidth > 0", timeout=WAIT_MS)
    box = page.locator("#mask-layer").bounding_box()
    assert box is not None
    for x, y in CORNERS:
        page.mouse.click(box["x"] + x * box["width"], box["y"] + y * box["height"])
    page.click("#mask-close")
    expect(page.locator("#mask-list li")).to_have_count(1)
    page.click("#mask-save")
    expect(page.locator("#mask-status")).to_have_attribute("data-kind", "ok", timeout=WAIT_MS)

    page.reload()
    expect(page.locator("#mask-layer polygon")).to_have_count(1, timeout=WAIT_MS)
    stored = off_loop(lambda: Camera.objects.get(pk=camera.pk).masks)
    assert len(stored) == 1
    for (x, y), (sx, sy) in zip(CORNERS, stored[0], strict=True):
        assert abs(x - sx) < 0.01 and abs(y - sy) < 0.01

    response = page.request.get(f"{asgi_server.url}/cameras/{camera.pk}/frame.jpg")
    assert response.status == 200
    frame = cv2.imdecode(np.frombuffer(response.body(), np.uint8), cv2.IMREAD_COLOR)
    height, width = frame.shape[:2]
    inside = frame[int(0.2 * height):int(0.55 * height), int(0.15 * width):int(0.4 * width)]
    outside = frame[int(0.7 * height):, int(0.6 * width):]
    assert inside.max() <= 16  # black, give or take JPEG ringing
    assert outside.mean() > 30


def test_a_crossing_polygon_is_refused_with_the_reason_shown(
    world: Any, browser: Browser, asgi_server: LiveServer, camera_simulator: SimulatorServer  # noqa: F811
) -> None:
    camera = off_loop(make_camera, world, "Lobi", url=camera_simulator.snapshot_url("healthy"))
    page = new_page(browser, width=360, height=740)
    log_in(page, asgi_server, "ops_a")
    page.goto(f"{asgi_server.url}/cameras/{camera.pk}/masks/")
    page.wait_for_function("document.getElementById('mask-reference').naturalWidth > 0", timeout=WAIT_MS)
    box = page.locator("#mask-layer").bounding_box()
    assert box is not None
    for x, y in [(0.1, 0.1), (0.6, 0.6), (0.6, 0.1), (0.1, 0.6)]:  # a bow tie
        page.mouse.click(box["x"] + x * box["width"], box["y"] + y * box["height"])
    page.click("#mask-close")
    page.click("#mask-save")
    expect(page.locator("#mask-status")).to_have_attribute("data-kind", "error", timeout=WAIT_MS)
    expect(page.locator("#mask-status")).to_contain_text("cross")
    assert off_loop(lambda: Camera.objects.get(pk=camera.pk).masks) == []
