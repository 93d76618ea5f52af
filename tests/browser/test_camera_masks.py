"""The privacy page in a real browser: draw a mask with the mouse, save, reload, and the frames the server
serves afterwards are black inside it; the owning agency's liaison marks a camera as looking into a private
area on a phone, and a police wall that shows it through a grant drops it at once."""

from __future__ import annotations

import os
from typing import Any

import cv2
import numpy as np
import pytest
from playwright.sync_api import Browser, expect

from cameras.models import Camera
from tests.browser.camera_fixtures import SHOTS, camera_simulator  # noqa: F401 - fixture
from tests.browser.conftest import log_in, new_page, off_loop
from tests.cameras.conftest import SimulatorServer
from tests.cameras.registry_helpers import approved_grant, make_camera
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


def test_the_owning_liaison_marks_a_private_area_on_a_phone_and_a_granted_wall_drops_it_at_once(
    world: Any, browser: Browser, asgi_server: LiveServer, camera_simulator: SimulatorServer  # noqa: F811
) -> None:
    def setup() -> tuple[Camera, Camera]:
        own = make_camera(world, "CCTV Gerbang", url=camera_simulator.snapshot_url("gate"))
        kpu = make_camera(world, "CCTV Ruang Pleno", agency=world.kpu_a, url=camera_simulator.snapshot_url("healthy"))
        approved_grant(world, [kpu])
        return own, kpu

    own, kpu = off_loop(setup)
    wall = new_page(browser)
    log_in(wall, asgi_server, "officer_a")
    wall.goto(f"{asgi_server.url}/cameras/wall/?site={world.site_a.pk}")
    expect(wall.locator("#wall-live")).to_have_attribute("data-state", "live", timeout=WAIT_MS)
    expect(wall.locator(".tile")).to_have_count(2, timeout=WAIT_MS)
    wall.evaluate("window.__sameDocument = true")

    phone = new_page(browser, width=360, height=740)
    log_in(phone, asgi_server, "liaison")
    phone.goto(f"{asgi_server.url}/cameras/{kpu.pk}/masks/")
    expect(phone.locator("#private-area")).to_contain_text("can never be granted")
    checkbox = phone.locator("#id_private_area")
    expect(checkbox).not_to_be_checked()
    checkbox.check()
    phone.fill("#id_reason", "Menghadap ruang rapat pleno")
    phone.click("#private-area-save")
    expect(phone.locator(".messages .success")).to_contain_text("private area", timeout=WAIT_MS)
    expect(phone.locator("#id_private_area")).to_be_checked()
    assert phone.url.endswith(f"/cameras/{kpu.pk}/masks/")
    assert off_loop(lambda: Camera.objects.get(pk=kpu.pk).private_area) is True
    phone.wait_for_load_state("load")  # measured with the stylesheets applied
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    os.makedirs(SHOTS, exist_ok=True)
    phone.screenshot(path=f"{SHOTS}/private-area-360x740.png", full_page=True)

    expect(wall.locator(f".tile[data-camera-id='{kpu.pk}']")).to_have_count(0, timeout=WAIT_MS)
    expect(wall.locator(f".tile[data-camera-id='{own.pk}']")).to_have_count(1)
    assert wall.evaluate("window.__sameDocument") is True  # no reload: the live event did it
    refused = wall.request.get(f"{asgi_server.url}/cameras/{kpu.pk}/frame.jpg")
    assert refused.status == 403

    phone.locator("#id_private_area").uncheck()
    phone.click("#private-area-save")
    expect(phone.locator(".messages .success")).to_contain_text("no longer", timeout=WAIT_MS)
    assert off_loop(lambda: Camera.objects.get(pk=kpu.pk).private_area) is False
    expect(wall.locator(f".tile[data-camera-id='{kpu.pk}']")).to_have_count(1, timeout=WAIT_MS)
