"""Browser tests: Debian's Chromium driven by Playwright, reaching nothing beyond loopback.

``browser`` starts after the test database is ready and stops before it is flushed. While it runs,
Playwright's event loop sits in the test's thread, where Django's ORM and ``async_to_sync`` refuse
to work: run Django code in the middle of a browser test through ``off_loop``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar
from urllib.parse import urlsplit

import pytest
from django.db import connections
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright

from tests.factories import PASSWORD
from tests.live_servers import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "[::1]"}
T = TypeVar("T")


@pytest.fixture
def browser(transactional_db: None) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _loopback_only(route: Route) -> None:
    # Map tiles and anything else from outside would leave the machine: refuse them.
    if urlsplit(route.request.url).hostname in LOOPBACK:
        route.continue_()
    else:
        route.abort()


def prefer_english(context: BrowserContext) -> None:
    """Tests read English messages; Indonesian is the default unless this cookie chooses otherwise."""
    context.add_cookies([{"name": "django_language", "value": "en", "domain": "127.0.0.1", "path": "/"}])


def new_page(browser: Browser, *, width: int = 1280, height: int = 800) -> Page:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
    prefer_english(context)
    context.route("**/*", _loopback_only)
    return context.new_page()


def log_in(page: Page, server: LiveServer, username: str, password: str = PASSWORD) -> None:
    """Through the real login form (django-axes watches it), landing wherever the home page sends."""
    page.goto(f"{server.url}/account/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/account/login/" not in url)


def off_loop(work: Callable[..., T], *args: object, **kwargs: object) -> T:
    """Run Django code in a thread of its own, away from Playwright's event loop."""

    def run() -> T:
        try:
            return work(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()
