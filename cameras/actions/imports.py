"""Importing cameras from a list into one unit: every row is checked first, then all are stored in one
bulk insert, or none.

The checks are those of every other way of registering a camera (``clean_camera_fields``, the
model's own validation); this module adds what only a list has: names instead of ids, line
numbers, duplicates inside the file, and the speed of one insert for a city's 300 cameras.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cameras import events, importing, secrets
from cameras.actions.registry import clean_camera_fields
from cameras.models import Camera
from cameras.models.registry import MAX_POLL_INTERVAL_S, MIN_POLL_INTERVAL_S
from sites.actions import check_editor
from sites.actions_import import ListImportError, RowError
from sites.importing import Row
from sites.models import Agency, ProtectedSite, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000

class CameraImportError(ListImportError):
    """Every row that cannot become a camera, so the sender fixes the list in one pass."""

    columns = tuple(importing.COLUMN_ALIASES)


# The file ----------------------------------------------------------------------------------------

def read_camera_file(data: bytes, filename: str) -> list[Row]:
    return importing.read_rows(data, filename, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


def read_camera_upload(upload: UploadedFile) -> list[Row]:
    """Rows of an uploaded list, refusing an oversized upload before reading it into memory."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise importing.too_large(MAX_BYTES)
    return read_camera_file(upload.read(MAX_BYTES + 1), upload.name or "")


# The rows ----------------------------------------------------------------------------------------

def check_camera_import(actor: User | None, unit: Unit, rows: list[Row]) -> list[Camera]:
    """Every row as an unsaved Camera of ``unit``; raise CameraImportError listing every problem."""
    if actor is not None:
        check_editor(actor, unit)
    agencies = {agency.name.casefold(): agency for agency in Agency.objects.all()}
    sites = {site.name.casefold(): site
             for site in ProtectedSite.objects.filter(unit__path__startswith=unit.path).select_related("unit")}
    stored = {name.casefold() for name in Camera.objects.filter(unit=unit).values_list("name", flat=True)}
    first_line: dict[str, int] = {}
    planned: list[Camera] = []
    errors: list[RowError] = []
    for row in rows:
        camera, problems = _check_row(row, unit, agencies, sites)
        key = row.values.get("name", "").casefold()
        if key and "name" not in problems:
            if key in stored:
                problems["name"] = _("%(unit)s already has a camera named “%(name)s”.") % {
                    "unit": unit.name, "name": row.values["name"]}
            elif key in first_line:
                problems["name"] = _("Line %(line)s of this file already has a camera named “%(name)s”.") % {
                    "line": first_line[key], "name": row.values["name"]}
            else:
                first_line[key] = row.line
        errors.extend(RowError(row.line, name, message) for name, message in problems.items())
        if camera is not None and not problems:
            planned.append(camera)
    if errors:
        raise CameraImportError(errors)
    return planned


@dataclass(frozen=True)
class ImportResult:
    cameras: list[Camera]

    @property
    def created(self) -> int:
        return len(self.cameras)


@transaction.atomic
def do_import_cameras(actor: User | None, unit: Unit, rows: list[Row]) -> ImportResult:
    """Register a camera for every row, or none: any problem in any row stores nothing."""
    planned = check_camera_import(actor, unit, rows)
    try:
        with transaction.atomic():
            # One insert for the whole list; SQLite and PostgreSQL hand back the new ids.
            created = Camera.objects.bulk_create(planned)
    except IntegrityError as exc:
        raise CameraImportError([RowError(0, "name", _("A camera of this list was stored meanwhile; "
                                                       "upload the list again."))]) from exc
    events.cameras_imported(unit, created)
    return ImportResult(created)


def _check_row(row: Row, unit: Unit, agencies: dict[str, Agency],
               sites: dict[str, ProtectedSite]) -> tuple[Camera | None, dict[str, str]]:
    values = {**dict.fromkeys(importing.COLUMN_ALIASES, ""), **row.values}
    problems: dict[str, str] = {}
    if row.extra_values:
        problems["row"] = _("The row has values in columns without a header.")
    for column in importing.REQUIRED_COLUMNS:
        if not values[column]:
            problems[column] = _("This field is required.")
    agency = agencies.get(values["agency"].casefold())
    if values["agency"] and agency is None:
        problems["agency"] = _("Unknown agency “%(agency)s”.") % {"agency": values["agency"]}
    site = sites.get(values["site"].casefold())
    if values["site"] and site is None:
        problems["site"] = _("Unknown site “%(site)s” in %(unit)s.") % {"site": values["site"], "unit": unit.name}
    kind = importing.parse_source_kind(values["source_kind"], values["url"])
    if kind is None:
        problems["source_kind"] = _("Unknown source “%(kind)s”; use http_jpeg, mjpeg or rtsp.") % {
            "kind": values["source_kind"]}
    interval = _interval(values["poll_interval_s"], problems)
    private = importing.parse_flag(values["private_area"])
    if private is None:
        problems["private_area"] = _("Write yes or no (ya or tidak), not “%(value)s”.") % {
            "value": values["private_area"]}
    fields: dict[str, Any] = {
        "name": values["name"], "unit": unit, "site": site, "agency": agency, "source_kind": kind or "",
        "url": values["url"], "poll_interval_s": interval, "poll_queue": values["poll_queue"],
        "covers": values["covers"],
        "private_area": bool(private), "enabled": True,
        "latitude": importing.normalise_decimal(values["latitude"]),
        "longitude": importing.normalise_decimal(values["longitude"]),
    }
    try:
        cleaned = clean_camera_fields(fields)
    except ValidationError as exc:
        _add_problems(problems, exc)
        return None, problems
    camera = Camera(**cleaned)
    try:
        camera.full_clean(exclude={"unit", "site", "agency", "masks", *problems}, validate_unique=False,
                          validate_constraints=False)
    except ValidationError as exc:
        _add_problems(problems, exc)
    if values["username"] or values["password"]:
        camera.credentials = secrets.seal(secrets.Credentials(values["username"], values["password"]))
    return camera, problems


def _interval(text: str, problems: dict[str, str]) -> int:
    if not text:
        return 60
    try:
        value = int(float(importing.normalise_decimal(text)))
    except (ValueError, OverflowError):
        problems["poll_interval_s"] = _("Enter a whole number of seconds, not “%(value)s”.") % {"value": text}
        return 60
    if not MIN_POLL_INTERVAL_S <= value <= MAX_POLL_INTERVAL_S:
        problems["poll_interval_s"] = _("The poll interval must be %(min)s to %(max)s seconds.") % {
            "min": MIN_POLL_INTERVAL_S, "max": MAX_POLL_INTERVAL_S}
    return value


def _add_problems(problems: dict[str, str], exc: ValidationError) -> None:
    for name, messages in exc.message_dict.items():
        problems.setdefault(name, " ".join(messages))
