"""The camera wall in a real browser: a real poll changes a badge without a reload, a revoked grant takes its
cameras off the wall at once, and the wall reads on a posko's big screen and on a phone."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import APIResponse, Browser, Page, Route, expect

from cameras.actions import grants, registry
from cameras.models import AccessGrant, Camera
from cameras.polling.batch import poll_leased
from cameras.polling.cycle import claim_due
from tests.browser.camera_fixtures import SHOTS, camera_simulator  # noqa: F401 - fixture
from tests.browser.conftest import log_in, new_page, off_loop
from tests.cameras.conftest import SimulatorServer
from tests.cameras.registry_helpers import approved_grant, make_camera
from tests.live_servers import LiveServer

pytestmark = pytest.mark.browser
WAIT_MS = 20_000


def tile(page: Page, camera: Camera) -> Any:
    return page.locator(f".tile[data-camera-id='{camera.pk}']")


def wait_until(page: Page, condition: Callable[[], bool]) -> None:
    """Let the page (and Playwright's route handlers) run until ``condition`` holds."""
    for _ in range(WAIT_MS // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the page did not get there in time")


def setup_cameras(world: Any, simulator: SimulatorServer) -> tuple[Camera, Camera, Camera, AccessGrant]:
    gate = make_camera(world, "CCTV Gerbang", url=simulator.snapshot_url("gate"), covers="Pintu gerbang")
    dead = make_camera(world, "CCTV Belakang", url=simulator.snapshot_url("offline"), covers="Pagar belakang")
    kpu = make_camera(world, "CCTV Gudang KPU", agency=world.kpu_a, url=simulator.snapshot_url("healthy"))
    return gate, dead, kpu, approved_grant(world, [kpu])


def poll_everything_due() -> None:
    token, ids = claim_due(100, settings.CAMERA_POLL_LEASE_S)
    poll_leased(token, ids)


def test_status_changes_arrive_live_and_a_revoked_grant_empties_its_tiles(
    world: Any, browser: Browser, asgi_server: LiveServer, camera_simulator: SimulatorServer,  # noqa: F811
    tmp_path: Path,
) -> None:
    gate, dead, kpu, grant = off_loop(setup_cameras, world, camera_simulator)
    page = new_page(browser, width=1920, height=1080)
    log_in(page, asgi_server, "officer_a")
    page.goto(f"{asgi_server.url}/cameras/wall/?site={world.site_a.pk}")
    expect(page.locator("#wall-live")).to_have_attribute("data-state", "live", timeout=WAIT_MS)
    expect(page.locator(".tile")).to_have_count(3)
    # Statuses are read from data-status, so the test holds in either language.
    expect(tile(page, dead)).to_have_attribute("data-status", "unknown")
    page.evaluate("window.__sameDocument = true")

    off_loop(poll_everything_due)  # a real poll: fetch, analyse, store, announce
    expect(tile(page, dead)).to_have_attribute("data-status", "offline", timeout=WAIT_MS)
    expect(tile(page, dead).locator(".badge")).to_have_class("badge status st-offline")
    expect(tile(page, gate)).to_have_attribute("data-status", "online", timeout=WAIT_MS)
    expect(tile(page, kpu)).to_have_attribute("data-status", "online", timeout=WAIT_MS)
    expect(tile(page, gate).locator("img")).to_have_js_property("complete", True, timeout=WAIT_MS)
    page.wait_for_function(
        "[...document.querySelectorAll('.tile img')].every(img => img.complete)", timeout=WAIT_MS)
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/wall-1920x1080.png")

    off_loop(lambda: grants.do_revoke_grant(world.users["liaison"], grant, reason="Tahapan selesai"))
    expect(tile(page, kpu)).to_have_count(0, timeout=WAIT_MS)
    expect(page.locator(".tile")).to_have_count(2)
    assert page.evaluate("window.__sameDocument") is True  # no reload happened

    # A camera deleted goes at once; a list imported comes in at once (one announcement, one read).
    off_loop(lambda: registry.do_delete_camera(world.users["ops_a"], dead))
    expect(tile(page, dead)).to_have_count(0, timeout=WAIT_MS)
    listing = tmp_path / "kamera.csv"
    listing.write_text("name,site,url\n" + "".join(
        f"CCTV Parkir {n},{world.site_a.name},{camera_simulator.snapshot_url('healthy')}\n" for n in (1, 2)))
    off_loop(call_command, "import_cameras", str(listing), "--unit", str(world.polres_a.pk), stdout=io.StringIO())
    expect(page.locator(".tile")).to_have_count(3, timeout=WAIT_MS)
    expect(page.locator(".tile", has_text="CCTV Parkir 2")).to_have_count(1)
    assert page.evaluate("window.__sameDocument") is True

    phone = new_page(browser, width=360, height=740)
    log_in(phone, asgi_server, "officer_a")
    phone.goto(f"{asgi_server.url}/cameras/wall/?site={world.site_a.pk}")
    expect(phone.locator(".tile")).to_have_count(3, timeout=WAIT_MS)
    phone.wait_for_function(
        "[...document.querySelectorAll('.tile img')].every(img => img.complete)", timeout=WAIT_MS)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=f"{SHOTS}/wall-360x740.png", full_page=True)


def test_a_read_of_the_tiles_overtaken_by_live_events_does_not_undo_them(
    world: Any, browser: Browser, asgi_server: LiveServer, camera_simulator: SimulatorServer,  # noqa: F811
) -> None:
    """The wall reads its tiles again when the socket starts listening. Here that answer is taken from
    the server before a poll and handed to the page only after the poll's events: it must not put the
    badges back to "not checked yet"."""
    gate, dead, _kpu, _grant = off_loop(setup_cameras, world, camera_simulator)
    page = new_page(browser, width=1280, height=800)
    log_in(page, asgi_server, "officer_a")
    reads: list[str] = []
    held: list[tuple[Route, APIResponse]] = []

    def hold_the_second_read(route: Route) -> None:
        reads.append(route.request.url)
        if len(reads) == 2:
            held.append((route, route.fetch()))  # answered by the server now, handed over later
        else:
            route.continue_()

    page.route("**/cameras/wall/tiles.json*", hold_the_second_read)
    page.goto(f"{asgi_server.url}/cameras/wall/?site={world.site_a.pk}")
    expect(page.locator("#wall-live")).to_have_attribute("data-state", "live", timeout=WAIT_MS)
    wait_until(page, lambda: bool(held))  # the page reads again once the socket listens

    off_loop(poll_everything_due)
    expect(tile(page, dead)).to_have_attribute("data-status", "offline", timeout=WAIT_MS)
    expect(tile(page, gate)).to_have_attribute("data-status", "online", timeout=WAIT_MS)
    route, stale = held.pop()
    route.fulfill(response=stale)
    page.wait_for_load_state("networkidle")
    expect(tile(page, gate)).to_have_attribute("data-status", "online")
    expect(tile(page, dead)).to_have_attribute("data-status", "offline")
    assert len(reads) == 3  # the overtaken answer was read again, not drawn


def test_the_wall_of_another_units_site_is_not_found(
    world: Any, browser: Browser, asgi_server: LiveServer
) -> None:
    page = new_page(browser)
    log_in(page, asgi_server, "ops_b")
    response = page.goto(f"{asgi_server.url}/cameras/wall/?site={world.site_a.pk}")
    assert response is not None and response.status == 404
