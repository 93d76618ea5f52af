"""The commander map in a real browser: the demo sites drawn, changes pushed live to the right screens
only, caught up after a dropped socket, and a page that works on a 360-pixel phone."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from opsroom.live import publish
from sites import actions
from sites.demo import DEMO_PASSWORD, USERS, load_demo
from sites.models import ProtectedSite, Unit
from tests.browser.conftest import log_in, new_page, off_loop
from tests.live_servers import LiveServer

pytestmark = pytest.mark.browser

WAIT_MS = 15_000


@dataclass(frozen=True)
class Demo:
    site_ids: dict[str, int]
    visible: dict[str, set[int]]  # username -> ids of the sites that user may see


def _load() -> Demo:
    load_demo()
    user_model = get_user_model()
    return Demo(
        site_ids=dict(ProtectedSite.objects.values_list("name", "id")),
        visible={
            username: set(ProtectedSite.objects.visible_to(user_model.objects.get(username=username))
                          .values_list("id", flat=True))
            for username, *_rest in USERS
        },
    )


@pytest.fixture
def demo(transactional_db: None) -> Demo:
    return off_loop(_load)


class SocketGate:
    """Every live socket the page opens passes here, to the real server unless the test refuses it."""

    def __init__(self, page: Page) -> None:
        self.connected: list[WebSocketRoute] = []
        self.refusing = False
        page.route_web_socket("**/ws/live/", self._through)

    def _through(self, socket: WebSocketRoute) -> None:
        if self.refusing:
            socket.close(code=1013)  # try again later
            return
        socket.connect_to_server()
        self.connected.append(socket)

    def drop(self) -> None:
        """The newest socket closes, as when the server restarts."""
        self.connected[-1].close(code=1012)


def open_map(page: Page, server: LiveServer) -> None:
    if not page.url.endswith("/map/"):
        page.goto(f"{server.url}/map/")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live", timeout=WAIT_MS)


def marker_ids(page: Page) -> set[int]:
    return {int(value) for value in page.locator("path.site-marker").evaluate_all(
        "paths => paths.map(path => path.dataset.siteId)")}


def listed(page: Page, site_id: int) -> str:
    return f"#site-list li[data-site-id='{site_id}']"


@pytest.mark.parametrize("username", ["commander.jatim", "admin"])
def test_staff_log_in_and_see_every_site_they_may_see(
    demo: Demo, browser: Browser, asgi_server: LiveServer, username: str
) -> None:
    page = new_page(browser, width=1600, height=900)
    log_in(page, asgi_server, username, DEMO_PASSWORD)
    if username == "commander.jatim":
        assert page.url.endswith("/map/")  # a commander starts on the map
    open_map(page, asgi_server)

    expect(page.locator("path.site-marker")).to_have_count(len(demo.visible[username]))
    assert marker_ids(page) == demo.visible[username]
    expect(page.locator("#site-list li")).to_have_count(len(demo.visible[username]))
    expect(page.locator("#site-count")).to_have_text(str(len(demo.visible[username])))


def test_a_blitar_change_moves_the_blitar_marker_live_and_never_reaches_jember(
    demo: Demo, browser: Browser, asgi_server: LiveServer
) -> None:
    blitar, jember = new_page(browser), new_page(browser)
    for page, username in ((blitar, "ops.blitar"), (jember, "ops.jember")):
        log_in(page, asgi_server, username, DEMO_PASSWORD)
        open_map(page, asgi_server)
        expect(page.locator("path.site-marker")).to_have_count(len(demo.visible[username]))
    warehouse = demo.site_ids["Gudang Logistik KPU Kota Blitar"]
    assert warehouse in demo.visible["ops.blitar"] and warehouse not in demo.visible["ops.jember"]
    marker = blitar.locator(f"path.site-marker[data-site-id='{warehouse}']")
    drawn_before = marker.get_attribute("d")
    blitar.evaluate("window.stillTheSamePage = true")

    # Operations staff of Polres Blitar Kota move the warehouse through the API, as a form would.
    status = blitar.evaluate(
        """async ([siteId, latitude]) => {
            const token = document.cookie.split("; ").find((c) => c.startsWith("csrftoken=")).split("=")[1];
            const response = await fetch(`/api/sites/${siteId}/`, {
                method: "PATCH", credentials: "same-origin",
                headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                body: JSON.stringify({latitude: latitude}),
            });
            return response.status;
        }""",
        [warehouse, -8.0811],
    )
    assert status == 200
    expect(blitar.locator(listed(blitar, warehouse))).to_have_attribute("data-lat", "-8.0811", timeout=WAIT_MS)
    assert marker.get_attribute("d") != drawn_before
    assert blitar.evaluate("window.stillTheSamePage") is True  # moved without a reload

    # Then a Jember change through the action: once Jember's page shows it, anything sent to it
    # before (the Blitar change) would already have been applied there too.
    jember_office = demo.site_ids["Kantor KPU Kabupaten Jember"]
    off_loop(lambda: actions.do_update_site(None, ProtectedSite.objects.get(pk=jember_office), latitude=-8.1655))
    expect(jember.locator(listed(jember, jember_office))).to_have_attribute("data-lat", "-8.1655", timeout=WAIT_MS)
    assert marker_ids(jember) == demo.visible["ops.jember"]
    expect(jember.locator(listed(jember, warehouse))).to_have_count(0)
    expect(blitar.locator(listed(blitar, jember_office))).to_have_count(0)

    bawaslu = demo.site_ids["Kantor Bawaslu Kota Blitar"]
    off_loop(lambda: actions.do_delete_site(None, ProtectedSite.objects.get(pk=bawaslu)))
    expect(blitar.locator(f"path.site-marker[data-site-id='{bawaslu}']")).to_have_count(0, timeout=WAIT_MS)
    expect(blitar.locator(listed(blitar, bawaslu))).to_have_count(0)
    expect(blitar.locator("#site-count")).to_have_text(str(len(demo.visible["ops.blitar"]) - 1))


def test_a_push_the_channel_layer_dropped_is_caught_up_from_the_database(
    demo: Demo, browser: Browser, asgi_server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = new_page(browser)
    log_in(page, asgi_server, "ops.blitar", DEMO_PASSWORD)
    open_map(page, asgi_server)
    warehouse = demo.site_ids["Gudang Logistik KPU Kota Blitar"]
    office = demo.site_ids["Kantor KPU Kota Blitar"]

    with monkeypatch.context() as dropping:
        dropping.setattr(publish, "push", lambda *args: None)  # recorded, never sent
        off_loop(lambda: actions.do_update_site(None, ProtectedSite.objects.get(pk=warehouse), latitude=-8.0822))
    off_loop(lambda: actions.do_update_site(None, ProtectedSite.objects.get(pk=office), latitude=-8.0977))

    # The office's message names the warehouse event as its previous one: the page sees the gap
    # and fetches it from the catch-up endpoint.
    expect(page.locator(listed(page, office))).to_have_attribute("data-lat", "-8.0977", timeout=WAIT_MS)
    expect(page.locator(listed(page, warehouse))).to_have_attribute("data-lat", "-8.0822", timeout=WAIT_MS)


def test_after_the_socket_drops_the_map_reconnects_and_catches_up_on_what_it_missed(
    demo: Demo, browser: Browser, asgi_server: LiveServer
) -> None:
    page = new_page(browser)
    sockets = SocketGate(page)
    log_in(page, asgi_server, "ops.blitar", DEMO_PASSWORD)
    open_map(page, asgi_server)
    assert len(sockets.connected) == 1
    assert page.evaluate("typeof window.OpsroomLive.connect") == "function"  # the shared client
    page.evaluate("window.stillTheSamePage = true")
    warehouse = demo.site_ids["Gudang Logistik KPU Kota Blitar"]

    sockets.refusing = True
    sockets.drop()  # the server restarts
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "reconnecting", timeout=WAIT_MS)
    # Changed while no socket listens: no push can reach the page.
    off_loop(lambda: actions.do_update_site(None, ProtectedSite.objects.get(pk=warehouse), latitude=-8.0833))
    expect(status).to_have_attribute("data-state", "reconnecting")
    expect(page.locator(listed(page, warehouse))).not_to_have_attribute("data-lat", "-8.0833")

    sockets.refusing = False
    expect(status).to_have_attribute("data-state", "live", timeout=WAIT_MS)
    expect(page.locator(listed(page, warehouse))).to_have_attribute("data-lat", "-8.0833", timeout=WAIT_MS)
    assert len(sockets.connected) == 2
    assert page.evaluate("window.stillTheSamePage") is True  # caught up without a reload

    # The new socket carries pushes again.
    office = demo.site_ids["Kantor KPU Kota Blitar"]
    off_loop(lambda: actions.do_update_site(None, ProtectedSite.objects.get(pk=office), latitude=-8.0988))
    expect(page.locator(listed(page, office))).to_have_attribute("data-lat", "-8.0988", timeout=WAIT_MS)


def test_a_user_moved_while_the_socket_was_down_gets_the_new_units_map_on_reconnect(
    demo: Demo, browser: Browser, asgi_server: LiveServer
) -> None:
    """No socket listens when the user is moved from Polres Blitar Kota to Polres Jember, so no resync
    can be pushed; the reconnecting socket says it listens as Jember now, and the page reloads."""
    page = new_page(browser)
    sockets = SocketGate(page)
    log_in(page, asgi_server, "ops.blitar", DEMO_PASSWORD)
    open_map(page, asgi_server)
    assert marker_ids(page) == demo.visible["ops.blitar"]
    page.evaluate("window.stillTheSamePage = true")

    sockets.refusing = True
    sockets.drop()
    status = page.locator("#live-status")
    expect(status).to_have_attribute("data-state", "reconnecting", timeout=WAIT_MS)

    def move_to_jember() -> None:
        user = get_user_model().objects.get(username="ops.blitar")
        actions.do_set_membership(user, role=user.membership.role, unit=Unit.objects.get(name="Polres Jember"))

    off_loop(move_to_jember)
    sockets.refusing = False
    expect(status).to_have_attribute("data-state", "live", timeout=WAIT_MS)
    jember = demo.visible["ops.jember"]
    page.wait_for_function(
        "ids => { const shown = [...document.querySelectorAll('path.site-marker')].map(p => Number(p.dataset.siteId));"
        " return shown.length === ids.length && ids.every(id => shown.includes(id)); }",
        arg=sorted(jember), timeout=WAIT_MS)
    assert marker_ids(page) == jember and not marker_ids(page) & demo.visible["ops.blitar"]
    assert page.evaluate("window.stillTheSamePage") is True


def test_the_map_is_usable_on_a_360_pixel_phone(demo: Demo, browser: Browser, asgi_server: LiveServer) -> None:
    page = new_page(browser, width=360, height=740)
    log_in(page, asgi_server, "ops.blitar", DEMO_PASSWORD)
    open_map(page, asgi_server)

    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing sticks out sideways
    box = page.locator("#livemap").bounding_box()
    assert box is not None and box["width"] >= 340 and box["height"] >= 400
    for marker in page.locator("path.site-marker").all():
        spot = marker.bounding_box()
        assert spot is not None
        assert box["x"] <= spot["x"] and spot["x"] + spot["width"] <= box["x"] + box["width"]
        assert box["y"] <= spot["y"] and spot["y"] + spot["height"] <= box["y"] + box["height"]

    panel = page.locator("#livemap-sites")
    expect(panel).not_to_have_attribute("open", "")  # folded away, the map first
    page.click("#livemap-sites summary")
    expect(page.locator("#site-list li")).to_have_count(len(demo.visible["ops.blitar"]))
    page.locator("#site-list li button").first.click()
    expect(page.locator(".leaflet-popup")).to_be_visible()
    expect(panel).not_to_have_attribute("open", "")  # folded again, so the popup can be read
