"""Importing protected sites from a list: every row is checked first, then all are stored in one
transaction, or none.

The checks are the ones every other way of creating a site goes through (``clean_site_fields``,
the model's own validation, ``do_create_site``); this module adds what only a list has: names
instead of ids, line numbers, and duplicates inside the file.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sites import actions, importing
from sites.choices import Priority, SiteKind
from sites.importing import ImportFileError, Row
from sites.models import Agency, ProtectedSite, SiteContact, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

# What people write in the "kind" column besides the code: the English label and the Indonesian words.
SITE_KIND_ALIASES: dict[str, tuple[str, ...]] = {
    SiteKind.KPU_OFFICE: ("KPU office", "Kantor KPU", "Kantor KPUD", "KPU", "KPUD"),
    SiteKind.BAWASLU_OFFICE: ("Bawaslu office", "Kantor Bawaslu", "Bawaslu"),
    SiteKind.LOGISTICS_WAREHOUSE: ("Logistics warehouse", "Gudang logistik", "Gudang logistik KPU", "Gudang"),
    SiteKind.RECAPITULATION_VENUE: ("Recapitulation venue", "Tempat rekapitulasi", "Lokasi rekapitulasi"),
    SiteKind.REGENT_OFFICE: ("Regent's office", "Kantor bupati", "Kantor wali kota", "Kantor walikota",
                             "Kompleks perkantoran bupati"),
    SiteKind.DPRD_OFFICE: ("DPRD office", "Kantor DPRD", "Gedung DPRD", "DPRD"),
    SiteKind.POLLING_STATION: ("Polling station", "Polling station (TPS)", "TPS", "Tempat pemungutan suara"),
    SiteKind.OTHER: ("Other", "Lainnya", "Lain-lain"),
}
PRIORITY_WORDS: dict[str, int] = {
    "critical": Priority.CRITICAL, "kritis": Priority.CRITICAL,
    "high": Priority.HIGH, "tinggi": Priority.HIGH,
    "medium": Priority.MEDIUM, "sedang": Priority.MEDIUM,
    "low": Priority.LOW, "rendah": Priority.LOW,
}


def _word_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip()


_KIND_BY_WORDS = {
    _word_key(alias): kind
    for kind, aliases in SITE_KIND_ALIASES.items()
    for alias in (kind, *aliases)
}


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    message: str


class ListImportError(ValidationError):
    """Every row of a list that cannot be stored, so the sender fixes the list in one pass.

    Subclasses name their columns: one row's errors are listed in the order of the template file.
    """

    columns: tuple[str, ...] = ()

    def __init__(self, errors: list[RowError]) -> None:
        order = {name: index for index, name in enumerate(("row", *self.columns))}
        self.row_errors = sorted(errors, key=lambda error: (error.line, order.get(error.field, 99)))
        super().__init__([
            _("Line %(line)s, %(field)s: %(message)s")
            % {"line": error.line, "field": error.field, "message": error.message}
            for error in self.row_errors
        ])

    @property
    def summary(self) -> str:
        lines = len({error.line for error in self.row_errors})
        return ngettext(
            "%(count)d row has errors; nothing was stored.", "%(count)d rows have errors; nothing was stored.", lines
        ) % {"count": lines}

    def rows_as_dicts(self) -> list[dict[str, Any]]:
        return [{"line": error.line, "field": error.field, "message": error.message} for error in self.row_errors]


class SiteImportError(ListImportError):
    """The rows that cannot become sites."""

    columns = tuple(importing.COLUMN_ALIASES)


@dataclass(frozen=True)
class PlannedSite:
    """A row that passed every check, ready for ``do_create_site``."""

    line: int
    fields: dict[str, Any]
    contacts: list[dict[str, str]]


@dataclass(frozen=True)
class ImportResult:
    sites: list[ProtectedSite]

    @property
    def created(self) -> int:
        return len(self.sites)


# The file ----------------------------------------------------------------------------------------

def read_site_file(data: bytes, filename: str) -> list[Row]:
    """Rows of a CSV or XLSX list within the configured limits; raises ImportFileError."""
    return importing.read_rows(
        data, filename, max_bytes=settings.SITE_IMPORT_MAX_BYTES, max_rows=settings.SITE_IMPORT_MAX_ROWS
    )


def read_site_upload(upload: UploadedFile) -> list[Row]:
    """Like ``read_site_file``, refusing an oversized upload before reading it into memory."""
    if upload.size is not None and upload.size > settings.SITE_IMPORT_MAX_BYTES:
        raise importing.too_large(settings.SITE_IMPORT_MAX_BYTES)
    return read_site_file(upload.read(settings.SITE_IMPORT_MAX_BYTES + 1), upload.name or "")


def file_error_message(error: ImportFileError) -> str:
    """The reason a file cannot be read, in the reader's language."""
    template = _(error.template)
    return template % error.params if error.params else template


# The rows ----------------------------------------------------------------------------------------

def check_site_import(actor: User, rows: list[Row]) -> list[PlannedSite]:
    """Check every row as ``do_create_site`` would; raise SiteImportError listing every problem."""
    actions.check_editor(actor, None)
    units = {unit.name.casefold(): unit for unit in Unit.objects.visible_to(actor)}
    agencies = {agency.name.casefold(): agency for agency in Agency.objects.visible_to(actor)}
    wanted = {row.values.get("unit", "").casefold() for row in rows}
    used_units = [unit.pk for name, unit in units.items() if name in wanted]
    stored_names = set(ProtectedSite.objects.filter(unit_id__in=used_units).values_list("unit_id", "name"))
    first_line: dict[tuple[int, str], int] = {}
    planned: list[PlannedSite] = []
    errors: list[RowError] = []
    for row in rows:
        site, problems = _check_row(row, units, agencies)
        if site is not None:
            duplicate = _duplicate_name(site, stored_names, first_line)
            if duplicate:
                problems.setdefault("name", duplicate)
        errors.extend(RowError(row.line, name, message) for name, message in problems.items())
        if site is not None and not problems:
            planned.append(site)
    if errors:
        raise SiteImportError(errors)
    return planned


def _duplicate_name(site: PlannedSite, stored: set[tuple[int, str]], first_line: dict[tuple[int, str], int]) -> str:
    """Why the name is taken in its unit (stored already, or earlier in the file); empty when it is free."""
    unit, name = site.fields["unit"], site.fields["name"]
    key = (unit.pk, name)
    if key in stored:
        return _("%(unit)s already has a site named “%(name)s”.") % {"unit": unit, "name": name}
    if key in first_line:
        return _("Line %(line)s of this file already has a site named “%(name)s” in %(unit)s.") % {
            "line": first_line[key], "name": name, "unit": unit}
    first_line[key] = site.line
    return ""


@transaction.atomic
def do_import_sites(actor: User, rows: list[Row]) -> ImportResult:
    """Create a site for every row, or none: any problem in any row stores nothing."""
    created = []
    for site in check_site_import(actor, rows):
        try:
            created.append(actions.do_create_site(actor, contacts=site.contacts, **site.fields))
        except ValidationError as exc:
            # Something changed between the check and the write; the whole import rolls back.
            raise SiteImportError(_row_errors(site.line, exc)) from exc
        except IntegrityError as exc:
            raise SiteImportError([RowError(site.line, "name", _("A site with this name was stored meanwhile."))]) \
                from exc
    return ImportResult(created)


def _check_row(
    row: Row, units: dict[str, Unit], agencies: dict[str, Agency]
) -> tuple[PlannedSite | None, dict[str, str]]:
    """The row as site fields and its problems by column; no site when the unit or the fields are unusable."""
    values = {**dict.fromkeys(importing.COLUMN_ALIASES, ""), **row.values}
    problems: dict[str, str] = {}
    if row.extra_values:
        problems["row"] = _("The row has values in columns without a header.")
    for column in importing.REQUIRED_COLUMNS:
        if not values[column]:
            problems[column] = _("This field is required.")
    fields: dict[str, Any] = {name: values[name] for name in ("name", "address", "notes")}
    if values["kind"]:
        fields["kind"] = _KIND_BY_WORDS.get(_word_key(values["kind"]), values["kind"])
    for name in ("latitude", "longitude"):
        if values[name]:
            fields[name] = importing.normalise_decimal(values[name])
    if values["time_zone"]:
        fields["time_zone"] = values["time_zone"]
    if values["priority"]:
        priority = _priority(values["priority"])
        if priority is None:
            problems["priority"] = _("Unknown priority “%(priority)s”; use 1 (critical) to 4 (low).") % {
                "priority": values["priority"]}
        else:
            fields["priority"] = priority
    if values["perimeter"]:
        try:
            fields["perimeter"] = json.loads(values["perimeter"])
        except ValueError:
            problems["perimeter"] = _("The perimeter must be a GeoJSON Polygon or a list of [longitude, latitude].")
    unit = units.get(values["unit"].casefold())
    if values["unit"] and unit is None:
        # A unit outside the importer's view reads as unknown, exactly like a name that does not exist.
        problems["unit"] = _("Unknown unit “%(unit)s”.") % {"unit": values["unit"]}
    agency = agencies.get(values["agency"].casefold())
    if values["agency"] and agency is None:
        problems["agency"] = _("Unknown agency “%(agency)s”.") % {"agency": values["agency"]}
    contacts, contact_problems = _contacts(values["contact_name"], values["contact_phone"])
    problems.update(contact_problems)
    try:
        cleaned = actions.clean_site_fields(fields)
    except ValidationError as exc:
        _add_problems(problems, exc)
        return None, problems
    site = ProtectedSite(unit=unit, agency=agency, **cleaned)
    if unit is not None and not site.time_zone:
        site.time_zone = unit.time_zone
    exclude = {"unit", "agency", *problems} | (set() if site.time_zone else {"time_zone"})
    try:
        site.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        _add_problems(problems, exc)
    if unit is None:
        return None, problems
    return PlannedSite(row.line, {**cleaned, "unit": unit, "agency": agency}, contacts), problems


def _add_problems(problems: dict[str, str], exc: ValidationError) -> None:
    for name, messages in exc.message_dict.items():
        problems.setdefault(name, " ".join(messages))


def _priority(text: str) -> int | None:
    # "2", "2 - High" (the label shown in Opsroom) or the word in English or Indonesian.
    match = re.fullmatch(r"([1-4])(?:\s*-.*)?", text.strip())
    if match:
        return int(match.group(1))
    return PRIORITY_WORDS.get(_word_key(text))


def _contacts(name: str, phone: str) -> tuple[list[dict[str, str]], dict[str, str]]:
    if not name and not phone:
        return [], {}
    if not name:
        return [], {"contact_name": _("A contact phone needs a contact name.")}
    contact = SiteContact(name=name, phone=phone)
    try:
        contact.full_clean(exclude=["site"])
    except ValidationError as exc:
        return [], {f"contact_{field}": " ".join(messages) for field, messages in exc.message_dict.items()}
    return [{"name": name, "phone": phone}], {}


def _row_errors(line: int, exc: ValidationError) -> list[RowError]:
    if hasattr(exc, "error_dict"):
        return [RowError(line, name, " ".join(messages)) for name, messages in exc.message_dict.items()]
    return [RowError(line, "row", message) for message in exc.messages]
