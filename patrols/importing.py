"""Reading a personnel list (CSV or XLSX, as a Bag Sumda exports it) into rows. No Django here.

The file handling (encodings, delimiters, workbooks, size limits) is the site importer's; this
module names the personnel columns. Whether a row makes a valid person is ``patrols.actions.imports``'s job.
"""

from __future__ import annotations

import io
import zipfile

from sites.importing import (
    MAX_COLUMNS,
    MAX_EXPANSION,
    ImportFileError,
    Row,
    _csv_records,
    _decode_text,
    _xlsx_records,
    gettext_noop,
    normalise_header,
    too_large,
)

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "nrp": ("nrp", "nrp_nip", "no_nrp", "nip"),
    "name": ("name", "nama", "nama_lengkap"),
    "rank": ("rank", "pangkat", "pkt"),
    "unit": ("unit", "satuan", "kesatuan", "satker"),
    "qualifications": ("qualifications", "qualification", "kualifikasi", "keahlian", "kemampuan"),
    "phone": ("phone", "telepon", "no_hp", "hp", "no_telepon"),
    "active": ("active", "aktif", "status"),
}
REQUIRED_COLUMNS = ("nrp", "name", "rank", "unit")
IGNORED_COLUMNS = ("no", "nomor", "jabatan", "position")
_HEADER_TO_COLUMN = {alias: column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}

__all__ = ["COLUMN_ALIASES", "ImportFileError", "Row", "read_rows"]


def read_rows(data: bytes, filename: str, *, max_bytes: int, max_rows: int) -> list[Row]:
    """Rows of a personnel list keyed by canonical column, or ImportFileError saying what is wrong."""
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data.strip():
        raise ImportFileError(gettext_noop("The file is empty."))
    if zipfile.is_zipfile(io.BytesIO(data)):
        records = _xlsx_records(data, max_bytes * MAX_EXPANSION)
    else:
        records = _csv_records(_decode_text(data, filename))
    columns: list[str | None] | None = None
    rows: list[Row] = []
    for line, raw in records:
        cells = [cell.strip() for cell in raw]
        if not any(cells):
            continue
        if columns is None:
            columns = _read_header(cells)
            continue
        if len(rows) >= max_rows:
            raise ImportFileError(
                gettext_noop("The file has more than %(limit)s rows; split it into smaller files."), limit=max_rows
            )
        values = {column: "" for column in columns if column and column not in IGNORED_COLUMNS}
        extra = 0
        for index, cell in enumerate(cells):
            column = columns[index] if index < len(columns) else None
            if column and column not in IGNORED_COLUMNS:
                values[column] = cell
            elif column is None and cell:
                extra += 1
        rows.append(Row(line, values, extra))
    if columns is None:
        raise ImportFileError(gettext_noop("The file is empty."))
    if not rows:
        raise ImportFileError(gettext_noop("The file has a header row but no personnel."))
    return rows


def _read_header(cells: list[str]) -> list[str | None]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    if len(cells) > MAX_COLUMNS:
        raise ImportFileError(gettext_noop("The header has more than %(limit)s columns."), limit=MAX_COLUMNS)
    columns: list[str | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    for cell in cells:
        key = normalise_header(cell)
        if not key:
            columns.append(None)
            continue
        column = key if key in IGNORED_COLUMNS else _HEADER_TO_COLUMN.get(key)
        if column is None:
            unknown.append(cell)
        elif column in seen and column not in IGNORED_COLUMNS:
            raise ImportFileError(gettext_noop("Column “%(column)s” is given more than once."), column=cell)
        else:
            seen.add(column)
        columns.append(column)
    if unknown:
        raise ImportFileError(
            gettext_noop("Unknown columns: %(columns)s. Accepted columns: %(accepted)s."),
            columns=", ".join(f"“{name}”" for name in unknown), accepted=", ".join(COLUMN_ALIASES),
        )
    missing = [column for column in REQUIRED_COLUMNS if column not in seen]
    if missing:
        raise ImportFileError(gettext_noop("Missing required columns: %(columns)s."), columns=", ".join(missing))
    return columns
