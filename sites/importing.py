"""Reading a list of protected sites (CSV or XLSX, as KPU offices and city agencies send them) into rows.

No Django here: bytes and a file name in, numbered rows of text out, or an ImportFileError
saying what is wrong with the file as a whole. Deciding whether a row makes a valid site is
the job of ``sites.actions_import``.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException


def gettext_noop(message: str) -> str:
    """Mark a message for translation; the Django layer translates it when it is shown."""
    return message


# Canonical column -> the header spellings accepted for it (after normalise_header).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "nama", "nama_objek", "site_name"),
    "kind": ("kind", "jenis", "jenis_objek", "type"),
    "address": ("address", "alamat"),
    "latitude": ("latitude", "lat", "lintang"),
    "longitude": ("longitude", "lon", "lng", "long", "bujur"),
    "unit": ("unit", "satuan", "unit_name"),
    "agency": ("agency", "instansi", "agency_name"),
    "time_zone": ("time_zone", "timezone", "zona_waktu"),
    "priority": ("priority", "prioritas"),
    "contact_name": ("contact_name", "contact", "kontak", "nama_kontak"),
    "contact_phone": ("contact_phone", "phone", "telepon", "telepon_kontak", "no_hp", "no_telepon"),
    "notes": ("notes", "catatan", "keterangan"),
    "perimeter": ("perimeter", "batas"),
}
REQUIRED_COLUMNS = ("name", "kind", "latitude", "longitude", "unit")
# Lists typed by hand almost always number their rows ("No."); that column carries nothing to store.
IGNORED_COLUMNS = ("no", "nomor")
MAX_COLUMNS = 40
# A spreadsheet is a zip; refuse one whose contents would expand far beyond any real list of sites.
MAX_EXPANSION = 20

_XLSX_MEMBERS = {"[Content_Types].xml", "xl/workbook.xml"}
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_KNOWN_BINARIES = (
    (b"\x89PNG", gettext_noop("“%(file)s” is a PNG image, not a CSV or XLSX list of sites.")),
    (b"\xff\xd8\xff", gettext_noop("“%(file)s” is a JPEG image, not a CSV or XLSX list of sites.")),
    (b"GIF8", gettext_noop("“%(file)s” is a GIF image, not a CSV or XLSX list of sites.")),
    (b"%PDF", gettext_noop("“%(file)s” is a PDF document, not a CSV or XLSX list of sites.")),
    (b"\xd0\xcf\x11\xe0", gettext_noop("“%(file)s” is an old Excel (.xls) file; save it as XLSX or CSV.")),
)


class ImportFileError(ValueError):
    """The file as a whole cannot be read; ``template % params`` says why, in English."""

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)


class FileTooLarge(ImportFileError):
    """The file is bigger than the import limit."""


@dataclass(frozen=True)
class Columns:
    """What one kind of list looks like: each column's accepted header spellings (after
    normalise_header), the columns a file must have, and those that carry nothing to store."""

    aliases: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    no_rows_message: str  # "The file has a header row but no <things>."
    ignored: tuple[str, ...] = IGNORED_COLUMNS
    max_columns: int = MAX_COLUMNS

    def column_of(self, key: str) -> str | None:
        if key in self.ignored:
            return key
        return next((column for column, aliases in self.aliases.items() if key in aliases), None)


SITE_COLUMNS = Columns(COLUMN_ALIASES, REQUIRED_COLUMNS, gettext_noop("The file has a header row but no sites."))


@dataclass(frozen=True)
class Row:
    """One data row: its line in the file (as a spreadsheet shows it) and its text by canonical column."""

    line: int
    values: dict[str, str]
    # Non-empty cells beyond the header's columns or under an empty header.
    extra_values: int = field(default=0)


def read_rows(data: bytes, filename: str, *, max_bytes: int, max_rows: int) -> list[Row]:
    """Read a CSV or XLSX list of sites into rows keyed by canonical column name."""
    return read_table(data, filename, SITE_COLUMNS, max_bytes=max_bytes, max_rows=max_rows)


def read_table(data: bytes, filename: str, columns: Columns, *, max_bytes: int, max_rows: int) -> list[Row]:
    """Read a CSV or XLSX file into rows keyed by the canonical names of ``columns``.

    The type is told by content, not by the name (which only sharpens the message when the
    content is something else). Blank rows are skipped.
    """
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data.strip():
        raise ImportFileError(gettext_noop("The file is empty."))
    if zipfile.is_zipfile(io.BytesIO(data)):
        records = _xlsx_records(data, max_bytes * MAX_EXPANSION)
    else:
        records = _csv_records(_decode_text(data, filename))
    return _rows_from_records(records, columns, max_rows)


def too_large(max_bytes: int) -> FileTooLarge:
    return FileTooLarge(gettext_noop("The file is larger than the limit of %(limit)s bytes."), limit=max_bytes)


def normalise_header(text: str) -> str:
    """'Zona Waktu' -> 'zona_waktu', 'Lat.' -> 'lat', 'No. HP' -> 'no_hp'."""
    return re.sub(r"[^0-9a-z]+", "_", text.strip().lower()).strip("_")


def normalise_decimal(text: str) -> str:
    """'-8,0983' -> '-8.0983': a single comma and no point can only be a decimal comma."""
    text = text.strip()
    return text.replace(",", ".") if _DECIMAL_COMMA.fullmatch(text) else text


# Reading -----------------------------------------------------------------------------------------

def _decode_text(data: bytes, filename: str) -> str:
    for magic, message in _KNOWN_BINARIES:
        if data.startswith(magic):
            raise ImportFileError(message, file=filename)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        text = _decode(data, "utf-16", filename)
    elif b"\x00" in data:
        raise _not_a_list(filename)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # Older Excel on Windows saves CSV in the ANSI code page.
            text = _decode(data, "cp1252", filename)
    if _CONTROL_CHARS.search(text):
        raise _not_a_list(filename)
    return text


def _decode(data: bytes, encoding: str, filename: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            gettext_noop("“%(file)s” is not readable text: byte %(position)s is neither UTF-8 nor Windows-1252. "
                         "Save the list as CSV UTF-8 or as XLSX."),
            file=filename, position=exc.start + 1,
        ) from exc


def _not_a_list(filename: str) -> ImportFileError:
    return ImportFileError(
        gettext_noop("“%(file)s” is neither a CSV text file nor an XLSX workbook."), file=filename
    )


def _csv_records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (line the record starts on, cells), with the delimiter told by the header line."""
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportFileError(
            gettext_noop("The CSV is malformed near line %(line)s: %(reason)s."), line=reader.line_num, reason=str(exc)
        ) from exc


def _xlsx_records(data: bytes, max_expanded: int) -> Iterator[tuple[int, list[str]]]:
    """Yield (sheet row number, cells as text) from the first worksheet."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if not names >= _XLSX_MEMBERS:
            raise ImportFileError(
                gettext_noop("The file is a zip archive but not an XLSX workbook (an ODS or other file?). "
                             "Save the list as XLSX or CSV.")
            )
        if sum(member.file_size for member in members) > max_expanded:
            raise ImportFileError(gettext_noop("The workbook expands to more data than a list of sites can hold."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(gettext_noop("The XLSX workbook cannot be read: %(reason)s."), reason=str(exc)) from exc
    try:
        if not workbook.worksheets:
            raise ImportFileError(gettext_noop("The workbook has no worksheet."))
        sheet = workbook.worksheets[0]
        # The stored dimension may claim a million empty rows; read only the rows that exist.
        sheet.reset_dimensions()
        for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True), start=1):
            yield number, [_cell_text(value) for value in cells]
    except ImportFileError:
        raise
    except Exception as exc:  # any failure inside a damaged workbook is the file's fault
        raise ImportFileError(gettext_noop("The XLSX workbook cannot be read: %(reason)s."), reason=str(exc)) from exc
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


# Header and rows ---------------------------------------------------------------------------------

def _rows_from_records(records: Iterator[tuple[int, list[str]]], spec: Columns, max_rows: int) -> list[Row]:
    columns: list[str | None] | None = None
    rows: list[Row] = []
    for line, cells in records:
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if columns is None:
            columns = _read_header(cells, spec)
            continue
        if len(rows) >= max_rows:
            raise ImportFileError(
                gettext_noop("The file has more than %(limit)s rows; split it into smaller files."), limit=max_rows
            )
        values = {column: "" for column in columns if column}
        extra = 0
        for index, cell in enumerate(cells):
            column = columns[index] if index < len(columns) else None
            if column:
                values[column] = cell
            elif cell:
                extra += 1
        for ignored in spec.ignored:
            values.pop(ignored, None)
        rows.append(Row(line, values, extra))
    if columns is None:
        raise ImportFileError(gettext_noop("The file is empty."))
    if not rows:
        raise ImportFileError(spec.no_rows_message)
    return rows


def _read_header(cells: list[str], spec: Columns) -> list[str | None]:
    """Map each header cell to its canonical column (None for an empty cell), or say what is wrong."""
    while cells and not cells[-1]:
        cells = cells[:-1]
    if len(cells) > spec.max_columns:
        raise ImportFileError(gettext_noop("The header has more than %(limit)s columns."), limit=spec.max_columns)
    columns: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    repeated: list[str] = []
    for cell in cells:
        key = normalise_header(cell)
        if not key:
            columns.append(None)
            continue
        column = spec.column_of(key)
        if column is None:
            unknown.append(cell)
        elif column in seen:
            repeated.append(f"{seen[column]} / {cell}")
        else:
            seen[column] = cell
        columns.append(column)
    if unknown:
        raise ImportFileError(
            gettext_noop("Unknown columns: %(columns)s. Accepted columns: %(accepted)s."),
            columns=", ".join(f"“{name}”" for name in unknown), accepted=", ".join(spec.aliases),
        )
    if repeated:
        raise ImportFileError(
            gettext_noop("Columns given more than once: %(columns)s."), columns=", ".join(repeated)
        )
    missing = [column for column in spec.required if column not in seen]
    if missing:
        raise ImportFileError(gettext_noop("Missing required columns: %(columns)s."), columns=", ".join(missing))
    return columns
