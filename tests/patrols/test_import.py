"""Personnel import from CSV/XLSX: all or nothing, every bad row named with its line."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from patrols.actions.imports import PersonnelImportError, do_import_personnel, read_personnel_file
from patrols.models import Personnel
from tests.conftest import World
from tests.patrols import roster_fixtures as data

pytestmark = pytest.mark.django_db
API = "/api/patrols"

GOOD = (
    "No;NRP;Nama;Pangkat;Satuan;Kualifikasi;No HP\n"
    "1;87010001;Agus Santoso;Bripka;Polres Blitar Kota;Operator CCTV, Bersenjata;0812\n"
    "2;87010002;Dewi Lestari;Brigpol;Polres Blitar Kota;Polwan;\n"
)


def upload(text: str, name: str = "personel.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode())


def test_a_good_list_is_stored_with_qualifications_from_indonesian_words(world: World) -> None:
    result = do_import_personnel(world.users["ops_a"], read_personnel_file(GOOD.encode(), "personel.csv"))
    assert (result.created, result.updated) == (2, 0)
    agus = Personnel.objects.get(nrp="87010001")
    assert agus.qualifications == ["cctv_operator", "armed"] and agus.rank == "bripka"
    # Sent again with a change: the same people are updated, not doubled.
    again = do_import_personnel(world.users["ops_a"], read_personnel_file(
        GOOD.replace("Bripka", "Aipda").encode(), "personel.csv"))
    assert (again.created, again.updated) == (0, 2)
    assert Personnel.objects.get(nrp="87010001").rank == "aipda"


def test_every_bad_row_is_named_and_nothing_is_stored(world: World) -> None:
    data.people(world.polres_b, 1)
    stored_elsewhere = Personnel.objects.get().nrp
    text = (
        "NRP,Nama,Pangkat,Satuan,Kualifikasi\n"
        "87010001,Agus,Bripka,Polres Blitar Kota,\n"
        "87010001,Agus lagi,Bripka,Polres Blitar Kota,\n"
        "87010003,Dua Satuan,Bripka,Polres Blitar Kota,\n"
        "87010003,Dua Satuan,Bripka,Polres Jember,\n"
        "87010004,Tak Dikenal,Bripka,Polres Antah,\n"
        "87010005,Salah,Jenderal,Polres Blitar Kota,terbang\n"
        f"{stored_elsewhere},Pindahan,Bripka,Polres Blitar Kota,\n"
    )
    with pytest.raises(PersonnelImportError) as error:
        do_import_personnel(world.users["ops_a"], read_personnel_file(text.encode(), "p.csv"))
    messages = "\n".join(error.value.messages)
    assert "Line 3, nrp: NRP 87010001 is listed twice (line 2 too)." in messages
    assert "Line 5, unit:" in messages  # Polres Jember is not visible to Polres A: unknown
    assert "Line 6, unit: Unknown unit “Polres Antah”." in messages
    assert "Line 7, rank: Unknown rank “Jenderal”" in messages
    assert "Line 7, qualifications: Unknown qualifications: terbang" in messages
    assert f"Line 8, unit: NRP {stored_elsewhere} is registered in another unit" in messages
    assert Personnel.objects.count() == 1


def test_the_same_nrp_in_two_units_in_one_file_is_named(world: World) -> None:
    text = (
        "NRP,Nama,Pangkat,Satuan\n"
        "87010003,Dua Satuan,Bripka,Polres Jember\n"
        "87010003,Dua Satuan,Bripka,Polsek Kaliwates\n"
    )
    with pytest.raises(PersonnelImportError) as error:
        do_import_personnel(world.users["ops_b"], read_personnel_file(text.encode(), "p.csv"))
    assert "NRP 87010003 is in Polres Jember on line 2: a person belongs to one unit." in error.value.messages[0]


def test_xlsx_is_read(world: World) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["NRP", "Nama", "Pangkat", "Satuan"])
    sheet.append([87010009, "Rudi", "AKP", "Polres Blitar Kota"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = do_import_personnel(world.users["ops_a"], read_personnel_file(buffer.getvalue(), "p.xlsx"))
    assert result.created == 1 and Personnel.objects.get().rank == "akp"


def test_the_api_answers_rows_with_lines_and_stores_nothing(world: World) -> None:
    client = world.client("ops_a")
    bad = client.post(f"{API}/personnel/import/", {"file": upload(GOOD + "3;1;X;Bripka;Polres Blitar Kota;;\n")})
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["line"] == 4 and bad.json()["errors"][0]["field"] == "nrp"
    assert Personnel.objects.count() == 0
    missing = client.post(f"{API}/personnel/import/", {"file": upload("Nama,Pangkat\nA,Bripka\n")})
    assert missing.status_code == 400 and "Missing required columns: nrp, unit" in missing.json()["detail"]
    good = client.post(f"{API}/personnel/import/", {"file": upload(GOOD)})
    assert good.status_code == 201 and good.json()["created"] == 2
    assert world.client("officer_a").post(f"{API}/personnel/import/", {"file": upload(GOOD)}).status_code == 403


def test_the_command_imports_as_the_system(world: World, tmp_path: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "p.csv"
    path.write_text(GOOD)
    out = io.StringIO()
    call_command("import_personnel", str(path), "--user", "ops_a", stdout=out)
    assert "2 created" in out.getvalue()
    assert Personnel.objects.count() == 2
