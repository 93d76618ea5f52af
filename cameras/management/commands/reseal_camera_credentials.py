"""Seal every stored camera credential again with the newest key of OPSROOM_CAMERA_CREDENTIAL_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cameras.actions.registry import do_reseal_credentials


class Command(BaseCommand):
    help = ("After putting a new key first in OPSROOM_CAMERA_CREDENTIAL_KEYS: seal every stored camera "
            "credential again with it, so that the old keys can be dropped. --dry-run only counts.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be sealed again, write nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        report = do_reseal_credentials(dry_run=options["dry_run"])
        verb = "would seal" if options["dry_run"] else "sealed"
        self.stdout.write(f"{verb} the credentials of {report.resealed} cameras with the newest key; "
                          f"{report.current} already were")
        if report.unreadable:
            ids = ", ".join(str(pk) for pk in report.unreadable)
            raise CommandError(
                f"the credentials of {len(report.unreadable)} cameras open with none of the configured keys "
                f"(camera ids {ids}): enter them again on each camera's page, and keep the old keys until then")
