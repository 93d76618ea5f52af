"""Check-in from a phone in a real browser: the phone's location goes to the server with a key made on
the phone; accepted at the site; without a connection it waits on the phone and is sent once back online."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from patrols.models import Assignment, CheckIn
from tests.browser.conftest import LOOPBACK, log_in, off_loop, prefer_english
from tests.conftest import World
from tests.live_servers import LiveServer
from tests.patrols import page_data

pytestmark = pytest.mark.browser

WAIT_MS = 15_000


def _loopback_only(route: Route) -> None:
    if urlsplit(route.request.url).hostname in LOOPBACK:
        route.continue_()
    else:
        route.abort()


def phone_at(browser: Browser, latitude: float, longitude: float) -> Page:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-US",
                                  geolocation={"latitude": latitude, "longitude": longitude, "accuracy": 15},
                                  permissions=["geolocation"])
    prefer_english(context)
    context.route("**/*", _loopback_only)
    return context.new_page()


@pytest.fixture
def shift(world: World) -> Assignment:
    """Officer_a's published shift at site A, starting this hour; made before the browser starts."""
    return page_data.shift_starting_now(world).plan.assignments.get()


def test_check_in_at_the_site_and_again_after_losing_the_connection(
    world: World, shift: Assignment, browser: Browser, asgi_server: LiveServer
) -> None:
    page = phone_at(browser, float(world.site_a.latitude) + 0.0002, float(world.site_a.longitude))
    log_in(page, asgi_server, "officer_a")
    page.goto(f"{asgi_server.url}/rosters/me/")
    page.click(f".shift-card[data-assignment-id='{shift.pk}'] >> text=Check in")
    page.wait_for_url(f"**/rosters/me/shifts/{shift.pk}/check-in/")

    # Offline: the check-in waits on the phone.
    page.context.set_offline(True)
    page.click("#check-in-button")
    expect(page.locator("#check-in-result")).to_contain_text("No connection", timeout=WAIT_MS)
    assert page.evaluate("JSON.parse(localStorage.getItem('opsroom.checkins.pending')).length") == 1
    assert off_loop(CheckIn.objects.count) == 0

    # Back online: it is sent by itself and accepted.
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#check-in-result")).to_contain_text("Checked in at", timeout=WAIT_MS)
    assert page.evaluate("JSON.parse(localStorage.getItem('opsroom.checkins.pending')).length") == 0
    stored = off_loop(lambda: list(CheckIn.objects.values_list("accepted", "assignment_id")))
    assert stored == [(True, shift.pk)]


def test_check_in_far_from_the_site_is_refused_with_the_distance(
    world: World, shift: Assignment, browser: Browser, asgi_server: LiveServer
) -> None:
    page = phone_at(browser, float(world.site_a.latitude) + 0.02, float(world.site_a.longitude))
    log_in(page, asgi_server, "officer_a")
    page.goto(f"{asgi_server.url}/rosters/me/shifts/{shift.pk}/check-in/")
    page.click("#check-in-button")
    result = page.locator("#check-in-result")
    expect(result).to_have_class("checkin-result refused", timeout=WAIT_MS)
    expect(result).to_contain_text("m from the site; check in within 150 m")
