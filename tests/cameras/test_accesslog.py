"""The access log: the owning agency reads its cameras' entries (allowed and refused), filters them, and
exports them as CSV for Excel with local times and the zone named; nobody reads another's log."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cameras import choices
from cameras.actions.viewing import open_camera
from cameras.models import AccessLogEntry, Camera
from tests.cameras.access_support import approved_grant, make_camera

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/cam/x/snapshot.jpg"


@pytest.fixture
def logged(world: Any) -> dict[str, Any]:
    """Three entries on a KPU camera (one refused, two under a grant) and one on Polres B's own camera."""
    kpu = make_camera(world, "KPU Gudang Pintu", URL)
    jember = make_camera(world, "Polres B Halaman", URL, agency=None, unit=world.polres_b, site=world.site_b)
    with pytest.raises(PermissionDenied):
        open_camera(world.users["ops_a"], kpu.pk, choices.AccessAction.VIEW_FRAME)
    grant = approved_grant(world, [kpu])
    open_camera(world.users["ops_a"], kpu.pk, choices.AccessAction.VIEW_CAMERA)
    open_camera(world.users["officer_a"], kpu.pk, choices.AccessAction.VIEW_FRAME)
    open_camera(world.users["ops_b"], jember.pk, choices.AccessAction.VIEW_CAMERA)
    # A fixed moment for the export: 23:30 UTC is 06:30 the next day in WIB.
    AccessLogEntry.objects.filter(username="officer_a").update(at=dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC))
    return {"kpu": kpu, "jember": jember, "grant": grant}


def test_liaison_reads_the_log_of_its_own_cameras_only(world: Any, logged: dict[str, Any]) -> None:
    page = world.client("liaison").get(reverse("cameras:accesslog"))
    assert page.status_code == 200
    content = page.content.decode()
    assert content.count("data-entry-id") == 3
    assert "No active access grant" in content and logged["grant"].letter_number in content
    assert "Polres B Halaman" not in content

    api = world.client("liaison").get("/api/cameras/access-log/").json()
    assert api["count"] == 3
    assert {row["username"] for row in api["results"]} == {"ops_a", "officer_a"}
    officer = next(row for row in api["results"] if row["username"] == "officer_a")
    assert officer["time_zone"] == "Asia/Jakarta" and officer["at_local"].startswith("2026-11-21T06:30")


def test_outsiders_read_nothing_of_anothers_log(world: Any, logged: dict[str, Any]) -> None:
    from sites.choices import Role
    from tests.factories import AgencyFactory, UserFactory

    UserFactory(username="liaison_bawaslu",
                membership={"role": Role.LIAISON, "agency": AgencyFactory(name="Bawaslu Kota Blitar")})
    world.users["liaison_bawaslu"] = type(world.users["liaison"]).objects.get(username="liaison_bawaslu")
    for who, expected in (("liaison_bawaslu", 0), ("ops_b", 1), ("ops_a", 3), ("admin", 4)):
        client = world.client(who)
        assert client.get("/api/cameras/access-log/").json()["count"] == expected, who
        assert client.get(reverse("cameras:accesslog")).content.decode().count("data-entry-id") == expected, who
        rows = list(csv.reader(io.StringIO(client.get(reverse("cameras:accesslog_export")).getvalue().decode())))
        assert len(rows) - 1 == expected, who
    entry = AccessLogEntry.objects.filter(username="ops_a").first()
    assert entry is not None
    assert world.client("ops_b").get(f"/api/cameras/access-log/{entry.pk}/").status_code == 404
    assert world.client("liaison_bawaslu").get(f"/api/cameras/access-log/{entry.pk}/").status_code == 404


def test_filters(world: Any, logged: dict[str, Any]) -> None:
    client = world.client("liaison")
    assert client.get("/api/cameras/access-log/?allowed=false").json()["count"] == 1
    assert client.get("/api/cameras/access-log/?user=officer").json()["count"] == 1
    assert client.get(f"/api/cameras/access-log/?camera={logged['kpu'].pk}").json()["count"] == 3
    assert client.get("/api/cameras/access-log/?since=2026-11-21&until=2026-11-21").json()["count"] == 1
    page = client.get(reverse("cameras:accesslog") + "?allowed=false")
    assert page.content.decode().count("data-entry-id") == 1
    # A camera outside the liaison's registry is not a filter choice: a clear 400, not someone's data.
    assert client.get(f"/api/cameras/access-log/?camera={logged['jember'].pk}").status_code == 400


def test_csv_export_for_excel(world: Any, logged: dict[str, Any]) -> None:
    response = world.client("liaison").get(reverse("cameras:accesslog_export") + "?user=officer_a")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    raw = response.getvalue()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Time", "Time zone", "Time (UTC)", "User"]
    assert rows[1][:4] == ["2026-11-21 06:30:00", "WIB (Asia/Jakarta)", "2026-11-20 23:30:00", "officer_a"]
    assert rows[1][4:11] == ["Polres Blitar Kota", "KPU Kota Blitar", "KPU Gudang Pintu", "",
                             logged["grant"].letter_number, "Viewed a live frame", "yes"]


def test_times_follow_the_cameras_site_zone(world: Any) -> None:
    from tests.factories import SiteFactory

    makassar = SiteFactory(name="Gudang KPU Makassar", unit=world.polres_a, agency=world.kpu_a,
                           time_zone="Asia/Makassar")
    camera = make_camera(world, "KPU Makassar", URL, site=makassar)
    open_camera(world.users["liaison"], camera.pk, choices.AccessAction.VIEW_CAMERA)
    AccessLogEntry.objects.update(at=dt.datetime(2026, 11, 20, 23, 30, tzinfo=dt.UTC))
    rows = list(csv.reader(io.StringIO(
        world.client("liaison").get(reverse("cameras:accesslog_export")).getvalue().decode("utf-8-sig"))))
    assert rows[1][:2] == ["2026-11-21 07:30:00", "WITA (Asia/Makassar)"]


def test_the_log_is_paginated(world: Any) -> None:
    camera: Camera = make_camera(world, "KPU Ramai", URL)
    now = timezone.now()
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(at=now, username="ops_a", agency=world.kpu_a, camera=camera, camera_name=camera.name,
                       action=choices.AccessAction.VIEW_FRAME, allowed=False, reason="no active grant")
        for _ in range(130))
    page = world.client("liaison").get(reverse("cameras:accesslog"))
    assert page.content.decode().count("data-entry-id") == 100
    assert world.client("liaison").get("/api/cameras/access-log/").json()["count"] == 130
