"""Real processes for integration and browser tests, run against the test database and test Redis.

Registered as a pytest plugin by ``tests/conftest.py``, so every test folder shares one of each:

- ``asgi_server``: daphne serving ``opsroom.asgi:application`` (HTTP and ``ws/live/``) on a free
  loopback port; a ``LiveServer`` with ``url`` and ``ws_url``.
- ``celery_worker``: a Celery worker on the default, cameras and roster queues (thread pool); a
  ``CeleryWorker`` with its ``nodename``.

Both are session-scoped and started on first use. They read the test database, so a test that
uses them must commit its data: request ``transactional_db`` (pytest-django). A part that cannot
start fails the test that asked for it, with the end of its log. ``session_cookie`` and
``connect_socket`` let a test speak to the server as a user.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from websockets.sync.client import ClientConnection
from websockets.sync.client import connect as ws_connect

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class LiveServer:
    url: str
    ws_url: str
    log: Path


@dataclass(frozen=True)
class CeleryWorker:
    nodename: str
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database_url(settings_dict: dict[str, Any]) -> str:
    """A DATABASE_URL naming the test database this process uses (not the one in the environment)."""
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return f"sqlite:///{settings_dict['NAME']}"
    if engine == "django.db.backends.postgresql":
        user = quote(settings_dict.get("USER") or "", safe="")
        password = quote(settings_dict.get("PASSWORD") or "", safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(settings_dict['NAME'], safe='')}"
    raise RuntimeError(f"Live-server tests do not know how to share a {engine} test database")


def wait_until(ready: Callable[[], bool], process: subprocess.Popen[bytes], what: str, log: Path,
               timeout_s: float = START_TIMEOUT_S) -> None:
    """Poll until ready; fail the test (never skip) with the log's end if the part dies or stalls."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} exited with code {process.returncode} while starting:\n{log_tail(log)}")
        if ready():
            return
        time.sleep(0.2)
    stop(process)
    pytest.fail(f"{what} was not ready within {timeout_s:.0f} s:\n{log_tail(log)}")


def log_tail(log: Path, lines: int = 40) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        # Its own process group, so that stopping it also stops whatever it started.
        return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)


def stop(process: subprocess.Popen[bytes], grace_s: float = 10.0) -> None:
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture(scope="session")
def live_env(django_db_setup: None, django_db_blocker: Any) -> dict[str, str]:
    """The environment of a started part: this run's test database, Redis and password hasher."""
    with django_db_blocker.unblock():
        url = database_url(connection.settings_dict)
    return dict(os.environ, DATABASE_URL=url, REDIS_URL=settings.REDIS_URL, OPSROOM_TEST_FAST_HASHER="1",
                DJANGO_SETTINGS_MODULE="opsroom.settings", PYTHONUNBUFFERED="1")


@pytest.fixture(scope="session")
def asgi_server(live_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    port = free_port()
    log = tmp_path_factory.mktemp("asgi") / "daphne.log"
    process = spawn([sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                     "opsroom.asgi:application"], live_env, log)
    server = LiveServer(url=f"http://127.0.0.1:{port}", ws_url=f"ws://127.0.0.1:{port}", log=log)

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"{server.url}/account/login/", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    try:
        wait_until(answers, process, "The ASGI server (daphne)", log)
        yield server
    finally:
        stop(process)


@pytest.fixture(scope="session")
def celery_worker(live_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[CeleryWorker]:
    from opsroom.celery import app

    nodename = f"test-{uuid.uuid4().hex[:8]}@localhost"
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    process = spawn([sys.executable, "-m", "celery", "-A", "opsroom", "worker", "-Q", "default,cameras,roster",
                     "-P", "threads", "--concurrency", "4", "-n", nodename, "--loglevel", "INFO",
                     "--without-gossip", "--without-mingle"], live_env, log)

    def answers() -> bool:
        return bool(app.control.ping(destination=[nodename], timeout=0.5))

    try:
        wait_until(answers, process, "The Celery worker", log)
        yield CeleryWorker(nodename=nodename, log=log)
    finally:
        stop(process)


def session_cookie(user: Any) -> str:
    """A committed session for the user (as after logging in), for a socket or HTTP client."""
    client = Client()
    client.force_login(user)
    return str(client.cookies[settings.SESSION_COOKIE_NAME].value)


def connect_socket(server: LiveServer, cookie: str | None, path: str = "/ws/live/") -> ClientConnection:
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"} if cookie else None
    return ws_connect(f"{server.ws_url}{path}", origin=server.url, additional_headers=headers,  # type: ignore[arg-type]
                      open_timeout=10)
