"""The cameras core: credentials at rest, mask validation and burn-in, stored-image hashing, uptime,
and the one camera scoping rule (listed vs. visible, grants, private areas)."""

import datetime as dt
import hashlib
import io
from typing import Any

import cv2
import numpy as np
import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from cameras import choices, imaging, secrets
from cameras.actions.evidence import do_store_snapshot
from cameras.analysis.frames import InvalidFrame
from cameras.masks import MaskError, burn, validate_masks
from cameras.models import Camera, Snapshot
from cameras.models.evidence import ImmutableError
from cameras.uptime import uptime_by_day
from tests.cameras.frames import scene
from tests.cameras.registry_helpers import approved_grant as grant
from tests.cameras.registry_helpers import make_camera

UTC = dt.UTC


def jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])[1].tobytes()


# --- credentials -------------------------------------------------------------------------------

def test_credentials_round_trip_and_the_token_does_not_contain_them() -> None:
    token = secrets.seal(secrets.Credentials("operator", "s3cret-pass"))
    assert "s3cret" not in token and "operator" not in token
    assert secrets.unseal(token) == secrets.Credentials("operator", "s3cret-pass")
    assert "s3cret" not in repr(secrets.unseal(token))


def test_no_credentials_store_nothing() -> None:
    assert secrets.seal(None) == ""
    assert secrets.seal(secrets.Credentials("", "")) == ""
    assert secrets.unseal("") is None


def test_a_token_from_another_key_is_refused(settings: Any) -> None:
    token = secrets.seal(secrets.Credentials("u", "p"))
    settings.CAMERA_CREDENTIAL_KEYS = ["Hm1Hb4c5ZtqFvQk8WbQ3bVw2m1ZkR0c5pXJ8y7T2s9E="]
    with pytest.raises(secrets.CredentialsUnreadable):
        secrets.unseal(token)


OLD_KEY = "Hm1Hb4c5ZtqFvQk8WbQ3bVw2m1ZkR0c5pXJ8y7T2s9E="
NEW_KEY = "q4n9vQ2Xk1B7cZ0pL3mR8sT5uW6yA2dF4gH7jK9nM0o="


def test_reseal_command_moves_every_credential_to_the_newest_key(world: Any, settings: Any) -> None:
    settings.CAMERA_CREDENTIAL_KEYS = [OLD_KEY]
    sealed = [make_camera(world, f"cam-{n}", credentials=secrets.seal(secrets.Credentials(f"u{n}", "p")))
              for n in (1, 2)]
    bare = make_camera(world, "no-credentials")
    lost = make_camera(world, "lost", credentials=Fernet(Fernet.generate_key()).encrypt(b"{}").decode())
    settings.CAMERA_CREDENTIAL_KEYS = [NEW_KEY, OLD_KEY]
    out = io.StringIO()
    with pytest.raises(CommandError, match=rf"credentials of 1 cameras .*\(camera ids {lost.pk}\): enter them again"):
        call_command("reseal_camera_credentials", "--dry-run", stdout=out)
    assert "would seal the credentials of 2 cameras" in out.getvalue()
    assert [c.credentials for c in Camera.objects.filter(pk__in=[c.pk for c in sealed]).order_by("pk")] == [
        c.credentials for c in sealed]  # a dry run writes nothing
    with pytest.raises(CommandError):
        call_command("reseal_camera_credentials", stdout=out)
    assert "sealed the credentials of 2 cameras with the newest key; 0 already were" in out.getvalue()
    settings.CAMERA_CREDENTIAL_KEYS = [NEW_KEY]  # the old key dropped: everything still opens
    assert [secrets.unseal(c.credentials) for c in Camera.objects.filter(pk__in=[c.pk for c in sealed]).order_by("pk")
            ] == [secrets.Credentials("u1", "p"), secrets.Credentials("u2", "p")]
    assert Camera.objects.get(pk=bare.pk).credentials == ""
    assert Camera.objects.get(pk=lost.pk).credentials == lost.credentials  # left for a person to enter again
    lost.delete()
    call_command("reseal_camera_credentials", stdout=(again := io.StringIO()))
    assert "sealed the credentials of 0 cameras with the newest key; 2 already were" in again.getvalue()


# --- masks -------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("masks", "message"),
    [
        ("nope", "must be a list"),
        ([[[0, 0], [1, 0]]], "3 to"),
        ([[[0, 0], [1.2, 0], [1, 1]]], "outside the frame"),
        ([[[0, 0], [-0.1, 0.5], [1, 1]]], "outside the frame"),
        ([[[0, 0], [1, 1], [1, 0], [0, 1]]], "cross each other"),
        ([[[0, 0], [0.5, 0.5], [1, 1]]], "no area"),
        ([[[0, 0], ["a", 0], [1, 1]]], "numbers"),
        ([[[0, 0], [True, 0], [1, 1]]], "numbers"),
    ],
)
def test_bad_masks_are_refused_with_a_reason(masks: Any, message: str) -> None:
    with pytest.raises(MaskError, match=message):
        validate_masks(masks)


def test_a_concave_polygon_is_accepted() -> None:
    arrow = [[0.1, 0.1], [0.5, 0.3], [0.9, 0.1], [0.5, 0.9]]
    assert validate_masks([arrow]) == [arrow]


@given(st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=3, max_size=12))
def test_validation_never_crashes_and_accepted_masks_stay_in_frame(points: list[tuple[float, float]]) -> None:
    try:
        (polygon,) = validate_masks([[list(p) for p in points]])
    except MaskError:
        return
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in polygon)


def test_burn_blacks_out_every_pixel_inside_the_mask_and_leaves_the_rest() -> None:
    image = np.full((720, 1280, 3), 200, np.uint8)
    out = burn(image, [[[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.25, 0.75]]])
    assert out[180:541, 320:960].max() == 0
    assert out[:170].min() == 200 and out[560:].min() == 200
    assert image.min() == 200  # the original is untouched


def test_a_stored_or_served_image_has_no_original_pixel_inside_the_mask() -> None:
    frame = scene(3, 1920, 1080)
    result = imaging.masked(jpeg(frame), [[[0, 0], [0.5, 0], [0.5, 1], [0, 1]]])
    decoded = cv2.imdecode(np.frombuffer(result.jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)
    # JPEG ringing may lift a black edge by a few levels; nothing of the scene survives.
    assert decoded[:, :950].max() <= 12
    assert decoded[:, 1000:].std() > 10
    assert result.sha256 == hashlib.sha256(result.jpeg).hexdigest()
    assert (result.width, result.height) == (1920, 1080)
    thumb = cv2.imdecode(np.frombuffer(result.thumbnail, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert thumb.shape[1] == imaging.THUMBNAIL_WIDTH


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    small = bytearray(jpeg(scene(1, 64, 64)))
    sof = small.index(b"\xff\xc0")
    small[sof + 5:sof + 9] = (60000).to_bytes(2, "big") * 2
    with pytest.raises(InvalidFrame, match="pixel cap"):
        imaging.masked(bytes(small), [])


# --- uptime ------------------------------------------------------------------------------------

def test_uptime_per_day_counts_only_observed_time_in_the_site_zone() -> None:
    day = dt.date(2024, 2, 14)
    midnight_wib = dt.datetime(2024, 2, 13, 17, 0, tzinfo=UTC)
    spans = [
        ("online", midnight_wib + dt.timedelta(hours=6), midnight_wib + dt.timedelta(hours=12)),
        ("offline", midnight_wib + dt.timedelta(hours=12), midnight_wib + dt.timedelta(hours=18)),
        ("online", midnight_wib + dt.timedelta(hours=18), None),
    ]
    now = midnight_wib + dt.timedelta(hours=30)
    first, second = uptime_by_day(spans, day, day + dt.timedelta(days=1), "Asia/Jakarta", now)
    assert first.observed_s == 18 * 3600 and first.online_s == 12 * 3600
    assert first.ratio == pytest.approx(2 / 3)
    assert second.observed_s == 6 * 3600 and second.ratio == 1.0


def test_a_day_with_no_spans_has_no_ratio() -> None:
    (day,) = uptime_by_day([], dt.date(2024, 1, 1), dt.date(2024, 1, 1), "Asia/Jayapura",
                           dt.datetime(2024, 2, 1, tzinfo=UTC))
    assert day.ratio is None


# --- scoping and evidence (database) ----------------------------------------------------------

def names(rows: Any) -> set[str]:
    return {camera.name for camera in rows}


def test_police_see_their_own_cameras_and_agency_cameras_only_under_an_active_grant(world: Any) -> None:
    own = make_camera(world, "police-gate")
    kpu = make_camera(world, "kpu-warehouse", agency=world.kpu_a)
    private = make_camera(world, "kpu-office-inside", agency=world.kpu_a, private_area=True)
    officer, outsider = world.users["officer_a"], world.users["ops_b"]

    assert names(Camera.objects.listed_for(officer)) == {"police-gate", "kpu-warehouse", "kpu-office-inside"}
    assert names(Camera.objects.visible_to(officer)) == {"police-gate"}
    assert names(Camera.objects.listed_for(outsider)) == set()

    active = grant(world, [kpu, private])
    assert names(Camera.objects.visible_to(officer)) == {"police-gate", "kpu-warehouse"}  # never the private one
    assert names(Camera.objects.visible_to(outsider)) == set()
    # The Polda above the grantee unit holds no grant of its own.
    assert names(Camera.objects.visible_to(world.users["commander"])) == {"police-gate"}

    active.status = choices.GrantStatus.REVOKED
    active.save()
    assert names(Camera.objects.visible_to(officer)) == {"police-gate"}
    assert own.pk


def test_an_expired_or_future_grant_shows_nothing(world: Any) -> None:
    kpu = make_camera(world, "kpu-warehouse", agency=world.kpu_a)
    now = timezone.now()
    grant(world, [kpu], valid_from=now - dt.timedelta(days=3), valid_until=now - dt.timedelta(seconds=1))
    grant(world, [kpu], letter_number="B/124", valid_from=now + dt.timedelta(hours=1),
          valid_until=now + dt.timedelta(days=1))
    assert names(Camera.objects.visible_to(world.users["officer_a"])) == set()


def test_a_liaison_sees_all_of_their_agencys_cameras_and_no_others(world: Any) -> None:
    make_camera(world, "police-gate")
    make_camera(world, "kpu-warehouse", agency=world.kpu_a)
    make_camera(world, "kpu-office-inside", agency=world.kpu_a, private_area=True)
    liaison = world.users["liaison"]
    assert names(Camera.objects.visible_to(liaison)) == {"kpu-warehouse", "kpu-office-inside"}
    assert names(Camera.objects.listed_for(liaison)) == {"kpu-warehouse", "kpu-office-inside"}


def test_a_snapshot_is_masked_hashed_and_never_modified(world: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    camera = make_camera(world, "police-gate", masks=[[[0, 0], [0.3, 0], [0.3, 0.3], [0, 0.3]]])
    captured = timezone.now()
    snapshot = do_store_snapshot(camera, jpeg(scene(5, 1280, 720)), reason=choices.SnapshotReason.MANUAL,
                                 captured_at=captured)
    stored = snapshot.image.read()
    assert hashlib.sha256(stored).hexdigest() == snapshot.sha256 and len(stored) == snapshot.size_bytes
    assert snapshot.masks_applied == camera.masks
    assert snapshot.retain_until == captured + dt.timedelta(days=settings.SNAPSHOT_RETENTION_DAYS)
    decoded = cv2.imdecode(np.frombuffer(stored, np.uint8), cv2.IMREAD_GRAYSCALE)
    assert decoded[:200, :370].max() <= 12
    snapshot.reason = choices.SnapshotReason.INCIDENT
    with pytest.raises(ImmutableError):
        snapshot.save()
    assert Snapshot.objects.get().reason == choices.SnapshotReason.MANUAL


def test_an_invalid_frame_stores_nothing(world: Any, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    camera = make_camera(world, "police-gate")
    with pytest.raises(InvalidFrame):
        do_store_snapshot(camera, b"<html>login</html>", reason=choices.SnapshotReason.MANUAL,
                          captured_at=timezone.now())
    assert Snapshot.objects.count() == 0
    assert not any(tmp_path.rglob("*.jpg"))
