"""The planner in a real browser against a real server and Celery worker: request a roster and watch it
finish, read its coverage, have a hand edit that breaks the rest rule refused; officers' shifts on a phone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from patrols.models import Assignment
from tests.browser.conftest import log_in, new_page, off_loop
from tests.conftest import World
from tests.live_servers import CeleryWorker, LiveServer
from tests.patrols import page_data

pytestmark = pytest.mark.browser

SOLVE_WAIT_MS = 90_000
WAIT_MS = 15_000


def screenshot(page: Page, name: str, tmp_path: Path) -> Path:
    """Kept where OPSROOM_SCREENSHOT_DIR says (to look at them), else with the test's files."""
    folder = Path(os.environ.get("OPSROOM_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    return path


def no_sideways_scroll(page: Page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"


@pytest.fixture
def small_unit(world: World) -> World:
    """Site A guarded around the clock in three 8-hour shifts; four officers of Polres A."""
    _op, phase = page_data.operation_around_today(world)
    page_data.roster_fixtures.requirement(world.site_a, phase, headcount=1)
    page_data.roster_fixtures.people(world.polres_a, 4)
    return world


def test_request_a_plan_watch_it_finish_and_read_its_coverage(
    small_unit: World, browser: Browser, asgi_server: LiveServer, celery_worker: CeleryWorker, tmp_path: Path
) -> None:
    page = new_page(browser, width=1440, height=900)
    log_in(page, asgi_server, "ops_a")
    page.goto(f"{asgi_server.url}/rosters/")
    # The form starts from the user's unit, the running operation and the coming week.
    page.click("#plan-request button[type=submit]")
    page.wait_for_url("**/rosters/plans/*/")
    expect(page.locator("#plan-progress")).to_be_visible()

    # Progress arrives live (or by polling); when the solve ends the page shows the result.
    expect(page.locator("#plan-status")).to_have_text("Succeeded", timeout=SOLVE_WAIT_MS)
    expect(page.locator("#plan-progress-label")).to_have_text("100%")
    expect(page.locator("#heatmap td.full")).to_have_count(21)  # 7 days x 3 shifts, all filled
    expect(page.locator("#heatmap td.empty")).to_have_count(0)
    expect(page.locator("#stat-gaps")).to_have_text("0")
    expect(page.locator("#people tbody tr")).to_have_count(4)
    title = page.locator("#heatmap td.full").first.get_attribute("title") or ""
    assert "1 of 1 filled" in title and "07:00" in title and "WIB" in title
    screenshot(page, "planner-1440x900.png", tmp_path)
    # On a phone the heatmap scrolls inside its box; the page itself does not.
    page.set_viewport_size({"width": 360, "height": 740})
    no_sideways_scroll(page)
    screenshot(page, "planner-360x740.png", tmp_path)


@pytest.fixture
def roster(world: World) -> page_data.Roster:
    """Made before the browser starts: Django's ORM does not run on Playwright's event loop."""
    return page_data.roster(world)


def test_a_hand_edit_that_breaks_the_rest_rule_is_refused_with_its_message(
    roster: page_data.Roster, browser: Browser, asgi_server: LiveServer, tmp_path: Path
) -> None:
    first, second = off_loop(lambda: list(roster.plan.assignments.order_by("starts_at")[:2]))
    page = new_page(browser, width=1280, height=800)
    log_in(page, asgi_server, "ops_a")
    page.goto(f"{asgi_server.url}/rosters/plans/{roster.plan.pk}/shift/?site={second.site_id}"
              f"&start={second.starts_at.isoformat().replace('+', '%2B')}")
    form = page.locator(f"[data-assignment-id='{second.pk}'] form.edit")

    form.locator("select").select_option(str(first.person_id))
    verdict = form.locator(".verdict")
    expect(verdict).to_have_class("verdict bad", timeout=WAIT_MS)
    expect(verdict).to_contain_text("would rest only 0 h between shifts (at least 8 h)")

    screenshot(page, "hand-edit-refused.png", tmp_path)
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages li.error")).to_contain_text("Not saved")
    expect(page.locator(".messages li.error")).to_contain_text("would rest only 0 h between shifts (at least 8 h)")
    stored = off_loop(lambda: Assignment.objects.get(pk=second.pk).person_id)
    assert stored == second.person_id


def test_my_shifts_on_a_phone(roster: page_data.Roster, browser: Browser, asgi_server: LiveServer,
                              tmp_path: Path) -> None:
    own = off_loop(lambda: roster.plan.assignments.filter(person=roster.officer,
                                                          ends_at__gte=timezone.now()).count())
    page = new_page(browser, width=360, height=740)
    log_in(page, asgi_server, "officer_a")
    page.goto(f"{asgi_server.url}/rosters/me/")
    expect(page.locator(".shift-card")).to_have_count(own)
    expect(page.locator(".shift-card .when").first).to_contain_text("WIB")
    no_sideways_scroll(page)
    screenshot(page, "my-shifts-360x740.png", tmp_path)
