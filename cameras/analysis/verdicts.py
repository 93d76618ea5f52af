"""One frame's verdict: its measurements against fixed limits, the camera's learned normal and
its reference frame. The order of the checks is the order of precedence (a covered lens also
fails to match the reference, but "covered" is what the operator needs to hear)."""

from dataclasses import dataclass
from enum import StrEnum

from cameras.analysis.frames import FrameReading, change, layout_similarity, similarity


class Verdict(StrEnum):
    OK = "ok"
    INVALID = "invalid"
    OFFLINE = "offline"
    COVERED = "covered"
    OVEREXPOSED = "overexposed"
    DARK = "dark"
    FROZEN = "frozen"
    MOVED = "moved"
    BLURRED = "blurred"


@dataclass(frozen=True)
class Limits:
    """Calibrated at a 240-pixel working width on generated scenes and the simulator's streets, each
    with and without a DVR clock/name overlay, and on scikit-image photographs under noise, dusk
    light and JPEG quality 30-60 (tests/cameras/test_analysis.py)."""

    saturated: float = 0.5  # overexposed: half the picture clipped white ...
    # ... or half of it within 20 levels of white (FrameReading.median: the mean it used to be was
    # pulled ~5 levels down by a DVR's black clock box, letting washed-out pictures through).
    overexposed_brightness: float = 235.0
    # Luminance p90 - p10 (FrameReading.spread): a hand, cloth or tape over the lens leaves 1-3
    # levels of soft shading and sensor noise, an overlay of under a tenth of the frame adds nothing
    # (the global std it used to be judged on rose to ~9 with the DVR clock alone); the darkest
    # streets at night still span about 6 (the simulator's night: 5.9-7.4), but an unusually flat
    # scene darkened can fall to 3.7, inside the band of covered lenses (up to 3.9): see _verdict.
    covered_spread: float = 4.5
    dark_brightness: float = 20.0  # mean luminance below which a scene is too dark to use ...
    dark_ratio: float = 0.5  # ... and, once the hour's normal is learned, below half of it
    # Mean absolute change of the sampled pixels, the few a DVR's clock crosses left out
    # (frames.change). A stuck camera resends the same picture (0); a static scene's sensor noise,
    # averaged by the 1/8-scale decode and the camera's JPEG, still moves them by 0.03-0.2 levels
    # (0.014 for the cleanest tried: noise sigma 0.5 under JPEG quality 30 at dusk), so only
    # near-identical frames count.
    frozen_change: float = 0.01
    moved_similarity: float = 0.6  # dusk, noise and blur keep it above 0.95; a turned camera is < 0.4
    # Tile sharpness (FrameReading.sharpness) without any normal: sharp streets and photographs
    # read 0.15-0.6 (an overlay changes that by a few %), defocused ones 0.02-0.06.
    blurred_sharpness: float = 0.09
    # With a normal (learned, or the reference's): below 40% of it. Noise, dusk and JPEG keep a
    # sharp scene above 80% of its reference, a defocused lens falls to 8-15% even with an overlay.
    blurred_ratio: float = 0.4


@dataclass(frozen=True)
class Normal:
    """What this camera usually looks like at this hour; None while not yet learned."""

    brightness: float | None = None
    sharpness: float | None = None


@dataclass(frozen=True)
class Judgement:
    verdict: Verdict
    measurements: dict[str, float | int | None]


def judge(
    reading: FrameReading,
    *,
    reference: FrameReading | None = None,
    previous_signature: bytes | None = None,
    normal: Normal = Normal(),  # noqa: B008 - frozen dataclass, safe as a default
    limits: Limits = Limits(),  # noqa: B008
) -> Judgement:
    dark_below = limits.dark_brightness
    if normal.brightness is not None:
        dark_below = min(dark_below, normal.brightness * limits.dark_ratio)
    expected_sharpness = (
        normal.sharpness if normal.sharpness is not None else (reference.sharpness if reference is not None else None)
    )
    blurred_below = limits.blurred_sharpness
    if expected_sharpness is not None:
        blurred_below = expected_sharpness * limits.blurred_ratio
    frame_change = change(reading.signature, previous_signature) if previous_signature is not None else None
    match = similarity(reading, reference) if reference is not None else None
    layout_match = layout_similarity(reading, reference) if reference is not None else None

    measurements: dict[str, float | int | None] = {
        **reading.measurements(),
        "dark_below": round(dark_below, 2),
        "blurred_below": round(blurred_below, 4),
        "change": None if frame_change is None else round(frame_change, 3),
        "similarity": None if match is None else round(match, 3),
        "layout_similarity": None if layout_match is None else round(layout_match, 3),
    }
    verdict = _verdict(reading, limits, dark_below, blurred_below, frame_change, match, layout_match)
    return Judgement(verdict, measurements)


def _verdict(
    reading: FrameReading,
    limits: Limits,
    dark_below: float,
    blurred_below: float,
    frame_change: float | None,
    match: float | None,
    layout_match: float | None,
) -> Verdict:
    if reading.saturated >= limits.saturated or reading.median >= limits.overexposed_brightness:
        return Verdict.OVEREXPOSED
    if reading.spread < limits.covered_spread:
        # A dim scene can be nearly as flat as a lens under a hand, but its layout still matches
        # the reference (rank correlation 0.76 or more over generated scenes, DVR clock or not),
        # while a covered lens's has nothing left to match (0.46 at most).
        scene_still_there = layout_match is not None and layout_match >= limits.moved_similarity
        return Verdict.DARK if scene_still_there and reading.brightness < dark_below else Verdict.COVERED
    if reading.brightness < dark_below:
        return Verdict.DARK
    if frame_change is not None and frame_change < limits.frozen_change:
        return Verdict.FROZEN
    if match is not None and match < limits.moved_similarity:
        return Verdict.MOVED
    if reading.sharpness < blurred_below:
        return Verdict.BLURRED
    return Verdict.OK
