"""Load the demo data built from the field reports (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from sites.demo import load_demo


class Command(BaseCommand):
    help = "Create the demo units, agencies, sites, operations and one user per role (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        self.stdout.write(f"Demo data ready. Password for every demo login: {result['password']}")
        for login in result["logins"]:
            self.stdout.write(f"  {login['username']:<20} {login['role']:<14} {login['where']}")
