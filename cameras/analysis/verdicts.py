"""One frame's verdict: its measurements against fixed limits, the camera's learned normal and
its reference frame. The order of the checks is the order of precedence (a covered lens also
fails to match the reference, but "covered" is what the operator needs to hear)."""

from dataclasses import dataclass
from enum import StrEnum

from cameras.analysis.frames import FrameReading, change, similarity


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
    """Calibrated on generated scenes and scikit-image photographs at a 320-pixel working width."""

    saturated: float = 0.5  # overexposed: half the picture clipped white ...
    overexposed_brightness: float = 240.0  # ... or nearly white on average
    covered_contrast: float = 3.0  # luminance std of a lens under a hand or tape is sensor noise only
    dark_brightness: float = 20.0  # mean luminance below which a scene is too dark to use ...
    dark_ratio: float = 0.5  # ... and, once the hour's normal is learned, below half of it
    frozen_change: float = 0.1  # sensor noise alone moves sampled pixels by ~0.5 levels or more
    moved_similarity: float = 0.6  # dusk, noise and blur keep it above 0.95; a turned camera is < 0.4
    blurred_sharpness: float = 0.2  # without any normal: sharp scenes read 0.35-1.0, defocused < 0.15
    blurred_ratio: float = 0.4  # with a normal (learned, or the reference's): below 40% of it


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

    measurements: dict[str, float | int | None] = {
        **reading.measurements(),
        "dark_below": round(dark_below, 2),
        "blurred_below": round(blurred_below, 4),
        "change": None if frame_change is None else round(frame_change, 3),
        "similarity": None if match is None else round(match, 3),
    }
    return Judgement(_verdict(reading, limits, dark_below, blurred_below, frame_change, match), measurements)


def _verdict(
    reading: FrameReading,
    limits: Limits,
    dark_below: float,
    blurred_below: float,
    frame_change: float | None,
    match: float | None,
) -> Verdict:
    if reading.saturated >= limits.saturated or reading.brightness >= limits.overexposed_brightness:
        return Verdict.OVEREXPOSED
    if reading.contrast < limits.covered_contrast:
        return Verdict.COVERED
    if reading.brightness < dark_below:
        return Verdict.DARK
    if frame_change is not None and frame_change < limits.frozen_change:
        return Verdict.FROZEN
    if match is not None and match < limits.moved_similarity:
        return Verdict.MOVED
    if reading.sharpness < blurred_below:
        return Verdict.BLURRED
    return Verdict.OK
