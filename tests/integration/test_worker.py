"""The real Celery worker and /healthz: a heartbeat run by the worker makes the system healthy."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import pytest
from django.core.cache import cache

from opsroom.tasks import HEARTBEAT_KEY, heartbeat
from tests.live_servers import CeleryWorker, LiveServer

pytestmark = pytest.mark.integration

WAIT_S = 30


def healthz(server: LiveServer) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_without_a_worker_heartbeat_healthz_is_degraded(transactional_db: None, asgi_server: LiveServer) -> None:
    cache.delete(HEARTBEAT_KEY)
    status, body = healthz(asgi_server)
    assert status == 503
    assert body["status"] == "degraded"
    assert body["worker"]["ok"] is False
    assert body["database"]["ok"] and body["redis"]["ok"]


def test_worker_runs_the_heartbeat_and_healthz_reports_ok(
    transactional_db: None, asgi_server: LiveServer, celery_worker: CeleryWorker
) -> None:
    cache.delete(HEARTBEAT_KEY)
    heartbeat.delay()
    deadline = time.monotonic() + WAIT_S
    status, body = healthz(asgi_server)
    while status != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
        status, body = healthz(asgi_server)
    assert status == 200, body
    assert body["status"] == "ok"
    assert body["worker"]["ok"] is True
