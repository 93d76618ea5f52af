"""Importing protected sites from CSV and XLSX lists: the parser alone, then the action, API, page and command."""

import csv
import io
import json
import struct
import zipfile
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from sites import actions, events
from sites.actions_import import SiteImportError, check_site_import, do_import_sites, read_site_file
from sites.importing import FileTooLarge, ImportFileError, Row, normalise_decimal, read_rows
from sites.models import ProtectedSite, SiteContact
from tests.conftest import World

HEADER = ["name", "kind", "address", "latitude", "longitude", "unit", "agency", "time_zone", "priority",
          "contact_name", "contact_phone", "notes"]
GOOD_ROWS = [
    ["Gudang Logistik KPU Kota Blitar", "Gudang Logistik", "Jl. Kalimantan", "-8.0891", "112.1752",
     "Polres Blitar Kota", "kpu kota blitar", "WIB", "1", "Pak Joko", "081234567890", "Segel dicek tiap shift"],
    ["TPS 01 Sukorejo", "TPS", "", "-8.1012", "112.1601", "polres blitar kota", "", "", "", "", "", ""],
    ["Kantor Bawaslu Kota Blitar", "bawaslu_office", "", "-8.1013", "112.1565", "Polres Blitar Kota", "", "",
     "2 - High", "", "", ""],
]
IMPORT_URL = "/api/sites/import/"
PAGE_URL = "/sites/import/"


def csv_bytes(rows: list[list[str]], *, header: list[str] = HEADER, delimiter: str = ",",
              encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]], *, header: list[str] = HEADER) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "sites.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def read(data: bytes, name: str = "sites.csv", max_rows: int = 100) -> list[Row]:
    return read_rows(data, name, max_bytes=1_000_000, max_rows=max_rows)


# The parser, no database ------------------------------------------------------------------------

def test_csv_with_bom_and_indonesian_headers_reads_canonical_columns() -> None:
    data = "\ufeffNama,Jenis,Lintang,Bujur,Satuan,Zona Waktu,No\nKantor KPU,Kantor KPU,-8.1,112.1,Polres X,WIB,1\n"
    rows = read(data.encode())
    assert rows == [Row(2, {"name": "Kantor KPU", "kind": "Kantor KPU", "latitude": "-8.1", "longitude": "112.1",
                            "unit": "Polres X", "time_zone": "WIB"})]


def test_semicolon_csv_with_decimal_commas_and_windows_encoding() -> None:
    data = "nama;jenis;lat;lon;satuan\nPasar Pâsar;TPS;-8,0983;112,1686;Polres X\n".encode("cp1252")
    [row] = read(data)
    assert row.values["name"] == "Pasar Pâsar"
    assert (normalise_decimal(row.values["latitude"]), normalise_decimal(row.values["longitude"])) == (
        "-8.0983", "112.1686")


@pytest.mark.parametrize(("text", "expected"), [
    ("-8,0983", "-8.0983"), (" 112,5 ", "112.5"), ("-8.0983", "-8.0983"), ("1.234,5", "1.234,5"), ("1,2,3", "1,2,3"),
])
def test_decimal_comma_is_read_only_when_unambiguous(text: str, expected: str) -> None:
    assert normalise_decimal(text) == expected


def test_line_numbers_count_blank_lines_and_multiline_cells() -> None:
    data = b'name,kind,latitude,longitude,unit\n\nA,tps,-8,112,U\n"B\nsecond line",tps,-8,112,U\n,,,,\nC,tps,-8,112,U\n'
    assert [(row.line, row.values["name"]) for row in read(data)] == [(3, "A"), (4, "B\nsecond line"), (7, "C")]


def test_values_beyond_the_header_are_counted() -> None:
    rows = read(b"name,kind,latitude,longitude,unit\nA,tps,-8,112,U,surprise\nB,tps,-8,112,U,,\n")
    assert [row.extra_values for row in rows] == [1, 0]


def test_xlsx_is_read_by_content_whatever_its_name() -> None:
    data = xlsx_bytes([["A", "tps", -8.0983, 112.1686, "U"], [None] * 5, ["B", "tps", -8, 112, "U"]],
                      header=["Name", "Kind", "Latitude", "Longitude", "Unit"])
    rows = read(data, name="sites.csv")
    assert [(row.line, row.values["name"], row.values["latitude"]) for row in rows] == [
        (2, "A", "-8.0983"), (4, "B", "-8")]


@pytest.mark.parametrize(("data", "name", "reason"), [
    (b"", "sites.csv", "empty"),
    (b"  \n\n", "sites.csv", "empty"),
    (b"name,kind,latitude,longitude,unit\n", "sites.csv", "no sites"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "photo.csv", "PNG image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old.xls", "old Excel"),
    (struct.pack("<8d", *range(8)), "numbers.csv", "neither a CSV"),
    (b"name,kind\n\x01\x02\x03,x\n", "ctrl.csv", "neither a CSV"),
    (b"name,kind,latitude,longitude,unit,colour,size\nA,tps,-8,112,U,red,1\n", "s.csv", "“colour”, “size”"),
    (b"name,latitude\nA,-8\n", "s.csv", "Missing required columns: kind, longitude, unit"),
    (b"name,nama,kind,latitude,longitude,unit\nA,B,tps,-8,112,U\n", "s.csv", "more than once: name / nama"),
    (",".join(f"c{i}" for i in range(41)).encode() + b"\n" + b"x," * 40 + b"x\n", "wide.csv", "more than 40 columns"),
], ids=["empty", "blank", "header-only", "png", "xls", "binary", "control", "unknown-columns", "missing-columns",
        "repeated-column", "too-wide"])
def test_files_that_are_not_usable_lists_say_why(data: bytes, name: str, reason: str) -> None:
    with pytest.raises(ImportFileError) as caught:
        read(data, name=name)
    assert reason in str(caught.value)


def test_a_zip_that_is_not_a_workbook_is_rejected() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with pytest.raises(ImportFileError, match="not an XLSX workbook"):
        read(out.getvalue(), name="sites.xlsx")


def test_limits_on_size_and_rows() -> None:
    data = csv_bytes([row[:] for row in GOOD_ROWS])
    with pytest.raises(FileTooLarge):
        read_rows(data, "s.csv", max_bytes=len(data) - 1, max_rows=100)
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        read(data, max_rows=2)
    assert len(read(data, max_rows=3)) == 3


CELL = st.text(st.characters(blacklist_categories=("Cc", "Cs")) | st.just("\n"), max_size=12)


@given(rows=st.lists(st.lists(CELL, min_size=5, max_size=5), max_size=8), delimiter=st.sampled_from(",;\t"))
def test_any_csv_written_by_csv_writer_reads_back(rows: list[list[str]], delimiter: str) -> None:
    header = ["name", "kind", "latitude", "longitude", "unit"]
    data = csv_bytes(rows, header=header, delimiter=delimiter)
    expected = []
    line = 2
    for cells in rows:
        stripped = [cell.strip() for cell in cells]
        if any(stripped):
            expected.append(Row(line, dict(zip(header, stripped, strict=True))))
        line += 1 + sum(cell.count("\n") for cell in cells)
    if not expected:
        with pytest.raises(ImportFileError):
            read(data)
        return
    assert read(data) == expected


# The action ---------------------------------------------------------------------------------------

def rows_of(rows: list[list[str]], header: list[str] = HEADER) -> list[Row]:
    return read_site_file(csv_bytes(rows, header=header), "sites.csv")


def test_import_creates_every_site_with_names_resolved(world: World) -> None:
    result = do_import_sites(world.users["ops_a"], rows_of(GOOD_ROWS))
    assert result.created == 3
    warehouse = ProtectedSite.objects.get(name="Gudang Logistik KPU Kota Blitar")
    assert (warehouse.kind, warehouse.unit, warehouse.agency, warehouse.priority) == (
        "logistics_warehouse", world.polres_a, world.kpu_a, 1)
    assert (float(warehouse.latitude), warehouse.time_zone) == (-8.0891, "Asia/Jakarta")
    assert list(warehouse.contacts.values_list("name", "phone")) == [("Pak Joko", "081234567890")]
    tps = ProtectedSite.objects.get(name="TPS 01 Sukorejo")
    assert (tps.kind, tps.priority, tps.time_zone, tps.agency) == ("polling_station", 3, world.polres_a.time_zone, None)
    assert ProtectedSite.objects.get(name="Kantor Bawaslu Kota Blitar").priority == 2


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_stored(world: World) -> None:
    ring = [[112.16, -8.09], [112.17, -8.10], [112.16, -8.10], [112.17, -8.09]]  # edges cross
    bad = [
        GOOD_ROWS[0],                                                                      # line 2: fine
        ["Kantor A", "Kantor Camat", "", "-8.1", "112.1", "Polres Blitar Kota"] + [""] * 6,  # 3: kind
        ["Kantor B", "tps", "", "91", "112.1", "Polres Blitar Kota"] + [""] * 6,             # 4: latitude range
        ["Kantor C", "tps", "", "-8.1", "150.5", "Polres Blitar Kota"] + [""] * 6,           # 5: outside Indonesia
        ["Kantor D", "tps", "", "utara", "112.1", "Polres Blitar Kota", "", "WITT"] + [""] * 4,  # 6: two problems
        ["Kantor E", "tps", "", "-8.1", "112.1", "Polres Entah"] + [""] * 6,                # 7: unknown unit
        ["Kantor F", "tps", "", "-8.1", "112.1", "Polres Blitar Kota", "KPU Entah"] + [""] * 5,  # 8: agency
        ["", "tps", "", "-8.1", "112.1", "Polres Blitar Kota"] + [""] * 6,                  # 9: no name
        ["Kantor G", "tps", "", "-8.1", "112.1", "Polres Blitar Kota", "", "", "9"] + [""] * 3,  # 10: priority
        ["Kantor H", "tps", "", "-8.1", "112.1", "Polres Blitar Kota", "", "", "", "", "0812", ""],  # 11: contact
    ]
    rows = rows_of(bad, header=[*HEADER, "perimeter"])
    rows.append(Row(12, {**rows[1].values, "name": "Kantor I", "kind": "tps", "perimeter": json.dumps(ring)}))
    with pytest.raises(SiteImportError) as caught:
        do_import_sites(world.users["ops_a"], rows)
    found = {(error.line, error.field) for error in caught.value.row_errors}
    assert found == {(3, "kind"), (4, "latitude"), (5, "longitude"), (6, "latitude"), (6, "time_zone"),
                     (7, "unit"), (8, "agency"), (9, "name"), (10, "priority"), (11, "contact_name"),
                     (12, "perimeter")}
    messages = {(error.line, error.field): error.message for error in caught.value.row_errors}
    assert "Indonesia" in messages[(5, "longitude")]
    assert "Polres Entah" in messages[(7, "unit")]
    assert "cross" in messages[(12, "perimeter")]
    assert caught.value.summary == "10 rows have errors; nothing was stored."
    assert not ProtectedSite.objects.filter(name="Gudang Logistik KPU Kota Blitar").exists()


def test_a_unit_of_another_polres_reads_as_unknown(world: World) -> None:
    rows = rows_of([["Pos Jember", "tps", "", "-8.17", "113.7", "Polres Jember"] + [""] * 6,
                    ["Pos Entah", "tps", "", "-8.17", "113.7", "Polres Tidak Ada"] + [""] * 6])
    with pytest.raises(SiteImportError) as caught:
        do_import_sites(world.users["ops_a"], rows)
    assert [(e.line, e.field, e.message) for e in caught.value.row_errors] == [
        (2, "unit", "Unknown unit “Polres Jember”."), (3, "unit", "Unknown unit “Polres Tidak Ada”.")]
    # The same row is fine for the Polres that owns the unit, and for a unit below it.
    rows = rows_of([["Pos Jember", "tps", "", "-8.17", "113.7", "Polres Jember"] + [""] * 6,
                    ["Pos Kaliwates", "tps", "", "-8.17", "113.7", "Polsek Kaliwates"] + [""] * 6])
    assert do_import_sites(world.users["ops_b"], rows).created == 2


def test_duplicate_names_within_the_file_and_against_stored_sites(world: World) -> None:
    rows = rows_of([
        ["Pos Baru", "tps", "", "-8.1", "112.1", "Polres Blitar Kota"] + [""] * 6,
        ["Pos Baru", "tps", "", "-8.1", "112.1", "Polres Blitar Kota"] + [""] * 6,
        [world.site_a.name, "kpu_office", "", "-8.1", "112.1", "Polres Blitar Kota"] + [""] * 6,
    ])
    with pytest.raises(SiteImportError) as caught:
        do_import_sites(world.users["ops_a"], rows)
    messages = {error.line: error.message for error in caught.value.row_errors}
    assert set(messages) == {3, 4}
    assert "Line 2 of this file" in messages[3]
    assert "already has a site named “Kantor KPU Kota Blitar”" in messages[4]
    assert ProtectedSite.objects.count() == 2


def test_a_late_failure_rolls_back_the_sites_already_created(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    real = actions.do_create_site
    calls: list[str] = []

    def fail_on_third(actor: Any, **fields: Any) -> ProtectedSite:
        calls.append(fields["name"])
        if len(calls) == 3:
            raise ValidationError({"name": "taken meanwhile"})
        return real(actor, **fields)

    monkeypatch.setattr(actions, "do_create_site", fail_on_third)
    with pytest.raises(SiteImportError) as caught:
        do_import_sites(world.users["ops_a"], rows_of(GOOD_ROWS))
    assert [(e.line, e.field) for e in caught.value.row_errors] == [(4, "name")]
    assert ProtectedSite.objects.count() == 2
    assert not SiteContact.objects.exists()


def test_sites_are_announced_only_after_the_import_commits(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    heard: list[events.DomainEvent] = []

    def listen(event: events.DomainEvent, **kwargs: Any) -> None:
        heard.append(event)

    events.domain_event.connect(listen)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            do_import_sites(world.users["ops_a"], rows_of(GOOD_ROWS))
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(SiteImportError):
            do_import_sites(world.users["ops_a"], rows_of(GOOD_ROWS))  # now every name is taken
    finally:
        events.domain_event.disconnect(listen)
    assert [event.kind for event in heard] == [events.SITE_CHANGED] * 3


def test_checking_takes_the_same_few_queries_for_any_number_of_rows(
    world: World, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    rows = rows_of([[f"TPS {i:03d}", "TPS", "", "-8.1", "112.1", "Polres Blitar Kota", "KPU Kota Blitar"] + [""] * 5
                    for i in range(300)])
    with django_assert_max_num_queries(5):
        assert len(check_site_import(world.users["ops_a"], rows)) == 300


def test_check_only_stores_nothing(world: World) -> None:
    assert len(check_site_import(world.users["ops_a"], rows_of(GOOD_ROWS))) == 3
    assert ProtectedSite.objects.count() == 2


# The API ------------------------------------------------------------------------------------------

def test_api_imports_a_good_csv(world: World) -> None:
    response = world.client("ops_a").post(IMPORT_URL, {"file": upload(csv_bytes(GOOD_ROWS))})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] == 3
    assert sorted(ProtectedSite.objects.filter(pk__in=body["sites"]).values_list("name", flat=True)) == sorted(
        row[0] for row in GOOD_ROWS)


def test_api_imports_a_good_xlsx_with_numbers_as_numbers(world: World) -> None:
    rows = [[row[0], row[1], row[2], float(row[3]), float(row[4]), *row[5:8], int(row[8]) if row[8] == "1" else None,
             *row[9:]] for row in GOOD_ROWS]
    response = world.client("ops_a").post(IMPORT_URL, {"file": upload(xlsx_bytes(rows), "daftar.xlsx")})
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 3
    assert float(ProtectedSite.objects.get(name="TPS 01 Sukorejo").longitude) == pytest.approx(112.1601)


def test_api_semicolon_csv_with_decimal_commas(world: World) -> None:
    data = "nama;jenis;lintang;bujur;satuan\nPos Pantau;Lainnya;-8,0983;112,1686;Polres Blitar Kota\n"
    response = world.client("ops_a").post(IMPORT_URL, {"file": upload(data.encode())})
    assert response.status_code == 201, response.json()
    site = ProtectedSite.objects.get(name="Pos Pantau")
    assert (site.kind, float(site.latitude)) == ("other", -8.0983)


def test_api_reports_every_bad_row_and_stores_nothing(world: World) -> None:
    rows = [GOOD_ROWS[0], ["Kantor B", "tps", "", "91", "112.1", "Polres Blitar Kota"] + [""] * 6,
            ["Kantor C", "tps", "", "-8.1", "112.1", "Polres Jember"] + [""] * 6]
    response = world.client("ops_a").post(IMPORT_URL, {"file": upload(csv_bytes(rows))})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "2 rows have errors; nothing was stored."
    assert [(e["line"], e["field"]) for e in body["errors"]] == [(3, "latitude"), (4, "unit")]
    assert ProtectedSite.objects.count() == 2


@override_settings(SITE_IMPORT_MAX_BYTES=1024)
def test_api_refuses_an_oversized_file(world: World) -> None:
    data = csv_bytes([GOOD_ROWS[1][:]] * 40)
    assert len(data) > 1024
    response = world.client("ops_a").post(IMPORT_URL, {"file": upload(data)})
    assert response.status_code == 413
    assert "1024 bytes" in response.json()["detail"]
    assert ProtectedSite.objects.count() == 2


@override_settings(SITE_IMPORT_MAX_BYTES=1024)
def test_api_refuses_a_huge_body_before_reading_it(world: World) -> None:
    response = world.client("ops_a").post(IMPORT_URL, {"file": upload(b"x" * 200_000)})
    assert response.status_code == 413


@pytest.mark.parametrize(("data", "name", "reason"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "photo.csv", "is a PNG image"),
    (struct.pack("<8d", *range(8)), "data.xlsx", "neither a CSV text file nor an XLSX workbook"),
    (b"", "sites.csv", "The file is empty."),
    (b"name,kind,unit\nA,tps,U\n", "sites.csv", "Missing required columns: latitude, longitude"),
], ids=["png", "binary", "empty", "missing-columns"])
def test_api_names_what_is_wrong_with_a_bad_file(world: World, data: bytes, name: str, reason: str) -> None:
    response = world.client("ops_a").post(IMPORT_URL, {"file": upload(data, name)})
    assert response.status_code == 400
    assert reason in response.json()["detail"]
    assert response.json()["errors"] == []


def test_api_dry_run_checks_and_stores_nothing(world: World) -> None:
    response = world.client("ops_a").post(IMPORT_URL, {"file": upload(csv_bytes(GOOD_ROWS)), "dry_run": "true"})
    assert response.status_code == 200
    assert response.json() == {"dry_run": True, "checked": 3, "created": 0, "sites": []}
    assert ProtectedSite.objects.count() == 2


@pytest.mark.parametrize("who", ["officer_a", "commander", "liaison"])
def test_api_import_is_for_editing_roles_only(world: World, who: str) -> None:
    response = world.client(who).post(IMPORT_URL, {"file": upload(csv_bytes(GOOD_ROWS))})
    assert response.status_code == 403
    assert ProtectedSite.objects.count() == 2


def test_api_import_needs_a_login(world: World) -> None:
    from django.test import Client

    assert Client().post(IMPORT_URL, {"file": upload(csv_bytes(GOOD_ROWS))}).status_code == 403


def test_import_endpoint_is_in_the_schema(world: World) -> None:
    schema = world.client("ops_a").get("/api/schema/", HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/sites/import/"]["post"]
    assert {"201", "400", "403", "413"} <= set(operation["responses"])


# The page and the template file -------------------------------------------------------------------

def test_page_shows_the_form_and_the_columns(world: World) -> None:
    response = world.client("ops_a").get(PAGE_URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert "zona_waktu" in content and "logistics_warehouse" in content


def test_page_upload_lists_the_errors_with_line_numbers(world: World) -> None:
    rows = [GOOD_ROWS[0], ["Kantor C", "tps", "", "-8.1", "150.5", "Polres Blitar Kota"] + [""] * 6]
    response = world.client("ops_a").post(PAGE_URL, {"file": upload(csv_bytes(rows))})
    assert response.status_code == 200
    errors = response.context["import_error"].row_errors
    assert [(e.line, e.field) for e in errors] == [(3, "longitude")]
    content = response.content.decode()
    assert "1 row has errors; nothing was stored." in content
    assert '<td data-label="Line">3</td>' in content
    assert ProtectedSite.objects.count() == 2


def test_page_bad_file_is_a_form_error(world: World) -> None:
    with override_settings(SITE_IMPORT_MAX_BYTES=1024):
        response = world.client("ops_a").post(PAGE_URL, {"file": upload(b"a,b\n" * 600)})
    assert "larger than the limit of 1024 bytes" in response.context["form"].errors["file"][0]
    response = world.client("ops_a").post(PAGE_URL, {"file": upload(b"\x89PNG\r\n\x1a\n\0\0", "x.csv")})
    assert "PNG image" in response.context["form"].errors["file"][0]


def test_page_dry_run_says_valid_and_stores_nothing(world: World) -> None:
    response = world.client("ops_a").post(PAGE_URL, {"file": upload(csv_bytes(GOOD_ROWS)), "dry_run": "on"})
    assert response.status_code == 200
    assert "3 sites would be created. Nothing was stored." in response.content.decode()
    assert ProtectedSite.objects.count() == 2


def test_page_import_creates_and_says_how_many(world: World) -> None:
    client = world.client("ops_a")
    response = client.post(PAGE_URL, {"file": upload(xlsx_bytes(GOOD_ROWS), "sites.xlsx")}, follow=True)
    assert response.redirect_chain[-1][0] == "/sites/"
    assert "3 sites imported." in response.content.decode()
    assert ProtectedSite.objects.count() == 5


def test_page_is_for_editing_roles_only(world: World) -> None:
    client = world.client("officer_a")
    assert client.get(PAGE_URL).status_code == 403
    assert client.post(PAGE_URL, {"file": upload(csv_bytes(GOOD_ROWS))}).status_code == 403
    assert ProtectedSite.objects.count() == 2


def test_the_template_file_imports_as_it_is(world: World) -> None:
    client = world.client("ops_a")
    response = client.get("/sites/import/template.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = response.content
    assert data.startswith("\ufeff".encode())
    header, example = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:5] == ["name", "kind", "address", "latitude", "longitude"]
    assert example[5] == "Polres Blitar Kota"
    assert client.post(IMPORT_URL, {"file": upload(data)}).status_code == 201


# The command --------------------------------------------------------------------------------------

def test_command_imports_and_reports_the_count(world: World, tmp_path: Any) -> None:
    path = tmp_path / "sites.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    out = io.StringIO()
    call_command("import_sites", str(path), "--user", "ops_a", "--dry-run", stdout=out)
    assert "3 sites would be created" in out.getvalue()
    assert ProtectedSite.objects.count() == 2
    call_command("import_sites", str(path), "--user", "ops_a", stdout=out)
    assert "3 sites created." in out.getvalue()
    assert ProtectedSite.objects.count() == 5


def test_command_prints_every_error_and_fails(world: World, tmp_path: Any) -> None:
    path = tmp_path / "sites.csv"
    path.write_bytes(csv_bytes([GOOD_ROWS[0], ["Kantor C", "tps", "", "-8.1", "112.1", "Polres Jember"] + [""] * 6,
                                ["Kantor D", "tps", "", "-8.1", "x", "Polres Blitar Kota"] + [""] * 6]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 rows have errors"):
        call_command("import_sites", str(path), "--user", "ops_a", stderr=err)
    assert err.getvalue().splitlines() == [
        "line 3, unit: Unknown unit “Polres Jember”.", "line 4, longitude: must be a number"]
    assert ProtectedSite.objects.count() == 2


@pytest.mark.parametrize(("args", "message"), [
    (["--user", "nobody"], "No user named"),
    (["--user", "officer_a"], "Your role may not change this."),
])
def test_command_refuses_unknown_users_and_roles(world: World, tmp_path: Any, args: list[str], message: str) -> None:
    path = tmp_path / "sites.csv"
    path.write_bytes(csv_bytes(GOOD_ROWS))
    with pytest.raises(CommandError, match=message):
        call_command("import_sites", str(path), *args)


def test_command_names_a_bad_file(world: World, tmp_path: Any) -> None:
    path = tmp_path / "photo.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\0")
    with pytest.raises(CommandError, match="PNG image"):
        call_command("import_sites", str(path), "--user", "ops_a")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_sites", str(tmp_path / "missing.csv"), "--user", "ops_a")
