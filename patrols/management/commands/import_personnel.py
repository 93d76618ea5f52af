"""Import personnel from a CSV or XLSX list as a given user: all rows or none."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from patrols import importing
from patrols.actions.imports import (
    PersonnelImportError,
    check_personnel_import,
    do_import_personnel,
    read_personnel_file,
)
from sites.actions_import import file_error_message
from sites.importing import too_large


class Command(BaseCommand):
    help = "Import personnel from a CSV or XLSX file, checked as the given user; nothing is stored on any error."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="CSV or XLSX list, one person per row")
        parser.add_argument("--user", required=True, help="username whose unit and role the import runs as")
        parser.add_argument("--dry-run", action="store_true", help="check every row and store nothing")

    def handle(self, *args: Any, file: Path, user: str, dry_run: bool, **options: Any) -> None:
        actor = get_user_model().objects.filter(username=user).first()
        if actor is None:
            raise CommandError(_("No user named “%(user)s”.") % {"user": user})
        try:
            if file.stat().st_size > settings.SITE_IMPORT_MAX_BYTES:
                raise too_large(settings.SITE_IMPORT_MAX_BYTES)
            rows = read_personnel_file(file.read_bytes(), file.name)
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}) from exc
        except importing.ImportFileError as exc:
            raise CommandError(file_error_message(exc)) from exc
        try:
            if dry_run:
                count = len(check_personnel_import(actor, rows))
                self.stdout.write(_("%(count)d rows are valid; nothing was stored (dry run).") % {"count": count})
                return
            result = do_import_personnel(actor, rows)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except PersonnelImportError as exc:
            for error in exc.row_errors:
                self.stderr.write(_("line %(line)s, %(field)s: %(message)s")
                                  % {"line": error.line, "field": error.field, "message": error.message})
            raise CommandError(exc.summary) from exc
        self.stdout.write(self.style.SUCCESS(_("%(created)d created, %(updated)d updated.")
                                             % {"created": result.created, "updated": result.updated}))
