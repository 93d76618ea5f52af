"""Import cameras from a CSV or XLSX list into one unit: all rows or none."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cameras.actions.imports import MAX_BYTES, check_camera_import, do_import_cameras, read_camera_file
from sites.management.lists import read_list, run_import, user_named
from sites.models import Unit


class Command(BaseCommand):
    help = ("Import cameras from a CSV or XLSX file into a unit; nothing is stored on any error. Runs as the "
            "operator (no role check) unless --user is given.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV or XLSX list, one camera per row")
        parser.add_argument("--unit", required=True, type=int, help="id of the unit the cameras are registered to")
        parser.add_argument("--user", help="username whose role and unit the import is checked against")
        parser.add_argument("--dry-run", action="store_true", help="check every row and store nothing")

    def handle(self, *args: Any, file: Path, unit: int, user: str | None, dry_run: bool, **options: Any) -> None:
        target = Unit.objects.filter(pk=unit).first()
        if target is None:
            raise CommandError(_("No unit with id %(id)s.") % {"id": unit})
        actor = user_named(user) if user else None
        rows = read_list(file, MAX_BYTES, read_camera_file)
        if dry_run:
            count = len(run_import(self, lambda: check_camera_import(actor, target, rows)))
            self.stdout.write(ngettext(
                "%(count)d camera would be registered; nothing was stored (dry run).",
                "%(count)d cameras would be registered; nothing was stored (dry run).", count) % {"count": count})
            return
        result = run_import(self, lambda: do_import_cameras(actor, target, rows))
        self.stdout.write(self.style.SUCCESS(ngettext(
            "%(count)d camera registered.", "%(count)d cameras registered.", result.created)
            % {"count": result.created}))
