"""Run the camera analysis on image files, as one camera's successive polls, and print why each
frame was judged as it was: one JSON object per line."""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cameras.analysis.frames import FrameReading, InvalidFrame, read_frame
from cameras.analysis.health import CONSECUTIVE, CameraHealth


class Command(BaseCommand):
    help = "Analyse image files as one camera's successive polls against a reference frame."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--reference", required=True, type=Path, help="the camera's reference frame")
        parser.add_argument("frames", nargs="+", type=Path, help="frames in the order they were polled")
        parser.add_argument(
            "--consecutive", type=int, default=CONSECUTIVE, help="polls that must agree before a status changes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["consecutive"] < 1:
            raise CommandError("--consecutive must be at least 1")
        reference = self._reference(options["reference"])
        health = CameraHealth(consecutive=options["consecutive"])
        for path in options["frames"]:
            data = _read(path)
            now = timezone.localtime()
            try:
                reading = read_frame(data)
            except InvalidFrame as error:
                observation = health.observe_invalid(str(error), now)
            else:
                observation = health.observe(reading, now, reference)
            line = {
                "frame": str(path),
                "verdict": observation.verdict.value,
                "status": observation.status.value,
                "changed": observation.changed,
                **observation.measurements,
            }
            self.stdout.write(json.dumps(line))

    def _reference(self, path: Path) -> FrameReading:
        try:
            return read_frame(_read(path))
        except InvalidFrame as error:
            raise CommandError(f"reference {path}: {error}") from error


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from error
