"""Stored snapshots: served only by the gated views (never from MEDIA_URL), byte-for-byte what was hashed,
never modified, listed by the API, and deleted by ``prune_snapshots`` once past their retention."""

from __future__ import annotations

import datetime as dt
import hashlib
from io import StringIO
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cameras import choices
from cameras.actions.evidence import do_store_snapshot
from cameras.models import AccessLogEntry, Camera, Snapshot
from cameras.models.evidence import ImmutableError
from tests.cameras.access_support import approved_grant, make_camera

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/cam/x/snapshot.jpg"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path)
    return tmp_path


def frame_bytes(seed: int = 1) -> bytes:
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 255, (360, 640, 3), dtype=np.uint8)
    return cv2.imencode(".jpg", image)[1].tobytes()


@pytest.fixture
def camera(world: Any) -> Camera:
    return make_camera(world, "KPU Gudang Arsip", URL)


def store(camera: Camera, *, days_ago: float = 0, reason: str = choices.SnapshotReason.INTERVAL) -> Snapshot:
    return do_store_snapshot(camera, frame_bytes(int(days_ago * 10) + 1), reason=reason,
                             captured_at=timezone.now() - dt.timedelta(days=days_ago))


def test_the_served_bytes_hash_to_the_recorded_sha256(world: Any, camera: Camera) -> None:
    snapshot = store(camera)
    grant = approved_grant(world, [camera])
    response = world.client("ops_a").get(reverse("cameras:snapshot_image", args=[camera.pk, snapshot.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg" and "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(body).hexdigest() == snapshot.sha256
    assert len(body) == snapshot.size_bytes
    with snapshot.image.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == snapshot.sha256
    entry = AccessLogEntry.objects.order_by("-pk").first()
    assert entry is not None
    assert (entry.action, entry.snapshot_id, entry.grant_id) == (choices.AccessAction.VIEW_SNAPSHOT, snapshot.pk,
                                                                 grant.pk)
    thumb = world.client("ops_a").get(reverse("cameras:snapshot_thumbnail", args=[camera.pk, snapshot.pk]))
    assert thumb.status_code == 200


def test_a_stored_snapshot_is_never_modified(camera: Camera) -> None:
    snapshot = store(camera)
    snapshot.reason = choices.SnapshotReason.INCIDENT
    with pytest.raises(ImmutableError):
        snapshot.save()
    assert Snapshot.objects.get(pk=snapshot.pk).reason == choices.SnapshotReason.INTERVAL


def test_media_is_not_public(world: Any, camera: Camera) -> None:
    snapshot = store(camera)
    assert world.client("liaison").get(f"/media/{snapshot.image.name}").status_code == 404
    assert world.client("liaison").get(f"/{snapshot.image.name}").status_code == 404


def test_a_snapshot_of_another_camera_is_404(world: Any, camera: Camera) -> None:
    other = make_camera(world, "Polres A Halaman", URL, agency=None)
    snapshot = store(other)
    response = world.client("liaison").get(reverse("cameras:snapshot_image", args=[camera.pk, snapshot.pk]))
    assert response.status_code == 404
    entry = AccessLogEntry.objects.order_by("-pk").first()
    assert entry is not None and entry.reason == "no such snapshot of this camera" and not entry.allowed


def test_snapshot_pages_and_api_list(world: Any, camera: Camera) -> None:
    first, second = store(camera, days_ago=1), store(camera)
    client = world.client("liaison")
    listing = client.get(f"/api/cameras/{camera.pk}/snapshots/")
    assert listing.status_code == 200
    rows = listing.json()["results"]
    assert [row["id"] for row in rows] == [second.pk, first.pk]
    assert rows[0]["sha256"] == second.sha256 and rows[0]["size_bytes"] == second.size_bytes
    assert rows[0]["reason"] == "interval" and rows[0]["captured_at"]
    assert rows[0]["image_url"] == reverse("cameras:snapshot_image", args=[camera.pk, second.pk])
    assert client.get(reverse("cameras:snapshots", args=[camera.pk])).status_code == 200
    detail = client.get(reverse("cameras:snapshot", args=[camera.pk, second.pk]))
    assert detail.status_code == 200 and second.sha256.encode() in detail.content
    page = client.get(reverse("cameras:detail", args=[camera.pk]))
    assert page.status_code == 200
    assert reverse("cameras:snapshot_thumbnail", args=[camera.pk, second.pk]).encode() in page.content
    # Police without a grant: refused, and the refusal is in the agency's log.
    assert world.client("ops_a").get(f"/api/cameras/{camera.pk}/snapshots/").status_code == 403


def test_prune_snapshots_deletes_files_then_rows_past_retention(camera: Camera, media: Path) -> None:
    old = store(camera, days_ago=400)
    fresh = store(camera)
    evidence = store(camera, days_ago=400, reason=choices.SnapshotReason.INCIDENT)  # kept five years
    old_files = [media / old.image.name, media / old.thumbnail.name]
    assert all(path.exists() for path in old_files)

    out = StringIO()
    call_command("prune_snapshots", "--dry-run", stdout=out)
    assert "would delete 1 snapshots" in out.getvalue()
    assert Snapshot.objects.count() == 3 and all(path.exists() for path in old_files)

    out = StringIO()
    call_command("prune_snapshots", stdout=out)
    assert "deleted 1 snapshots and 2 files" in out.getvalue()
    assert set(Snapshot.objects.values_list("pk", flat=True)) == {fresh.pk, evidence.pk}
    assert not any(path.exists() for path in old_files)
    assert (media / fresh.image.name).exists()

    out = StringIO()
    call_command("prune_snapshots", stdout=out)
    assert "deleted 0 snapshots" in out.getvalue()


def test_outsider_gets_404_on_snapshot_endpoints(world: Any, camera: Camera) -> None:
    snapshot = store(camera)
    client = world.client("ops_b")
    for url in (f"/api/cameras/{camera.pk}/snapshots/", reverse("cameras:snapshots", args=[camera.pk]),
                reverse("cameras:snapshot", args=[camera.pk, snapshot.pk]),
                reverse("cameras:snapshot_image", args=[camera.pk, snapshot.pk]),
                reverse("cameras:snapshot_thumbnail", args=[camera.pk, snapshot.pk])):
        assert client.get(url).status_code == 404, url
