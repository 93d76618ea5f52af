"""The viewing gate over real HTTP frames from the simulator: outsiders get 404, police without a grant 403
(logged), with a grant 200 (the log names the grant), and revocation or expiry refuse the next look at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cameras import choices
from cameras.actions import grants
from cameras.actions.evidence import do_store_snapshot
from cameras.models import AccessGrant, AccessLogEntry, Camera, Snapshot
from tests.cameras.access_support import approved_grant, make_camera
from tests.cameras.conftest import SimulatorServer

pytestmark = pytest.mark.django_db


@pytest.fixture
def cams(world: Any, simulator: SimulatorServer) -> dict[str, Camera]:
    return {
        "kpu": make_camera(world, "KPU Gudang 1", simulator.snapshot_url("healthy")),
        "kpu2": make_camera(world, "KPU Gudang 2", simulator.snapshot_url("cam-00001")),
        "private": make_camera(world, "Ruang Komisioner", simulator.snapshot_url("cam-00002"), private_area=True),
        "own": make_camera(world, "Polres A Halaman", simulator.snapshot_url("cam-00003"), agency=None),
        "offline": make_camera(world, "Polres A Mati", simulator.snapshot_url("offline"), agency=None),
        "wrong": make_camera(world, "Polres A Salah", simulator.snapshot_url("wrong_type"), agency=None),
    }


@pytest.fixture
def stored(cams: dict[str, Camera], simulator: SimulatorServer) -> dict[str, Snapshot]:
    import urllib.request

    with urllib.request.urlopen(simulator.snapshot_url("healthy"), timeout=10) as response:
        data = response.read()
    return {name: do_store_snapshot(cams[name], data, reason=choices.SnapshotReason.INTERVAL,
                                    captured_at=timezone.now()) for name in ("kpu", "own")}


def endpoints(camera: Camera, snapshot: Snapshot | None) -> list[tuple[str, str]]:
    pk = camera.pk
    rows = [("get", reverse("cameras:detail", args=[pk])), ("get", reverse("cameras:frame", args=[pk])),
            ("get", reverse("cameras:reference", args=[pk])), ("post", reverse("cameras:capture", args=[pk])),
            ("get", reverse("cameras:snapshots", args=[pk])), ("get", f"/api/cameras/{pk}/snapshots/"),
            ("post", f"/api/cameras/{pk}/capture/")]
    if snapshot is not None:
        rows += [("get", reverse(name, args=[pk, snapshot.pk]))
                 for name in ("cameras:snapshot", "cameras:snapshot_image", "cameras:snapshot_thumbnail")]
    return rows


def last_entry() -> AccessLogEntry:
    return AccessLogEntry.objects.order_by("-pk").first()  # type: ignore[return-value]


@pytest.mark.parametrize("name", ["kpu", "own"])
def test_outsider_gets_404_on_every_endpoint_and_is_logged(world: Any, cams: dict[str, Camera],
                                                           stored: dict[str, Snapshot], name: str) -> None:
    approved_grant(world, [cams["kpu"]])  # a grant to Polres A gives Polres B nothing
    client = world.client("ops_b")
    for method, url in endpoints(cams[name], stored[name]):
        before = AccessLogEntry.objects.count()
        response = getattr(client, method)(url)
        assert response.status_code == 404, (url, response.status_code)
        assert AccessLogEntry.objects.count() == before + 1, url
        entry = last_entry()
        assert (entry.username, entry.allowed, entry.camera_id) == ("ops_b", False, cams[name].pk)
        assert entry.unit_id == world.polres_b.pk
    assert not Snapshot.objects.filter(reason=choices.SnapshotReason.MANUAL).exists()


def test_liaison_of_another_agency_gets_404(world: Any, cams: dict[str, Camera]) -> None:
    from sites.choices import Role
    from tests.factories import AgencyFactory, UserFactory

    other = AgencyFactory(name="Bawaslu Kota Blitar")
    UserFactory(username="liaison_bawaslu", membership={"role": Role.LIAISON, "agency": other})
    client = Client()
    client.force_login(world.users["liaison"].__class__.objects.get(username="liaison_bawaslu"))
    for method, url in endpoints(cams["kpu"], None):
        assert getattr(client, method)(url).status_code == 404, url


def test_missing_camera_is_404_and_logged(world: Any, cams: dict[str, Camera]) -> None:
    response = world.client("ops_a").get(reverse("cameras:frame", args=[999999]))
    assert response.status_code == 404
    entry = last_entry()
    assert entry.camera_id is None and not entry.allowed and entry.reason == "no such camera"


def test_police_without_a_grant_get_403_and_the_denial_is_logged(world: Any, cams: dict[str, Camera]) -> None:
    client = world.client("ops_a")
    page = client.get(reverse("cameras:detail", args=[cams["kpu"].pk]))
    assert page.status_code == 403
    assert b"no active access grant" in page.content
    entry = last_entry()
    assert (entry.action, entry.allowed, entry.reason) == (choices.AccessAction.VIEW_CAMERA, False,
                                                           "no active grant")
    assert entry.agency_id == world.kpu_a.pk and entry.grant_id is None

    frame = client.get(reverse("cameras:frame", args=[cams["kpu"].pk]))
    assert frame.status_code == 403
    assert (last_entry().action, last_entry().allowed) == (choices.AccessAction.VIEW_FRAME, False)
    # The owning agency reads the denial in its log.
    liaison_log = AccessLogEntry.objects.visible_to(world.users["liaison"])
    assert liaison_log.filter(username="ops_a", allowed=False).count() == 2


def test_with_an_active_grant_police_see_the_masked_frame_and_the_log_names_the_grant(
        world: Any, cams: dict[str, Camera]) -> None:
    camera = cams["kpu"]
    Camera.objects.filter(pk=camera.pk).update(masks=[[[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]]])
    grant = approved_grant(world, [camera])
    client = world.client("ops_a")

    frame = client.get(reverse("cameras:frame", args=[camera.pk]))
    assert frame.status_code == 200
    assert frame["Content-Type"] == "image/jpeg"
    assert "no-store" in frame["Cache-Control"]
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(frame.content, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    height, width = image.shape[:2]
    assert image[: height // 2 - 4, : width // 2 - 4].max() < 20  # the mask is burned in: black
    entry = last_entry()
    assert (entry.action, entry.allowed, entry.grant_id, entry.username) == (
        choices.AccessAction.VIEW_FRAME, True, grant.pk, "ops_a")
    assert entry.ip_address == "127.0.0.1"

    page = client.get(reverse("cameras:detail", args=[camera.pk]))
    assert page.status_code == 200
    assert grant.letter_number.encode() in page.content
    assert last_entry().grant_id == grant.pk
    assert Client().get(reverse("cameras:frame", args=[camera.pk])).status_code == 302  # anonymous: to login


def test_commander_above_the_grantee_unit_does_not_borrow_its_grant(world: Any, cams: dict[str, Camera]) -> None:
    approved_grant(world, [cams["kpu"]])
    # A grant reaches the unit and the units below it, never the units above.
    assert world.client("commander").get(reverse("cameras:frame", args=[cams["kpu"].pk])).status_code == 403


def test_revocation_and_expiry_take_effect_at_once(world: Any, cams: dict[str, Camera]) -> None:
    camera = cams["kpu"]
    grant = approved_grant(world, [camera])
    client = world.client("ops_a")
    url = reverse("cameras:frame", args=[camera.pk])
    assert client.get(url).status_code == 200

    grants.do_revoke_grant(world.users["liaison"], grant, reason="Masa tenang selesai")
    assert client.get(url).status_code == 403
    assert last_entry().reason == "no active grant"

    second = approved_grant(world, [camera], letter="B/124/XI/2026/Ops")
    assert client.get(url).status_code == 200
    now = timezone.now()
    AccessGrant.objects.filter(pk=second.pk).update(valid_from=now - dt.timedelta(days=2),
                                                    valid_until=now - dt.timedelta(seconds=1))
    assert client.get(url).status_code == 403
    assert client.get(reverse("cameras:detail", args=[camera.pk])).status_code == 403


def test_approving_fewer_cameras_shows_only_those(world: Any, cams: dict[str, Camera]) -> None:
    approved_grant(world, [cams["kpu"], cams["kpu2"]], granted=[cams["kpu2"]])
    client = world.client("ops_a")
    assert client.get(reverse("cameras:frame", args=[cams["kpu"].pk])).status_code == 403
    assert client.get(reverse("cameras:frame", args=[cams["kpu2"].pk])).status_code == 200
    visible = set(Camera.objects.visible_to(world.users["ops_a"]).values_list("pk", flat=True))
    assert cams["kpu2"].pk in visible and cams["kpu"].pk not in visible


def test_private_area_camera_is_never_shown_to_police(world: Any, cams: dict[str, Camera]) -> None:
    response = world.client("ops_a").get(reverse("cameras:frame", args=[cams["private"].pk]))
    assert response.status_code == 403
    assert b"private area" in response.content
    assert last_entry().reason == "private-area camera"
    # The owning agency sees its own private camera.
    assert world.client("liaison").get(reverse("cameras:frame", args=[cams["private"].pk])).status_code == 200


def test_own_camera_needs_no_grant(world: Any, cams: dict[str, Camera]) -> None:
    response = world.client("officer_a").get(reverse("cameras:frame", args=[cams["own"].pk]))
    assert response.status_code == 200
    assert last_entry().grant_id is None and last_entry().allowed


def test_an_unreachable_or_broken_camera_is_a_clear_5xx(world: Any, cams: dict[str, Camera]) -> None:
    client = world.client("ops_a")
    offline = client.get(reverse("cameras:frame", args=[cams["offline"].pk]))
    assert offline.status_code == 503
    assert b"could not be read" in offline.content
    wrong = client.get(reverse("cameras:frame", args=[cams["wrong"].pk]))
    assert wrong.status_code == 502


def test_reference_frame_is_served_with_masks(world: Any, cams: dict[str, Camera]) -> None:
    response = world.client("ops_a").get(reverse("cameras:reference", args=[cams["own"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert last_entry().action == choices.AccessAction.VIEW_REFERENCE


def test_capture_now_stores_a_manual_snapshot_and_logs_it(world: Any, cams: dict[str, Camera]) -> None:
    camera = cams["kpu"]
    grant = approved_grant(world, [camera])
    response = world.client("ops_a").post(reverse("cameras:capture", args=[camera.pk]))
    assert response.status_code == 302
    snapshot = Snapshot.objects.get(camera=camera, reason=choices.SnapshotReason.MANUAL)
    assert snapshot.requested_by == world.users["ops_a"]
    entry = last_entry()
    assert (entry.action, entry.allowed, entry.grant_id) == (choices.AccessAction.CAPTURE, True, grant.pk)

    # An officer may look but not capture; the refusal is logged and nothing is stored.
    refused = world.client("officer_a").post(reverse("cameras:capture", args=[camera.pk]))
    assert refused.status_code == 403
    assert last_entry().reason == "role may not capture"
    assert Snapshot.objects.filter(reason=choices.SnapshotReason.MANUAL).count() == 1


def test_capture_needs_csrf_and_post(world: Any, cams: dict[str, Camera]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["ops_a"])
    assert client.post(reverse("cameras:capture", args=[cams["own"].pk])).status_code == 403
    assert world.client("ops_a").get(reverse("cameras:capture", args=[cams["own"].pk])).status_code == 405
    assert not Snapshot.objects.exists()


def test_api_capture_of_an_offline_camera_is_503_and_stores_nothing(world: Any, cams: dict[str, Camera]) -> None:
    response = world.client("ops_a").post(f"/api/cameras/{cams['offline'].pk}/capture/")
    assert response.status_code == 503
    assert "could not be read" in response.json()["detail"]
    assert not Snapshot.objects.exists()
    ok = world.client("ops_a").post(f"/api/cameras/{cams['own'].pk}/capture/")
    assert ok.status_code == 201 and ok.json()["reason"] == "manual"
