"""Reading a list of cameras (CSV or XLSX, as a Diskominfo sends its city cameras) into rows.

No Django here: bytes and a file name in, numbered rows of text out, or an ImportFileError about
the file as a whole. The file reading (type told by content, encodings, zip-bomb guard) is the
site import's; this module has the camera columns and the small parsers of their values.
Deciding whether a row makes a valid camera is the job of ``cameras.actions.imports``.
"""

from __future__ import annotations

import re

from sites.importing import Columns, ImportFileError, Row, gettext_noop, normalise_decimal, read_table, too_large

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
    "poll_queue": ("poll_queue", "polling_network", "network", "queue", "jaringan", "jaringan_polling"),
    "covers": ("covers", "coverage", "cakupan", "area", "keterangan"),
    "private_area": ("private_area", "private", "area_privat", "area_pribadi", "ruang_privat"),
    "latitude": ("latitude", "lat", "lintang"),
    "longitude": ("longitude", "lon", "lng", "long", "bujur"),
}
REQUIRED_COLUMNS = ("name", "url")
IGNORED_COLUMNS = ("no", "nomor")
MAX_COLUMNS = 30

CAMERA_COLUMNS = Columns(COLUMN_ALIASES, REQUIRED_COLUMNS, gettext_noop("The file has a header row but no cameras."),
                         IGNORED_COLUMNS, MAX_COLUMNS)
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
    return read_table(data, filename, CAMERA_COLUMNS, max_bytes=max_bytes, max_rows=max_rows)


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
