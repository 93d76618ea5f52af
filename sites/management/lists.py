"""What the list-import commands (import_sites, import_personnel, import_cameras) share: finding the
user they run as, reading the file under its size cap, and turning refusals into CommandError with
every bad row on stderr."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sites.actions_import import ListImportError, file_error_message
from sites.importing import ImportFileError, too_large

T = TypeVar("T")


def user_named(username: str) -> Any:
    actor = get_user_model().objects.filter(username=username).first()
    if actor is None:
        raise CommandError(_("No user named “%(user)s”.") % {"user": username})
    return actor


def read_list(file: Path, max_bytes: int, read: Callable[[bytes, str], T]) -> T:
    """``read(data, name)`` of the file; too large, unreadable or malformed: CommandError saying why."""
    try:
        if file.stat().st_size > max_bytes:
            raise too_large(max_bytes)
        return read(file.read_bytes(), file.name)
    except OSError as exc:
        raise CommandError(_("Cannot read %(file)s: %(reason)s") % {"file": file, "reason": exc.strerror}) from exc
    except ImportFileError as exc:
        raise CommandError(file_error_message(exc)) from exc


def run_import(command: BaseCommand, work: Callable[[], T]) -> T:
    """``work()``; a refusal becomes CommandError, with each bad row's line on the command's stderr."""
    try:
        return work()
    except PermissionDenied as exc:
        raise CommandError(str(exc)) from exc
    except ListImportError as exc:
        for error in exc.row_errors:
            command.stderr.write(_("line %(line)s, %(field)s: %(message)s")
                                 % {"line": error.line, "field": error.field, "message": error.message})
        raise CommandError(exc.summary) from exc
