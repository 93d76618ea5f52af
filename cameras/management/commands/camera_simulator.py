"""``manage.py camera_simulator``: serve virtual cameras over HTTP on loopback until SIGINT/SIGTERM.

Prints ``Camera simulator: http://127.0.0.1:PORT serving N cameras`` once it listens (port 0 picks
a free port, and the line tells which); ``GET /cameras.json`` lists the cameras and their URLs.
"""

from __future__ import annotations

import asyncio
import signal
import time
from typing import Any

from aiohttp import web
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cameras.simulator.scenes import Behaviour, Resolution
from cameras.simulator.server import HOST, CameraPlan, Timing, build_app


class Command(BaseCommand):
    help = "Serve simulated cameras (healthy and faulty) over HTTP on 127.0.0.1."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8554, help="TCP port on 127.0.0.1; 0 picks a free one")
        parser.add_argument(
            "--cameras",
            default="healthy:10",
            help="Plan: behaviour:count or id=behaviour items, optional @WxH, comma-separated. Behaviours: "
            + ", ".join(behaviour.value for behaviour in Behaviour),
        )
        parser.add_argument("--resolution", default="1920x1080", help="Default WIDTHxHEIGHT")
        parser.add_argument("--slow-delay", type=float, default=3.0, help="Seconds a slow camera waits")
        parser.add_argument("--frame-interval", type=float, default=1.0,
                            help="Seconds between the pictures of an MJPEG stream")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            plan = CameraPlan.from_spec(options["cameras"], Resolution.parse(options["resolution"]))
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if options["slow_delay"] < 0 or options["frame_interval"] <= 0:
            raise CommandError("--slow-delay must be >= 0 and --frame-interval > 0")
        timing = Timing(slow_delay_s=options["slow_delay"], frame_interval_s=options["frame_interval"])
        asyncio.run(self.serve(plan, timing, options["port"]))

    async def serve(self, plan: CameraPlan, timing: Timing, port: int) -> None:
        started = time.monotonic()
        app = build_app(plan, timing)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, HOST, port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise CommandError(f"Cannot listen on {HOST}:{port}: {exc}") from exc
        bound_port = runner.addresses[0][1]
        self.stdout.write(
            f"Camera simulator: http://{HOST}:{bound_port} serving {len(plan)} cameras "
            f"(ready in {time.monotonic() - started:.1f} s)"
        )
        self.stdout.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
        self.stdout.write("Camera simulator stopped")
