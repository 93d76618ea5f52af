"""Import cameras from a CSV or XLSX list into one unit: all rows or none."""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cameras import importing
from cameras.actions.imports import (
    MAX_BYTES,
    CameraImportError,
    check_camera_import,
    do_import_cameras,
    read_camera_file,
)
from sites.actions_import import file_error_message
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
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(_("No user named “%(user)s”.") % {"user": user})
        try:
            if file.stat().st_size > MAX_BYTES:
                raise importing.too_large(MAX_BYTES)
            rows = read_camera_file(file.read_bytes(), file.name)
        except OSError as exc:
            raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}) from exc
        except importing.ImportFileError as exc:
            raise CommandError(file_error_message(exc)) from exc
        try:
            if dry_run:
                count = len(check_camera_import(actor, target, rows))
                self.stdout.write(ngettext(
                    "%(count)d camera would be registered; nothing was stored (dry run).",
                    "%(count)d cameras would be registered; nothing was stored (dry run).", count) % {"count": count})
                return
            result = do_import_cameras(actor, target, rows)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except CameraImportError as exc:
            for error in exc.row_errors:
                self.stderr.write(_("line %(line)s, %(field)s: %(message)s")
                                  % {"line": error.line, "field": error.field, "message": error.message})
            raise CommandError(exc.summary) from exc
        self.stdout.write(self.style.SUCCESS(ngettext(
            "%(count)d camera registered.", "%(count)d cameras registered.", result.created)
            % {"count": result.created}))
