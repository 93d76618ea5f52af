"""Reading a list of cameras (CSV or XLSX, as a Diskominfo sends its city cameras) into rows.

No Django here: bytes and a file name in, numbered rows of text out, or an ImportFileError about
the file as a whole. The file reading (type told by content, encodings, zip-bomb guard) is the
site import's; this module has the camera columns and the small parsers of their values.
Deciding whether a row makes a valid camera is the job of ``cameras.actions.imports``.
"""

from __future__ import annotations

import io
import re
import zipfile

from sites import importing as base
from sites.importing import ImportFileError, Row, gettext_noop, normalise_decimal, normalise_header, too_large

# Canonical column -> the header spellings accepted for it (after normalise_header).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "nama", "nama_kamera", "camera", "kamera", "titik"),
    "site": ("site", "objek", "nama_objek", "lokasi_objek", "site_name"),
    "agency": ("agency", "owner", "owner_agency", "pemilik", "instansi", "instansi_pemilik"),
    "source_kind": ("source_kind", "source", "kind", "sumber", "jenis", "jenis_sumber", "tipe"),
    "url": ("url", "link", "alamat_url", "stream_url", "snapshot_url"),
    "username": ("username", "user", "pengguna", "nama_pengguna"),
    "password": ("password", "pass", "kata_sandi", "sandi"),
    "poll_interval_s": ("poll_interval_s", "poll_interval", "interval", "interval_detik", "interval_s"),
    "covers": ("covers", "coverage", "cakupan", "area", "keterangan"),
    "private_area": ("private_area", "private", "area_privat", "area_pribadi", "ruang_privat"),
    "latitude": ("latitude", "lat", "lintang"),
    "longitude": ("longitude", "lon", "lng", "long", "bujur"),
}
REQUIRED_COLUMNS = ("name", "url")
IGNORED_COLUMNS = ("no", "nomor")
MAX_COLUMNS = 30

_HEADER_TO_COLUMN = {alias: column for column, aliases in COLUMN_ALIASES.items() for alias in aliases}
_YES = {"1", "y", "yes", "ya", "true", "benar", "x", "v"}
_NO = {"", "0", "n", "no", "tidak", "t", "false", "salah", "-"}
# What people write in the source column besides the code.
SOURCE_WORDS: dict[str, str] = {
    "http_jpeg": "http_jpeg", "jpeg": "http_jpeg", "jpg": "http_jpeg", "snapshot": "http_jpeg",
    "http": "http_jpeg", "https": "http_jpeg", "http_snapshot": "http_jpeg", "http_snapshot_jpeg": "http_jpeg",
    "mjpeg": "mjpeg", "mjpg": "mjpeg", "mjpeg_stream": "mjpeg",
    "rtsp": "rtsp", "rtsp_stream": "rtsp",
}

__all__ = ["COLUMN_ALIASES", "REQUIRED_COLUMNS", "ImportFileError", "Row", "normalise_decimal", "parse_flag",
           "parse_source_kind", "read_rows", "too_large"]


def read_rows(data: bytes, filename: str, *, max_bytes: int, max_rows: int) -> list[Row]:
    """Read a CSV or XLSX camera list into rows keyed by canonical column name."""
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data.strip():
        raise ImportFileError(gettext_noop("The file is empty."))
    if zipfile.is_zipfile(io.BytesIO(data)):
        records = base._xlsx_records(data, max_bytes * base.MAX_EXPANSION)
    else:
        records = base._csv_records(base._decode_text(data, filename))
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
            elif cell and not column:
                extra += 1
        rows.append(Row(line, values, extra))
    if columns is None:
        raise ImportFileError(gettext_noop("The file is empty."))
    if not rows:
        raise ImportFileError(gettext_noop("The file has a header row but no cameras."))
    return rows


def _read_header(cells: list[str]) -> list[str | None]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    if len(cells) > MAX_COLUMNS:
        raise ImportFileError(gettext_noop("The header has more than %(limit)s columns."), limit=MAX_COLUMNS)
    columns: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    repeated: list[str] = []
    for cell in cells:
        key = normalise_header(cell)
        if not key:
            columns.append(None)
            continue
        column = key if key in IGNORED_COLUMNS else _HEADER_TO_COLUMN.get(key)
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
            columns=", ".join(f"“{name}”" for name in unknown), accepted=", ".join(COLUMN_ALIASES),
        )
    if repeated:
        raise ImportFileError(gettext_noop("Columns given more than once: %(columns)s."), columns=", ".join(repeated))
    missing = [column for column in REQUIRED_COLUMNS if column not in seen]
    if missing:
        raise ImportFileError(gettext_noop("Missing required columns: %(columns)s."), columns=", ".join(missing))
    return columns


def parse_flag(text: str) -> bool | None:
    """'ya' / 'yes' / '1' -> True, 'tidak' / 'no' / '0' / empty -> False; anything else None."""
    word = text.strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


def parse_source_kind(text: str, url: str) -> str | None:
    """The source code for what the column says; an empty column is told from the URL."""
    if not text.strip():
        lowered = url.strip().lower()
        if lowered.startswith("rtsp:"):
            return "rtsp"
        return "mjpeg" if re.search(r"\.mjpe?g(\?|$)|mjpeg|video\.cgi", lowered) else "http_jpeg"
    return SOURCE_WORDS.get(re.sub(r"[^0-9a-z]+", "_", text.strip().casefold()).strip("_"))
