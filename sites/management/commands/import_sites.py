"""Import protected sites from a CSV or XLSX list as a given user: all rows or none."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sites import importing
from sites.actions_import import SiteImportError, check_site_import, do_import_sites, file_error_message, read_site_file


class Command(BaseCommand):
    help = "Import protected sites from a CSV or XLSX file, checked as the given user; nothing is stored on any error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV or XLSX list, one site per row")
        parser.add_argument("--user", required=True, help="username whose unit and role the import runs as")
        parser.add_argument("--dry-run", action="store_true", help="check every row and store nothing")

    def handle(self, *args: Any, file: Path, user: str, dry_run: bool, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(_("No user named “%(user)s”.") % {"user": user})
        try:
            if file.stat().st_size > settings.SITE_IMPORT_MAX_BYTES:
                raise importing.too_large(settings.SITE_IMPORT_MAX_BYTES)
            rows = read_site_file(file.read_bytes(), file.name)
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}) from exc
        except importing.ImportFileError as exc:
            raise CommandError(file_error_message(exc)) from exc
        try:
            if dry_run:
                count = len(check_site_import(actor, rows))
                self.stdout.write(ngettext(
                    "%(count)d site would be created; nothing was stored (dry run).",
                    "%(count)d sites would be created; nothing was stored (dry run).", count) % {"count": count})
                return
            result = do_import_sites(actor, rows)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except SiteImportError as exc:
            for error in exc.row_errors:
                self.stderr.write(_("line %(line)s, %(field)s: %(message)s")
                                  % {"line": error.line, "field": error.field, "message": error.message})
            raise CommandError(exc.summary) from exc
        self.stdout.write(self.style.SUCCESS(ngettext(
            "%(count)d site created.", "%(count)d sites created.", result.created) % {"count": result.created}))
