"""Import protected sites from a CSV or XLSX list as a given user: all rows or none."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import ngettext

from sites.actions_import import check_site_import, do_import_sites, read_site_file
from sites.management.lists import read_list, run_import, user_named


class Command(BaseCommand):
    help = "Import protected sites from a CSV or XLSX file, checked as the given user; nothing is stored on any error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV or XLSX list, one site per row")
        parser.add_argument("--user", required=True, help="username whose unit and role the import runs as")
        parser.add_argument("--dry-run", action="store_true", help="check every row and store nothing")

    def handle(self, *args: Any, file: Path, user: str, dry_run: bool, **options: Any) -> None:
        actor = user_named(user)
        rows = read_list(file, settings.SITE_IMPORT_MAX_BYTES, read_site_file)
        if dry_run:
            count = len(run_import(self, lambda: check_site_import(actor, rows)))
            self.stdout.write(ngettext(
                "%(count)d site would be created; nothing was stored (dry run).",
                "%(count)d sites would be created; nothing was stored (dry run).", count) % {"count": count})
            return
        result = run_import(self, lambda: do_import_sites(actor, rows))
        self.stdout.write(self.style.SUCCESS(ngettext(
            "%(count)d site created.", "%(count)d sites created.", result.created) % {"count": result.created}))
