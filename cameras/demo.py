"""The demo's cameras, pointing at the camera simulator that the run command starts (idempotent).

Polres Blitar Kota put five cameras each in front of the KPU logistics warehouse and the Bawaslu
office, and took in about 300 city cameras of Diskominfotika; those come in through the importer
from a generated CSV, as a city's list would. The KPU cameras get an approved access grant to
Polres Blitar Kota, filed and approved by the demo's own operations officer and KPU liaison.

Needs ``sites.demo.load_demo`` first (units, agencies, sites, users).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cameras.actions import grants, imports, registry
from cameras.choices import SourceKind
from cameras.models import AccessGrant, Camera
from sites.models import Agency, ProtectedSite, Unit

UNIT = "Polres Blitar Kota"
CITY_AGENCY = "Diskominfotika Kota Blitar"
GRANT_LETTER = "B/112/II/2024/Ops"


@dataclass(frozen=True)
class SiteCameras:
    prefix: str  # simulator ids: prefix + 1..5
    site: str
    agency: str
    names: tuple[str, ...]
    covers: tuple[str, ...]


SITE_CAMERAS = [
    SiteCameras("blitar-gudang-kpu-", "Gudang Logistik KPU Kota Blitar", "KPU Kota Blitar",
                ("CCTV Gudang KPU 1", "CCTV Gudang KPU 2", "CCTV Gudang KPU 3", "CCTV Gudang KPU 4",
                 "CCTV Gudang KPU 5"),
                ("Pintu gerbang", "Halaman depan", "Pintu gudang utama", "Sisi timur gudang", "Area bongkar muat")),
    SiteCameras("blitar-bawaslu-", "Kantor Bawaslu Kota Blitar", "Bawaslu Kota Blitar",
                ("CCTV Bawaslu 1", "CCTV Bawaslu 2", "CCTV Bawaslu 3", "CCTV Bawaslu 4", "CCTV Bawaslu 5"),
                ("Pintu masuk", "Halaman parkir", "Lobi", "Jalan depan kantor", "Sisi barat")),
]
# The centre of Kota Blitar; city cameras are spread on a small grid around it.
CITY_CENTRE = (-8.0954, 112.1609)


@dataclass(frozen=True)
class DemoCameras:
    registered: int
    imported: int
    grant: AccessGrant | None


@transaction.atomic
def load_demo_cameras(simulator_url: str, simulator_ids: Sequence[str]) -> DemoCameras:
    """Register whatever of the demo's cameras is missing; ``simulator_ids`` are the simulator's camera ids."""
    unit = Unit.objects.get(name=UNIT)
    registered = 0
    for plan in SITE_CAMERAS:
        site = ProtectedSite.objects.get(unit=unit, name=plan.site)
        agency = Agency.objects.get(name=plan.agency)
        for number, (name, covers) in enumerate(zip(plan.names, plan.covers, strict=True), start=1):
            if Camera.objects.filter(unit=unit, name=name).exists():
                continue
            registry.do_register_camera(
                None, name=name, unit=unit, site=site, agency=agency, source_kind=SourceKind.HTTP_JPEG,
                url=f"{simulator_url}/cam/{plan.prefix}{number}/snapshot.jpg", poll_interval_s=30, covers=covers,
                private_area=False, enabled=True, latitude=site.latitude, longitude=site.longitude,
            )
            registered += 1
    city_ids = [camera_id for camera_id in simulator_ids if camera_id.startswith("cam-")]
    imported = _import_city_cameras(unit, simulator_url, city_ids)
    return DemoCameras(registered, imported, _kpu_grant(unit))


def city_camera_csv(simulator_url: str, camera_ids: Sequence[str]) -> bytes:
    """The city's list as Diskominfotika would send it: Indonesian headers, semicolons, decimal commas."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(["No", "Nama Kamera", "Pemilik", "Sumber", "URL", "Interval", "Cakupan", "Area Privat",
                     "Lintang", "Bujur"])
    for index, camera_id in enumerate(camera_ids, start=1):
        row, column = divmod(index - 1, 20)
        lat = CITY_CENTRE[0] + (row - 7) * 0.0018
        lon = CITY_CENTRE[1] + (column - 10) * 0.0018
        writer.writerow([
            index, f"CCTV Kota Blitar {index:03d}", CITY_AGENCY, "JPEG",
            f"{simulator_url}/cam/{camera_id}/snapshot.jpg", 60, f"Persimpangan {index:03d}", "tidak",
            f"{lat:.6f}".replace(".", ","), f"{lon:.6f}".replace(".", ","),
        ])
    return out.getvalue().encode("utf-8")


def _import_city_cameras(unit: Unit, simulator_url: str, camera_ids: Sequence[str]) -> int:
    if not camera_ids or Camera.objects.filter(unit=unit, name__startswith="CCTV Kota Blitar ").exists():
        return 0
    rows = imports.read_camera_file(city_camera_csv(simulator_url, camera_ids), "kamera-kota-blitar.csv")
    return imports.do_import_cameras(None, unit, rows).created


def _kpu_grant(unit: Unit) -> AccessGrant | None:
    """An approved grant of the KPU warehouse cameras to Polres Blitar Kota, unless one is active already."""
    agency = Agency.objects.get(name="KPU Kota Blitar")
    if AccessGrant.objects.active().filter(unit=unit, agency=agency).exists():
        return None
    users = get_user_model().objects.in_bulk(["ops.blitar", "liaison.kpu.blitar"], field_name="username")
    if len(users) < 2:
        return None
    now = timezone.now()
    cameras = list(Camera.objects.filter(unit=unit, agency=agency, private_area=False))
    grant = grants.do_request_grant(
        users["ops.blitar"], unit=unit, agency=agency,
        letter_number=f"{GRANT_LETTER}/{now:%Y%m%d%H%M}", letter_date=now.date(),
        purpose="Pengamanan gudang logistik KPU selama tahapan pemilu.", cameras=cameras,
        valid_from=now, valid_until=now + dt.timedelta(days=grants.MAX_GRANT_DAYS - 1),
    )
    return grants.do_approve_grant(users["liaison.kpu.blitar"], grant, note="Disetujui untuk area luar gudang.")
