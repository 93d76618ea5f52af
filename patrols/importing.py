"""Reading a personnel list (CSV or XLSX, as a Bag Sumda exports it) into rows. No Django here.

The file handling (encodings, delimiters, workbooks, size limits) is the site importer's; this
module names the personnel columns. Whether a row makes a valid person is ``patrols.actions.imports``'s job.
"""

from __future__ import annotations

from sites.importing import Columns, ImportFileError, Row, gettext_noop, read_table, too_large

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
PERSONNEL_COLUMNS = Columns(COLUMN_ALIASES, REQUIRED_COLUMNS,
                            gettext_noop("The file has a header row but no personnel."), IGNORED_COLUMNS)

__all__ = ["COLUMN_ALIASES", "ImportFileError", "Row", "read_rows", "too_large"]


def read_rows(data: bytes, filename: str, *, max_bytes: int, max_rows: int) -> list[Row]:
    """Rows of a personnel list keyed by canonical column, or ImportFileError saying what is wrong."""
    return read_table(data, filename, PERSONNEL_COLUMNS, max_bytes=max_bytes, max_rows=max_rows)
