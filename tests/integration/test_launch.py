"""The README's run command: everything starts on the embedded default, answers, and Ctrl-C stops it all.

Run twice on one data folder, it keeps the data and does not load the demo again.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.live_servers import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.integration


def start(var: Path, port: int, redis_port: int, simulator_port: int) -> subprocess.Popen[str]:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "OPSROOM_TEST_FAST_HASHER"}}
    env.update(OPSROOM_VAR_DIR=str(var), OPSROOM_PORT=str(port), OPSROOM_EMBEDDED_REDIS_PORT=str(redis_port),
               OPSROOM_SIMULATOR_PORT=str(simulator_port))
    # Its own session, as a terminal would give it, so SIGINT to the group is a Ctrl-C.
    return subprocess.Popen([sys.executable, "-m", "opsroom.launch", "run"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


def wait_healthy(port: int, process: subprocess.Popen[str], timeout_s: float = 90) -> dict[str, object]:
    deadline = time.monotonic() + timeout_s
    last: object = None
    while time.monotonic() < deadline:
        assert process.poll() is None, "the run command stopped early"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                return dict(json.load(response))
        except urllib.error.HTTPError as exc:
            last = exc.read().decode()
        except OSError as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"not healthy within {timeout_s} s: {last}")


def ctrl_c(process: subprocess.Popen[str]) -> tuple[str, list[psutil.Process]]:
    children = psutil.Process(process.pid).children(recursive=True)
    os.killpg(process.pid, signal.SIGINT)
    output, _ = process.communicate(timeout=60)
    return output, children


def test_run_serves_everything_and_ctrl_c_stops_every_process(tmp_path: Path) -> None:
    port, redis_port, simulator_port = free_port(), free_port(), free_port()
    process = start(tmp_path, port, redis_port, simulator_port)
    try:
        health = wait_healthy(port, process)
        assert health["status"] == "ok", health
        with urllib.request.urlopen(f"http://127.0.0.1:{simulator_port}/cameras.json", timeout=5) as response:
            assert len(json.load(response)["cameras"]) == 310
        assert health["database"] == {"ok": True, "vendor": "sqlite"}
    finally:
        output, children = ctrl_c(process)
    assert f"http://127.0.0.1:{port}/" in output
    assert "commander.jatim" in output and "opsroom-demo" in output
    assert f"http://127.0.0.1:{simulator_port}/cameras.json" in output
    assert len(children) >= 5  # Redis, web server, worker, beat, camera simulator
    _gone, alive = psutil.wait_procs(children, timeout=15)
    assert alive == [], f"left behind: {[p.cmdline() for p in alive]}"
    assert process.returncode == 0

    with sqlite3.connect(tmp_path / "opsroom.sqlite3") as db:
        db.execute("UPDATE sites_protectedsite SET notes = 'dijaga 24 jam' WHERE id = 1")
        sites_before = db.execute("SELECT COUNT(*) FROM sites_protectedsite").fetchone()[0]

    process = start(tmp_path, port, redis_port, simulator_port)
    try:
        wait_healthy(port, process)
    finally:
        ctrl_c(process)
    with sqlite3.connect(tmp_path / "opsroom.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM sites_protectedsite").fetchone()[0] == sites_before
        assert db.execute("SELECT notes FROM sites_protectedsite WHERE id = 1").fetchone()[0] == "dijaga 24 jam"
