"""Importing cameras from CSV and XLSX: all rows or none, every bad row with its line, and quickly."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cameras import secrets
from cameras.actions.imports import MAX_BYTES
from cameras.models import Camera
from opsroom.models import LiveEvent
from tests.cameras.registry_helpers import PASSWORD, make_camera
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

HEADER = "name,site,agency,source_kind,url,username,password,poll_interval_s,covers,private_area,latitude,longitude"


def csv_file(lines: list[str], header: str = HEADER, name: str = "kamera.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join([header, *lines]) + "\n").encode(), content_type="text/csv")


def city_rows(count: int) -> list[str]:
    return [f"CCTV Kota {n:03d},,Diskominfotika Kota Blitar,http_jpeg,http://10.20.{n // 250}.{n % 250}/snap.jpg,"
            f"admin,{PASSWORD},60,Simpang {n},tidak,\"-8,09{n:02d}\",112.16" for n in range(1, count + 1)]


@pytest.fixture
def diskominfo(world: Any) -> Any:
    return AgencyFactory(name="Diskominfotika Kota Blitar")


def test_three_hundred_city_cameras_import_through_the_page(world: Any, diskominfo: Any) -> None:
    response = world.client("ops_a").post(reverse("cameras:import"), {
        "unit": world.polres_a.pk, "file": csv_file(city_rows(300))})
    assert response.status_code == 302, response.content.decode()[:2000]
    cameras = Camera.objects.filter(unit=world.polres_a, agency=diskominfo)
    assert cameras.count() == 300
    first = cameras.get(name="CCTV Kota 001")
    assert secrets.unseal(first.credentials) == secrets.Credentials("admin", PASSWORD)
    assert str(first.latitude) == "-8.090100"
    assert PASSWORD not in world.client("ops_a").get(reverse("cameras:list")).content.decode()


def test_an_import_is_announced_once_per_owning_agency(world: Any, diskominfo: Any,
                                                      django_capture_on_commit_callbacks: Any) -> None:
    lines = [*city_rows(3), "Gudang,,KPU Kota Blitar,,http://10.0.0.9/gudang.jpg,,,,,,,"]
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("ops_a").post(reverse("cameras:import"), {
            "unit": world.polres_a.pk, "file": csv_file(lines)})
    assert response.status_code == 302, response.content.decode()[:2000]
    events = {event.agency_id: event for event in LiveEvent.objects.filter(kind="cameras.imported")}
    assert set(events) == {diskominfo.pk, world.kpu_a.pk}  # 2 announcements for 4 cameras
    city = Camera.objects.filter(agency=diskominfo).order_by("pk").values_list("pk", flat=True)
    assert events[diskominfo.pk].payload == {"unit_id": world.polres_a.pk, "agency_id": diskominfo.pk,
                                             "camera_ids": list(city)}
    assert events[world.kpu_a.pk].unit_path == world.polres_a.path


def test_indonesian_headers_and_xlsx_through_the_api(world: Any, diskominfo: Any) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["No", "Nama Kamera", "Objek", "Pemilik", "Sumber", "URL", "Pengguna", "Kata Sandi", "Interval",
                  "Cakupan", "Area Privat", "Lintang", "Bujur"])
    sheet.append([1, "Gerbang", "Kantor KPU Kota Blitar", "KPU Kota Blitar", "", "rtsp://10.0.0.5:554/live", "op",
                  PASSWORD, 30, "Gerbang depan", "ya", -8.0983, 112.1686])
    sheet.append([2, "Jalan", "", "", "MJPEG", "http://10.0.0.6/video.mjpg", "", "", "", "", "", "", ""])
    data = io.BytesIO()
    book.save(data)
    upload = SimpleUploadedFile("kamera.xlsx", data.getvalue())
    response = world.client("ops_a").post("/api/cameras/import/", {"unit": world.polres_a.pk, "file": upload})
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2
    assert PASSWORD not in response.content.decode()
    gate = Camera.objects.get(name="Gerbang")
    assert gate.site == world.site_a and gate.agency == world.kpu_a and gate.source_kind == "rtsp"
    assert gate.private_area is True and gate.poll_interval_s == 30
    street = Camera.objects.get(name="Jalan")
    assert street.site is None and street.agency is None and street.source_kind == "mjpeg"
    assert street.credentials == ""


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_stored(world: Any, diskominfo: Any) -> None:
    make_camera(world, "Sudah Ada")
    lines = [
        "Baik,,,http_jpeg,http://10.0.0.1/a.jpg,,,60,,tidak,,",                      # line 2: fine
        "URL buruk,,,http_jpeg,ftp://10.0.0.1/a.jpg,,,60,,tidak,,",                  # 3
        "Instansi,,Dishub Antah,http_jpeg,http://10.0.0.2/a.jpg,,,60,,tidak,,",      # 4
        "Objek,Gudang Tak Dikenal,,http_jpeg,http://10.0.0.3/a.jpg,,,60,,tidak,,",   # 5
        "Sudah Ada,,,http_jpeg,http://10.0.0.4/a.jpg,,,60,,tidak,,",                 # 6
        "Baik,,,http_jpeg,http://10.0.0.5/a.jpg,,,60,,tidak,,",                      # 7: duplicate of line 2
        "Angka,,,http_jpeg,http://10.0.0.6/a.jpg,,,enam puluh,,tidak,,",             # 8
        "Lintang,,,http_jpeg,http://10.0.0.7/a.jpg,,,60,,tidak,-95,112",             # 9
        "Privat,,,http_jpeg,http://10.0.0.8/a.jpg,,,60,,mungkin,,",                  # 10
        "Objek lain,Kantor Bawaslu Kabupaten Jember,,http_jpeg,http://10.0.0.9/a.jpg,,,60,,tidak,,",  # 11
    ]
    response = world.client("ops_a").post("/api/cameras/import/", {"unit": world.polres_a.pk,
                                                                   "file": csv_file(lines)})
    assert response.status_code == 400
    errors = {(e["line"], e["field"]) for e in response.json()["errors"]}
    assert errors == {(3, "url"), (4, "agency"), (5, "site"), (6, "name"), (7, "name"), (8, "poll_interval_s"),
                      (9, "latitude"), (10, "private_area"), (11, "site")}
    messages = {e["line"]: e["message"] for e in response.json()["errors"]}
    assert "Dishub Antah" in messages[4] and "Line 2" in messages[7]
    assert response.json()["detail"] == "9 rows have errors; nothing was stored."
    assert list(Camera.objects.values_list("name", flat=True)) == ["Sudah Ada"]

    page = world.client("ops_a").post(reverse("cameras:import"), {"unit": world.polres_a.pk,
                                                                  "file": csv_file(lines)})
    assert page.status_code == 400
    assert "9 rows have errors; nothing was stored." in page.content.decode()
    assert Camera.objects.count() == 1


def test_the_polling_network_column_is_read_and_a_bad_name_is_reported_with_its_line(world: Any) -> None:
    header = "nama,url,jaringan"
    good = ["Gudang,http://10.0.0.1/a.jpg,blitar-lan", "Jalan,http://10.0.0.2/a.jpg,"]
    response = world.client("ops_a").post("/api/cameras/import/", {"unit": world.polres_a.pk,
                                                                   "file": csv_file(good, header=header)})
    assert response.status_code == 201, response.json()
    assert dict(Camera.objects.values_list("name", "poll_queue")) == {"Gudang": "blitar-lan", "Jalan": ""}

    bad = ["Baik,http://10.0.0.3/a.jpg,kpu-1", "Buruk,http://10.0.0.4/a.jpg,Jaringan KPU"]
    response = world.client("ops_a").post("/api/cameras/import/", {"unit": world.polres_a.pk,
                                                                   "file": csv_file(bad, header=header)})
    assert response.status_code == 400
    assert [(e["line"], e["field"]) for e in response.json()["errors"]] == [(3, "poll_queue")]
    assert "“Jaringan KPU” cannot name a polling network" in response.json()["errors"][0]["message"]
    assert Camera.objects.count() == 2


def test_dry_run_stores_nothing(world: Any, diskominfo: Any) -> None:
    response = world.client("ops_a").post("/api/cameras/import/", {
        "unit": world.polres_a.pk, "file": csv_file(city_rows(3)), "dry_run": "true"})
    assert response.status_code == 200 and response.json()["checked"] == 3
    assert not Camera.objects.exists()


def test_files_that_are_not_lists_are_clear_4xx(world: Any) -> None:
    client = world.client("ops_a")
    png = SimpleUploadedFile("kamera.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    response = client.post("/api/cameras/import/", {"unit": world.polres_a.pk, "file": png})
    assert response.status_code == 400 and "PNG image" in response.json()["detail"]
    big = SimpleUploadedFile("kamera.csv", b"name,url\n" + b"x" * (MAX_BYTES + 10))
    response = client.post("/api/cameras/import/", {"unit": world.polres_a.pk, "file": big})
    assert response.status_code == 413
    unknown = csv_file(["a,b"], header="name,url,warna")
    response = client.post("/api/cameras/import/", {"unit": world.polres_a.pk, "file": unknown})
    assert response.status_code == 400 and "warna" in response.json()["detail"]
    missing = csv_file(["a"], header="name")
    response = client.post("/api/cameras/import/", {"unit": world.polres_a.pk, "file": missing})
    assert response.status_code == 400 and "url" in response.json()["detail"]
    png.seek(0)
    page = client.post(reverse("cameras:import"), {"unit": world.polres_a.pk, "file": png})
    assert page.status_code == 400 and "PNG image" in page.content.decode()
    assert not Camera.objects.exists()


def test_import_rules_for_roles_and_units(world: Any) -> None:
    upload = csv_file(["A,,,http_jpeg,http://10.0.0.1/a.jpg,,,60,,tidak,,"])
    assert world.client("officer_a").post("/api/cameras/import/", {
        "unit": world.polres_a.pk, "file": upload}).status_code == 403
    assert world.client("officer_a").get(reverse("cameras:import")).status_code == 403
    upload.seek(0)
    response = world.client("ops_b").post("/api/cameras/import/", {"unit": world.polres_a.pk, "file": upload})
    assert response.status_code == 400 and "unit" in response.json()
    upload.seek(0)
    page = world.client("ops_b").post(reverse("cameras:import"), {"unit": world.polres_a.pk, "file": upload})
    assert page.status_code == 400
    assert not Camera.objects.exists()


def test_import_command(world: Any, diskominfo: Any, tmp_path: Any) -> None:
    good = tmp_path / "kota.csv"
    good.write_text("\n".join([HEADER, *city_rows(5)]) + "\n")
    call_command("import_cameras", str(good), "--unit", str(world.polres_a.pk))
    assert Camera.objects.count() == 5
    bad = tmp_path / "buruk.csv"
    bad.write_text(HEADER + "\nX,,Tak Ada,http_jpeg,http://10.0.0.1/a.jpg,,,60,,tidak,,\n")
    with pytest.raises(CommandError, match="1 row has errors"):
        call_command("import_cameras", str(bad), "--unit", str(world.polres_a.pk))
    assert Camera.objects.count() == 5
