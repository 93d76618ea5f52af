"""Load the demo data built from the field reports (idempotent): sites, units and users, the cameras, then
personnel and guard requirements."""

import os
from typing import Any

from django.core.management.base import BaseCommand

from cameras.demo import load_demo_cameras
from cameras.simulator.scenes import Resolution
from cameras.simulator.server import CameraPlan
from opsroom.launch import DEMO_CAMERAS
from patrols.demo import load_patrols_demo
from sites.demo import load_demo


class Command(BaseCommand):
    help = ("Create the demo units, agencies, sites, operations, one user per role, and the demo cameras "
            "pointing at the camera simulator of the run command, personnel and guard requirements (idempotent).")

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        port = int(os.environ.get("OPSROOM_SIMULATOR_PORT", "8554"))
        plan = CameraPlan.from_spec(DEMO_CAMERAS, Resolution.parse("1280x720"))
        cameras = load_demo_cameras(f"http://127.0.0.1:{port}", [camera.camera_id for camera in plan])
        rosters = load_patrols_demo()
        self.stdout.write(f"Demo data ready. Password for every demo login: {result['password']}")
        for login in result["logins"]:
            self.stdout.write(f"  {login['username']:<20} {login['role']:<14} {login['where']}")
        self.stdout.write(f"Demo cameras: {cameras.registered} registered, {cameras.imported} imported from the "
                          f"city's list{', KPU grant approved' if cameras.grant else ''}.")
        self.stdout.write(f"Demo rosters: {rosters['personnel']} personnel and {rosters['requirements']} "
                          "guard requirements added.")
