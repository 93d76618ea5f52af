"""The camera analysis on generated frames (one per verdict, and hypothesis scenes), on real
photographs under noise, dusk and JPEG artefacts (no false alarms), hysteresis, and the command."""

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cameras.analysis.frames import MAX_PIXELS, InvalidFrame, image_size, read_frame
from cameras.analysis.health import MEASURES_VERSION, CameraHealth, Status
from cameras.analysis.verdicts import Verdict, judge
from cameras.simulator import scenes
from tests.cameras import frames

NOON = datetime(2024, 2, 14, 12, 0, tzinfo=UTC)
MIDNIGHT = datetime(2024, 2, 14, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def street() -> np.ndarray:
    return frames.scene(7)


def verdict_of(image_bytes: bytes, reference_bytes: bytes, previous: bytes | None = None) -> Verdict:
    reference = read_frame(reference_bytes)
    signature = read_frame(previous).signature if previous is not None else None
    return judge(read_frame(image_bytes), reference=reference, previous_signature=signature).verdict


def test_a_clean_noisy_frame_is_ok(street: np.ndarray) -> None:
    assert verdict_of(frames.jpeg(frames.noisy(street, 2, 1), 50), frames.jpeg(street)) is Verdict.OK


@pytest.mark.parametrize(
    ("degrade", "expected"),
    [
        (frames.dark, Verdict.DARK),
        (lambda image: frames.covered(seed=3), Verdict.COVERED),
        (frames.overexposed, Verdict.OVEREXPOSED),
        (frames.blurred, Verdict.BLURRED),
        (frames.moved, Verdict.MOVED),
        (lambda image: frames.scene(99), Verdict.MOVED),
    ],
    ids=["dark", "covered", "overexposed", "blurred", "moved", "replaced"],
)
def test_each_degradation_has_its_verdict(street: np.ndarray, degrade: object, expected: Verdict) -> None:
    assert callable(degrade)
    frame = frames.jpeg(frames.noisy(degrade(street), 2, 5), 70)
    assert verdict_of(frame, frames.jpeg(street)) is expected


@pytest.mark.parametrize("boxed", [True, False], ids=["boxed", "bare"])
@pytest.mark.parametrize(
    ("degrade", "expected", "alone"),
    [
        (frames.dark, Verdict.DARK, Verdict.DARK),
        (lambda image: frames.covered(seed=3), Verdict.COVERED, Verdict.COVERED),
        (lambda image: frames.covered(level=45, seed=4), Verdict.COVERED, Verdict.COVERED),
        (frames.overexposed, Verdict.OVEREXPOSED, Verdict.OVEREXPOSED),
        (frames.blurred, Verdict.BLURRED, Verdict.BLURRED),
        # Half as defocused: near the absolute limit, so only the reference is asserted on.
        (lambda image: frames.blurred(image, 6), Verdict.BLURRED, None),
        (frames.moved, Verdict.MOVED, Verdict.OK),
        (lambda image: frames.scene(99), Verdict.MOVED, Verdict.OK),
        (lambda image: image, Verdict.OK, Verdict.OK),
    ],
    ids=["dark", "covered", "covered-brighter", "overexposed", "blurred", "defocused", "moved", "replaced", "ok"],
)
def test_each_degradation_under_a_dvr_overlay_has_its_verdict(
    street: np.ndarray, degrade: object, expected: Verdict, alone: Verdict | None, boxed: bool
) -> None:
    # The DVR draws its clock and camera name after the lens: a fault keeps a crisp overlay, and
    # the reference (taken through the same DVR) has it too.
    assert callable(degrade)
    frame = frames.jpeg(frames.overlay(frames.noisy(degrade(street), 2, 5), 17, boxed), 70)
    reference = frames.jpeg(frames.overlay(street, 3, boxed))
    assert verdict_of(frame, reference) is expected
    if alone is not None:  # no reference: the absolute limits
        assert judge(read_frame(frame)).verdict is alone


@pytest.mark.parametrize("resolution", ["640x360", "1920x1080"])
@pytest.mark.parametrize("behaviour", sorted(scenes.LENS_FAULTS))
def test_the_simulators_lens_faults_read_as_their_verdict(behaviour: scenes.Behaviour, resolution: str) -> None:
    size = scenes.Resolution.parse(resolution)
    expected = Verdict.OK if behaviour is scenes.Behaviour.HEALTHY else Verdict(behaviour.value)
    for variant in range(scenes.SCENE_VARIANTS):
        reference = read_frame(scenes.render_reference(size, variant))
        frame = read_frame(scenes.render_frame(behaviour, size, variant, variant + 2))
        judgement = judge(frame, reference=reference)
        assert judgement.verdict is expected, (variant, judgement.measurements)


def test_blurred_without_reference_uses_the_absolute_limit(street: np.ndarray) -> None:
    assert judge(read_frame(frames.jpeg(frames.blurred(street)))).verdict is Verdict.BLURRED
    assert judge(read_frame(frames.jpeg(street))).verdict is Verdict.OK


def test_the_same_frame_again_is_frozen(street: np.ndarray) -> None:
    frame = frames.jpeg(frames.noisy(street, 2, 1), 60)
    assert verdict_of(frame, frames.jpeg(street), previous=frame) is Verdict.FROZEN


def test_a_night_scene_with_lights_is_not_covered(street: np.ndarray) -> None:
    night = frames.dark(street)
    night[300:340, 100:1200:150] = 250  # street lights
    assert verdict_of(frames.jpeg(frames.noisy(night, 2, 1)), frames.jpeg(street)) is Verdict.DARK


def test_png_is_read_too(street: np.ndarray) -> None:
    assert judge(read_frame(frames.png(street))).verdict is Verdict.OK


@pytest.mark.parametrize(
    "data",
    [b"", b"<html>502 Bad Gateway</html>", b"\xff\xd8\xff\xe0\x00\x10JFIF", b"\x89PNG\r\n\x1a\n\x00"],
    ids=["empty", "html", "jpeg-header-only", "png-header-only"],
)
def test_bytes_that_are_not_an_image_are_invalid(data: bytes) -> None:
    with pytest.raises(InvalidFrame):
        read_frame(data)


def test_a_truncated_jpeg_is_invalid(street: np.ndarray) -> None:
    with pytest.raises(InvalidFrame):
        read_frame(frames.jpeg(street)[:300])


def test_a_decompression_bomb_is_refused_before_decoding() -> None:
    bomb = frames.bomb()
    assert len(bomb) < 2000
    assert image_size(bomb) == (60_000, 60_000)
    with pytest.raises(InvalidFrame, match="pixel cap"):
        read_frame(bomb)
    assert MAX_PIXELS < 60_000 * 60_000


def test_header_size_matches_the_image(street: np.ndarray) -> None:
    assert image_size(frames.jpeg(street)) == (1280, 720)
    assert image_size(frames.png(street[:100, :200])) == (200, 100)


# Real photographs: no false alarm under noise, dusk light and heavy JPEG compression.


@pytest.mark.parametrize("dvr", [False, True], ids=["plain", "dvr-overlay"])
@pytest.mark.parametrize("name", frames.PHOTOGRAPHS)
def test_real_photographs_raise_no_false_alarm(name: str, dvr: bool) -> None:
    photo = frames.photograph(name)
    health = CameraHealth()
    reference = read_frame(frames.png(frames.overlay(photo) if dvr else photo))
    rng = np.random.default_rng(len(name))
    for poll in range(12):
        image = frames.noisy(photo, float(rng.uniform(1, 4)), seed=poll)
        if poll >= 6:
            image = frames.dusk(image, float(rng.uniform(0.45, 0.7)))
        if dvr:  # drawn after the lens and the light: the clock stays white, and ticks
            image = frames.overlay(image, poll, boxed=poll % 2 == 0)
        data = frames.jpeg(image, int(rng.integers(30, 61)))
        observation = health.observe(read_frame(data), NOON, reference)
        assert observation.verdict is Verdict.OK, (poll, observation.measurements)
        assert observation.status is Status.ONLINE


@pytest.mark.parametrize("name", frames.PHOTOGRAPHS)
def test_real_photographs_upscaled_to_1080p_are_ok(name: str) -> None:
    photo = cv2.resize(frames.photograph(name), (1920, 1080), interpolation=cv2.INTER_CUBIC)
    reference = read_frame(frames.jpeg(photo, 90))
    frame = read_frame(frames.jpeg(frames.noisy(photo, 2, 1), 45))
    assert judge(frame, reference=reference, previous_signature=reference.signature).verdict is Verdict.OK
    # Decoded at 1/8 scale, a clean static scene's noise almost averages out: still not frozen.
    clean = [read_frame(frames.jpeg(frames.noisy(photo, 1, seed), 90)) for seed in (2, 3)]
    assert judge(clean[1], reference=reference, previous_signature=clean[0].signature).verdict is Verdict.OK


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 10_000),
    sigma=st.floats(0.8, 4.0),
    quality=st.integers(30, 90),
    light=st.floats(0.45, 1.0),
)
def test_generated_scenes_under_noise_and_dusk_are_ok(seed: int, sigma: float, quality: int, light: float) -> None:
    image = frames.scene(seed, 960, 540)
    reference = read_frame(frames.jpeg(image, 90))
    previous = read_frame(frames.jpeg(frames.dusk(frames.noisy(image, sigma, seed + 1), light), quality))
    frame = read_frame(frames.jpeg(frames.dusk(frames.noisy(image, sigma, seed + 2), light), quality))
    judgement = judge(frame, reference=reference, previous_signature=previous.signature)
    assert judgement.verdict is Verdict.OK, judgement.measurements


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), sigma=st.floats(0.8, 3.0), dvr=st.booleans(), level=st.floats(5, 60))
def test_generated_scenes_degraded_are_caught(seed: int, sigma: float, dvr: bool, level: float) -> None:
    image = frames.scene(seed, 960, 540)
    show = frames.overlay if dvr else (lambda picture: picture)
    reference = read_frame(frames.jpeg(show(image), 90))
    for degrade, expected in [
        (frames.dark, Verdict.DARK),
        (lambda picture: frames.covered(960, 540, level, seed), Verdict.COVERED),
        (frames.overexposed, Verdict.OVEREXPOSED),
        (frames.blurred, Verdict.BLURRED),
        (frames.moved, Verdict.MOVED),
    ]:
        frame = read_frame(frames.jpeg(show(frames.noisy(degrade(image), sigma, seed)), 60))
        judgement = judge(frame, reference=reference)
        assert judgement.verdict is expected, judgement.measurements


# Hysteresis and learning.


def poll(health: CameraHealth, image: np.ndarray, seed: int, reference: np.ndarray, when: datetime = NOON) -> Status:
    return health.observe(
        read_frame(frames.jpeg(frames.noisy(image, 2, seed))), when, read_frame(frames.jpeg(reference))
    ).status


def test_one_bad_frame_does_not_flip_the_status_three_do_and_recovery_takes_three(street: np.ndarray) -> None:
    health = CameraHealth()
    assert poll(health, street, 1, street) is Status.ONLINE
    assert poll(health, frames.moved(street), 2, street) is Status.ONLINE
    assert poll(health, street, 3, street) is Status.ONLINE
    statuses = [poll(health, frames.moved(street), seed, street) for seed in range(10, 13)]
    assert statuses == [Status.ONLINE, Status.ONLINE, Status.MOVED]
    statuses = [poll(health, street, seed, street) for seed in range(20, 23)]
    assert statuses == [Status.MOVED, Status.MOVED, Status.ONLINE]


def test_offline_after_consecutive_failures_and_back(street: np.ndarray) -> None:
    health = CameraHealth()
    poll(health, street, 1, street)
    observations = [health.observe_failure(kind, NOON) for kind in ("timeout", "unreachable", "http 503")]
    assert [o.status for o in observations] == [Status.ONLINE, Status.ONLINE, Status.OFFLINE]
    assert observations[-1].changed and observations[-1].measurements == {"failure": "http 503"}
    assert [poll(health, street, seed, street) for seed in (5, 6, 7)][-1] is Status.ONLINE


@pytest.mark.parametrize("resolution", ["640x360", "1920x1080"])
def test_a_stuck_picture_under_a_ticking_dvr_clock_is_frozen(resolution: str) -> None:
    size = scenes.Resolution.parse(resolution)
    stuck = [read_frame(scenes.render_frame(scenes.Behaviour.FROZEN, size, 1, second)) for second in range(4)]
    assert len({frame.signature for frame in stuck}) > 1  # the clock's digits reach the samples
    health = CameraHealth()
    reference = read_frame(scenes.render_reference(size, 1))
    verdicts = [health.observe(frame, NOON, reference).verdict for frame in stuck]
    assert verdicts == [Verdict.OK, Verdict.FROZEN, Verdict.FROZEN, Verdict.FROZEN]
    assert health.status is Status.FROZEN


def test_frozen_needs_identical_frames_not_a_static_scene(street: np.ndarray) -> None:
    health = CameraHealth()
    reference = read_frame(frames.jpeg(street))
    for seed in range(5):
        assert poll(health, street, seed, street) is Status.ONLINE
    stuck = read_frame(frames.jpeg(frames.noisy(street, 2, 99)))
    verdicts = [health.observe(stuck, NOON, reference).verdict for _ in range(4)]
    assert verdicts == [Verdict.OK, Verdict.FROZEN, Verdict.FROZEN, Verdict.FROZEN]
    assert health.status is Status.FROZEN


def test_invalid_answers_flip_to_invalid(street: np.ndarray) -> None:
    health = CameraHealth(consecutive=2)
    poll(health, street, 1, street)
    assert health.observe_invalid("not a JPEG or PNG image", NOON).status is Status.ONLINE
    assert health.observe_invalid("not a JPEG or PNG image", NOON).status is Status.INVALID


def test_a_camera_dark_every_night_learns_its_night(street: np.ndarray) -> None:
    health = CameraHealth()
    night = frames.dark(street)
    verdicts = [health.observe(read_frame(frames.jpeg(frames.noisy(night, 2, s))), MIDNIGHT).verdict for s in range(8)]
    assert verdicts[0] is Verdict.DARK
    assert verdicts[-1] is Verdict.OK
    # The noon hour has not learned the night: the same darkness at noon is still dark.
    assert health.observe(read_frame(frames.jpeg(frames.noisy(night, 2, 50))), NOON).verdict is Verdict.DARK


def test_a_soft_camera_is_judged_against_its_own_reference(street: np.ndarray) -> None:
    soft = frames.blurred(street, 3)
    health = CameraHealth()
    assert poll(health, soft, 1, soft) is Status.ONLINE
    assert [poll(health, frames.blurred(street, 12), s, soft) for s in range(2, 5)][-1] is Status.BLURRED


def test_health_round_trips_through_a_dict(street: np.ndarray) -> None:
    health = CameraHealth()
    poll(health, street, 1, street)
    poll(health, frames.moved(street), 2, street)
    data = json.loads(json.dumps(health.to_dict()))
    assert CameraHealth.from_dict(data) == health


def test_a_health_dict_from_before_the_tile_sharpness_still_loads(street: np.ndarray) -> None:
    # Stored before "measures" existed: its learned sharpness is on the old scale (~0.9 for a sharp
    # street), which would make every sharp frame look blurred; brightness and samples are kept.
    old = {
        "status": "online",
        "candidate": None,
        "streak": 0,
        "signature": "AAAA",
        "consecutive": 3,
        "hours": {"12": {"brightness": 140.0, "sharpness": 0.9, "samples": 40}},
    }
    health = CameraHealth.from_dict(old)
    assert health.hours[12].brightness == 140.0 and health.hours[12].samples == 40
    assert health.hours[12].sharpness is None and health.signature is None
    assert [poll(health, street, seed, street) for seed in range(3)] == [Status.ONLINE] * 3
    assert health.hours[12].sharpness is not None
    assert health.to_dict()["measures"] == MEASURES_VERSION
    assert [poll(health, frames.blurred(street), seed, street) for seed in range(3, 6)][-1] is Status.BLURRED


# The command.


def test_command_prints_one_json_line_per_frame(tmp_path: Path, street: np.ndarray) -> None:
    reference = tmp_path / "ref.jpg"
    reference.write_bytes(frames.jpeg(street))
    paths = []
    for index, image in enumerate([street, frames.moved(street), frames.moved(street), frames.moved(street)]):
        path = tmp_path / f"frame{index}.jpg"
        path.write_bytes(frames.jpeg(frames.noisy(image, 2, index)))
        paths.append(str(path))
    junk = tmp_path / "junk.jpg"
    junk.write_bytes(b"<html>")
    out = io.StringIO()
    call_command("analyse_frame", "--reference", str(reference), *paths, str(junk), stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["verdict"] for line in lines] == ["ok", "moved", "moved", "moved", "invalid"]
    assert [line["status"] for line in lines] == ["online", "online", "online", "moved", "moved"]
    assert {"brightness", "sharpness", "similarity", "change"} <= lines[1].keys()
    assert lines[4]["reason"] == "not a JPEG or PNG image"


def test_command_consecutive_option(tmp_path: Path, street: np.ndarray) -> None:
    reference = tmp_path / "ref.jpg"
    reference.write_bytes(frames.jpeg(street))
    frame = tmp_path / "dark.jpg"
    frame.write_bytes(frames.jpeg(frames.noisy(frames.dark(street), 2, 1)))
    good = tmp_path / "good.jpg"
    good.write_bytes(frames.jpeg(frames.noisy(street, 2, 1)))
    out = io.StringIO()
    call_command(
        "analyse_frame", "--reference", str(reference), "--consecutive", "1", str(good), str(frame), stdout=out
    )
    assert json.loads(out.getvalue().splitlines()[-1])["status"] == "dark"


def test_command_refuses_unreadable_files(tmp_path: Path, street: np.ndarray) -> None:
    reference = tmp_path / "ref.jpg"
    reference.write_bytes(frames.jpeg(street))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("analyse_frame", "--reference", str(reference), str(tmp_path / "missing.jpg"))
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"nope")
    with pytest.raises(CommandError, match="reference"):
        call_command("analyse_frame", "--reference", str(bad), str(reference))
