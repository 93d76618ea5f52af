"""Import personnel from a CSV or XLSX list as a given user: all rows or none."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from patrols.actions.imports import check_personnel_import, do_import_personnel, read_personnel_file
from sites.management.lists import read_list, run_import, user_named


class Command(BaseCommand):
    help = "Import personnel from a CSV or XLSX file, checked as the given user; nothing is stored on any error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV or XLSX list, one person per row")
        parser.add_argument("--user", required=True, help="username whose unit and role the import runs as")
        parser.add_argument("--dry-run", action="store_true", help="check every row and store nothing")

    def handle(self, *args: Any, file: Path, user: str, dry_run: bool, **options: Any) -> None:
        actor = user_named(user)
        rows = read_list(file, settings.SITE_IMPORT_MAX_BYTES, read_personnel_file)
        if dry_run:
            count = len(run_import(self, lambda: check_personnel_import(actor, rows)))
            self.stdout.write(_("%(count)d rows are valid; nothing was stored (dry run).") % {"count": count})
            return
        result = run_import(self, lambda: do_import_personnel(actor, rows))
        self.stdout.write(self.style.SUCCESS(_("%(created)d created, %(updated)d updated.")
                                             % {"created": result.created, "updated": result.updated}))
