"""Importing personnel from a list: every row checked first, then all stored in one transaction, or none.

A row whose NRP is already registered in the same unit updates that person (a list is re-sent
as it changes); the same NRP in another unit, twice in the file, or in two units is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from patrols import choices, importing
from patrols.actions.personnel import clean_qualifications, do_create_personnel, do_update_personnel
from patrols.importing import Row
from patrols.models import Personnel
from sites.actions import check_editor
from sites.actions_import import ListImportError, RowError
from sites.models import Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

# What people write in the qualifications column besides the code.
QUALIFICATION_WORDS: dict[str, str] = {
    "cctv": choices.Qualification.CCTV_OPERATOR, "operator cctv": choices.Qualification.CCTV_OPERATOR,
    "cctv operator": choices.Qualification.CCTV_OPERATOR,
    "shift commander": choices.Qualification.SHIFT_COMMANDER, "danru": choices.Qualification.SHIFT_COMMANDER,
    "kepala jaga": choices.Qualification.SHIFT_COMMANDER, "komandan regu": choices.Qualification.SHIFT_COMMANDER,
    "armed": choices.Qualification.ARMED, "bersenjata": choices.Qualification.ARMED,
    "senpi": choices.Qualification.ARMED, "polwan": choices.Qualification.POLWAN,
    "driver": choices.Qualification.DRIVER, "sopir": choices.Qualification.DRIVER,
    "pengemudi": choices.Qualification.DRIVER, "first aid": choices.Qualification.FIRST_AID,
    "p3k": choices.Qualification.FIRST_AID,
}
ACTIVE_WORDS = {"": True, "1": True, "ya": True, "yes": True, "true": True, "aktif": True, "active": True,
                "0": False, "tidak": False, "no": False, "false": False, "nonaktif": False, "inactive": False}


def _words(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", text.casefold()).strip()


class PersonnelImportError(ListImportError):
    """Every row that cannot be stored, so the sender fixes the list in one pass."""

    columns = tuple(importing.COLUMN_ALIASES)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def read_personnel_file(data: bytes, filename: str) -> list[Row]:
    return importing.read_rows(data, filename, max_bytes=settings.SITE_IMPORT_MAX_BYTES,
                               max_rows=settings.SITE_IMPORT_MAX_ROWS)


def read_personnel_upload(upload: UploadedFile) -> list[Row]:
    if upload.size is not None and upload.size > settings.SITE_IMPORT_MAX_BYTES:
        raise importing.too_large(settings.SITE_IMPORT_MAX_BYTES)
    return read_personnel_file(upload.read(settings.SITE_IMPORT_MAX_BYTES + 1), upload.name or "")


@dataclass(frozen=True)
class _Planned:
    line: int
    fields: dict[str, Any]
    existing: Personnel | None


def check_personnel_import(actor: User, rows: list[Row]) -> list[_Planned]:
    """Check every row; raise PersonnelImportError listing every problem with its line."""
    check_editor(actor, None)
    units = {unit.name.casefold(): unit for unit in Unit.objects.visible_to(actor)}
    nrps = [row.values.get("nrp", "").strip() for row in rows]
    stored = {p.nrp: p for p in Personnel.objects.filter(nrp__in=[n for n in nrps if n]).select_related("unit")}
    first_seen: dict[str, tuple[int, str]] = {}
    planned: list[_Planned] = []
    errors: list[RowError] = []
    for row in rows:
        fields, problems = _check_row(row, units)
        nrp = fields.get("nrp", "")
        unit = fields.get("unit")
        existing = stored.get(nrp)
        if nrp and nrp in first_seen:
            line, unit_name = first_seen[nrp]
            if unit is not None and unit_name != unit.name:
                problems.setdefault("unit", _("NRP %(nrp)s is in %(other)s on line %(line)s: a person belongs to "
                                              "one unit.") % {"nrp": nrp, "other": unit_name, "line": line})
            else:
                problems.setdefault("nrp", _("NRP %(nrp)s is listed twice (line %(line)s too).")
                                    % {"nrp": nrp, "line": line})
        elif nrp and unit is not None:
            first_seen[nrp] = (row.line, unit.name)
        if existing is not None and unit is not None and existing.unit_id != unit.pk:
            # Name the other unit only to someone who may see it.
            where = existing.unit.name if existing.unit.name.casefold() in units else _("another unit")
            problems.setdefault("unit", _("NRP %(nrp)s is registered in %(other)s: a person belongs to one unit; "
                                          "move them there first.") % {"nrp": nrp, "other": where})
        errors.extend(RowError(row.line, name, message) for name, message in problems.items())
        if not problems:
            planned.append(_Planned(row.line, fields, existing))
    if errors:
        raise PersonnelImportError(errors)
    return planned


def _check_row(row: Row, units: dict[str, Unit]) -> tuple[dict[str, Any], dict[str, str]]:
    values = {**dict.fromkeys(importing.COLUMN_ALIASES, ""), **row.values}
    problems: dict[str, str] = {}
    if row.extra_values:
        problems["row"] = _("The row has values in columns without a header.")
    for column in importing.REQUIRED_COLUMNS:
        if not values[column]:
            problems[column] = _("This field is required.")
    fields: dict[str, Any] = {"nrp": values["nrp"].strip(), "name": values["name"], "phone": values["phone"]}
    if values["rank"]:
        rank = _rank(values["rank"])
        if rank is None:
            problems["rank"] = _("Unknown rank “%(rank)s”; use one of: %(ranks)s.") % {
                "rank": values["rank"], "ranks": ", ".join(str(label) for label in choices.Rank.labels)}
        else:
            fields["rank"] = rank
    codes = [QUALIFICATION_WORDS.get(_words(part), part.strip())
             for part in re.split(r"[;,/]", values["qualifications"]) if part.strip()]
    try:
        fields["qualifications"] = clean_qualifications(codes)
    except ValidationError as exc:
        problems["qualifications"] = " ".join(exc.message_dict["qualifications"])
    active = ACTIVE_WORDS.get(values["active"].strip().casefold())
    if active is None:
        problems["active"] = _("Write yes or no (ya / tidak), not “%(value)s”.") % {"value": values["active"]}
    fields["active"] = bool(active)
    unit = units.get(values["unit"].casefold())
    if values["unit"] and unit is None:
        problems["unit"] = _("Unknown unit “%(unit)s”.") % {"unit": values["unit"]}
    fields["unit"] = unit
    if not problems:
        person = Personnel(**fields)
        try:
            person.full_clean(exclude=["unit"], validate_unique=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                problems.setdefault(name, " ".join(messages))
    return fields, problems


def _rank(text: str) -> str | None:
    key = _words(text)
    for value, label in choices.Rank.choices:
        if key in (value, _words(str(label))):
            return str(value)
    return None


@transaction.atomic
def do_import_personnel(actor: User, rows: list[Row]) -> ImportResult:
    """Create or update a person for every row, or change nothing: any problem in any row stores nothing."""
    created = updated = 0
    for planned in check_personnel_import(actor, rows):
        try:
            if planned.existing is None:
                do_create_personnel(actor, **planned.fields)
                created += 1
            else:
                do_update_personnel(actor, planned.existing, **planned.fields)
                updated += 1
        except ValidationError as exc:
            messages = exc.message_dict if hasattr(exc, "error_dict") else {"row": exc.messages}
            raise PersonnelImportError([RowError(planned.line, name, " ".join(m)) for name, m in messages.items()]) \
                from exc
    return ImportResult(created, updated)
