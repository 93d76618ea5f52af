"""Revocation reaches an open page: a police officer watches an agency camera under a grant on a phone;
the agency's liaison revokes the grant on their own screen; the officer's page drops the frame at once,
without a reload, and the next frame is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from cameras.models import AccessGrant, AccessLogEntry, Camera
from cameras.simulator.scenes import Resolution
from cameras.simulator.server import CameraPlan, Timing, build_app
from tests.browser.conftest import log_in, new_page, off_loop
from tests.cameras.access_support import approved_grant, make_camera
from tests.cameras.conftest import SimulatorServer, serve_in_thread
from tests.live_servers import LiveServer

pytestmark = pytest.mark.browser

WAIT_MS = 15_000


@pytest.fixture(scope="module")
def street() -> Iterator[SimulatorServer]:
    app = build_app(CameraPlan.from_spec("gudang=healthy", Resolution(640, 360)), Timing(frame_interval_s=0.05))
    yield from serve_in_thread(app)


def test_revoking_a_grant_blanks_the_open_camera_page_without_a_reload(
    world: Any, street: SimulatorServer, asgi_server: LiveServer, browser: Browser
) -> None:
    def arrange() -> tuple[Camera, AccessGrant]:
        camera = make_camera(world, "KPU Gudang Logistik 1", street.snapshot_url("gudang"))
        return camera, approved_grant(world, [camera])

    camera, grant = off_loop(arrange)

    officer = new_page(browser, width=360, height=740)
    log_in(officer, asgi_server, "ops_a")
    officer.goto(f"{asgi_server.url}/cameras/{camera.pk}/")
    expect(officer.locator("#live-frame")).to_be_visible(timeout=WAIT_MS)
    expect(officer.locator("body")).to_have_attribute("data-live", "ready", timeout=WAIT_MS)
    width = officer.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing sticks out of a phone's screen

    liaison = new_page(browser)
    log_in(liaison, asgi_server, "liaison")
    liaison.goto(f"{asgi_server.url}/cameras/grants/{grant.pk}/")
    liaison.fill("#id_reason", "Tahapan rekapitulasi selesai")
    liaison.click("#revoke-form button[type=submit]")
    expect(liaison.locator("#grant-status")).to_have_class(re.compile(r"\brevoked\b"), timeout=WAIT_MS)

    expect(officer.locator("body")).to_have_attribute("data-camera-access", "ended", timeout=WAIT_MS)
    expect(officer.locator("#frame-message")).to_have_class(re.compile(r"\bended\b"))
    expect(officer.locator("#frame-message")).to_be_visible()
    expect(officer.locator("#live-frame")).to_be_hidden()
    assert officer.locator("#live-frame").get_attribute("src") is None

    # The server agrees: the next frame is refused, and the refusal is in the agency's log.
    status = officer.evaluate(f"fetch('/cameras/{camera.pk}/frame.jpg').then(r => r.status)")
    assert status == 403
    refused = off_loop(lambda: AccessLogEntry.objects.filter(camera=camera, allowed=False).count())
    assert refused >= 1
