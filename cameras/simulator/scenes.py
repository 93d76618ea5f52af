"""Synthetic camera pictures for the simulator: a street scene and its faults, encoded once as JPEG.

Pure numpy/OpenCV with no Django import. Frames are shared: every camera with the same behaviour,
resolution and scene variant serves the same bytes, so thousands of cameras cost a few frames each.
"""

from __future__ import annotations

import enum
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]

FRAMES_PER_LOOP = 8  # the moving object crosses the picture in this many frames, then repeats
SCENE_VARIANTS = 3  # distinct streets; a camera's id picks one
JPEG_QUALITY = 80
HUGE_SIDE = 8000
BOMB_SIDE = 60000  # what the bomb's header claims; its real picture is tiny
ENDLESS_CHUNK_BYTES = 64 * 1024


class Behaviour(enum.StrEnum):
    HEALTHY = "healthy"
    OFFLINE = "offline"
    NEVER_ANSWERS = "never_answers"
    SLOW = "slow"
    DARK = "dark"
    COVERED = "covered"
    OVEREXPOSED = "overexposed"
    BLURRED = "blurred"
    FROZEN = "frozen"
    MOVED = "moved"
    CORRUPT = "corrupt"
    WRONG_TYPE = "wrong_type"
    ENDLESS = "endless"
    HUGE = "huge"
    BOMB = "bomb"


@dataclass(frozen=True, order=True)
class Resolution:
    width: int
    height: int

    @classmethod
    def parse(cls, text: str) -> Resolution:
        """``"1920x1080"``; raises ValueError on anything else."""
        width_text, sep, height_text = text.lower().partition("x")
        if not sep or not width_text.isdigit() or not height_text.isdigit():
            raise ValueError(f"Resolution {text!r} is not WIDTHxHEIGHT")
        resolution = cls(int(width_text), int(height_text))
        if not (16 <= resolution.width <= HUGE_SIDE and 16 <= resolution.height <= HUGE_SIDE):
            raise ValueError(f"Resolution {text!r} must be between 16 and {HUGE_SIDE} pixels a side")
        return resolution

    def __str__(self) -> str:
        return f"{self.width}x{self.height}"


def scene_variant(camera_id: str) -> int:
    """Which street a camera looks at: stable across runs, spread evenly over the variants."""
    return zlib.crc32(camera_id.encode()) % SCENE_VARIANTS


def frame_offset(camera_id: str) -> int:
    """Where in the loop a camera starts, so cameras of one street do not move in lockstep."""
    return zlib.crc32(camera_id.encode()[::-1]) % FRAMES_PER_LOOP


# --- drawing -------------------------------------------------------------------------------------


def render_scene(resolution: Resolution, variant: int, phase: float | None) -> Image:
    """A street: sky gradient, buildings with windows, road with lane marks, and a car at ``phase``
    (0..1 across the picture; None leaves the road empty, as in a reference picture)."""
    w, h = resolution.width, resolution.height
    rng = np.random.default_rng(variant)
    img = np.empty((h, w, 3), np.uint8)
    horizon = int(h * 0.62)

    top = np.array([200, 150, 90], np.float32) + rng.uniform(-15, 15, 3).astype(np.float32)
    bottom = np.array([235, 225, 210], np.float32)
    ramp = np.linspace(0.0, 1.0, horizon, dtype=np.float32)[:, None]
    img[:horizon] = (top + (bottom - top) * ramp).astype(np.uint8)[:, None, :]
    road = np.linspace(70, 110, h - horizon, dtype=np.float32)[:, None]
    img[horizon:] = np.repeat(road, 3, axis=1).astype(np.uint8)[:, None, :]

    x = int(-rng.uniform(0, 0.05) * w)
    while x < w:
        bw = int(rng.uniform(0.07, 0.18) * w)
        bh = int(rng.uniform(0.18, 0.5) * h)
        colour = tuple(int(c) for c in rng.integers(60, 190, 3))
        cv2.rectangle(img, (x, horizon - bh), (x + bw, horizon), colour, -1)
        cv2.rectangle(img, (x, horizon - bh), (x + bw, horizon), (40, 40, 40), max(1, w // 640))
        _draw_windows(img, rng, (x, horizon - bh, bw, bh))
        x += bw + int(rng.uniform(0.0, 0.03) * w)

    lane_y = int(h * 0.82)
    dash = max(4, w // 24)
    for lane_x in range(0, w, dash * 2):
        cv2.rectangle(img, (lane_x, lane_y), (lane_x + dash, lane_y + max(2, h // 120)), (230, 230, 230), -1)
    cv2.line(img, (0, horizon), (w, horizon), (50, 50, 50), max(1, h // 360))

    if phase is not None:
        _draw_car(img, resolution, phase, tuple(int(c) for c in rng.integers(20, 220, 3)))
    return img


def _draw_windows(img: Image, rng: np.random.Generator, box: tuple[int, int, int, int]) -> None:
    x, y, bw, bh = box
    step_x = max(6, bw // int(rng.integers(3, 7)))
    step_y = max(6, bh // int(rng.integers(4, 10)))
    lit = (120, 210, 235)
    unlit = (70, 60, 55)
    for wy in range(y + step_y // 3, y + bh - step_y // 2, step_y):
        for wx in range(x + step_x // 3, x + bw - step_x // 2, step_x):
            colour = lit if rng.random() < 0.3 else unlit
            cv2.rectangle(img, (wx, wy), (wx + step_x // 2, wy + step_y // 2), colour, -1)


def _draw_car(img: Image, resolution: Resolution, phase: float, colour: tuple[int, ...]) -> None:
    w, h = resolution.width, resolution.height
    cw, ch = int(w * 0.14), int(h * 0.08)
    x = int(-cw + phase * (w + cw))
    y = int(h * 0.70)
    cv2.rectangle(img, (x, y), (x + cw, y + ch), colour, -1)
    cv2.rectangle(img, (x + cw // 5, y - ch // 2), (x + cw * 4 // 5, y), colour, -1)
    cv2.rectangle(img, (x + cw // 4, y - ch * 2 // 5), (x + cw * 3 // 4, y - ch // 10), (90, 70, 60), -1)
    for wheel_x in (x + cw // 5, x + cw * 4 // 5):
        cv2.circle(img, (wheel_x, y + ch), max(2, ch // 3), (20, 20, 20), -1)


def add_sensor_noise(img: Image, seed: int, sigma: float = 2.0) -> Image:
    noise = np.empty(img.shape, np.int16)
    cv2.setRNGSeed(seed)
    cv2.randn(noise, np.zeros(3), np.full(3, sigma))  # one mean and deviation per channel
    return np.clip(img.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def draw_overlay(img: Image, frame: int) -> Image:
    """The on-screen clock a DVR burns in; it is drawn after the lens, so faults keep it."""
    h = img.shape[0]
    scale = max(0.4, h / 1080 * 1.1)
    thickness = max(1, round(scale * 2))
    text = f"SIM CAM  2024-11-27 08:00:{frame:02d}"
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
    pad = max(2, th // 3)
    cv2.rectangle(img, (0, 0), (tw + 2 * pad, th + base + 2 * pad), (0, 0, 0), -1)
    cv2.putText(img, text, (pad, th + pad), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), thickness, cv2.LINE_AA)
    return img


# --- faults of the picture -----------------------------------------------------------------------


def darken(img: Image) -> Image:
    return np.asarray(cv2.convertScaleAbs(img, alpha=0.07, beta=2), np.uint8)


def cover(img: Image) -> Image:
    """A hand, cloth or tape over the lens: dim and almost uniform, the little light that leaks
    through it shading the picture by two or three levels from the middle to the corners (a cover
    right on the lens is far out of focus, so nothing of the street and no edge survives)."""
    h, w = img.shape[:2]
    across = np.cos(np.linspace(-0.5, 0.5, w, dtype=np.float32) * np.pi)[None, :]
    down = np.cos(np.linspace(-0.5, 0.5, h, dtype=np.float32) * np.pi)[:, None]
    flat = np.clip(33.0 + 2.5 * across * down, 0, 255).astype(np.uint8)
    return np.dstack([flat, flat + 4, flat + 9])  # BGR: the warm tint of skin or tape


def overexpose(img: Image) -> Image:
    return np.asarray(cv2.convertScaleAbs(img, alpha=2.6, beta=130), np.uint8)


def blur(img: Image) -> Image:
    return np.asarray(cv2.GaussianBlur(img, (0, 0), sigmaX=max(2.0, img.shape[1] / 110)), np.uint8)


def shift_view(img: Image) -> Image:
    """Someone turned the camera: the view is rotated a few degrees and shifted."""
    h, w = img.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), 7.0, 1.15)
    matrix[0, 2] += w * 0.12
    matrix[1, 2] += h * 0.08
    return np.asarray(cv2.warpAffine(img, matrix, (w, h), borderMode=cv2.BORDER_REFLECT101), np.uint8)


def keep(img: Image) -> Image:
    return img


# Behaviours whose pictures are the healthy street through a fault of the lens or the mount.
LENS_FAULTS: dict[Behaviour, Callable[[Image], Image]] = {
    Behaviour.HEALTHY: keep,
    Behaviour.DARK: darken,
    Behaviour.COVERED: cover,
    Behaviour.OVEREXPOSED: overexpose,
    Behaviour.BLURRED: blur,
    Behaviour.MOVED: shift_view,
}


# --- encoding ------------------------------------------------------------------------------------


def encode_jpeg(img: Image, quality: int = JPEG_QUALITY) -> bytes:
    ok, buffer = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("OpenCV could not encode the frame")
    return buffer.tobytes()


def render_frame(behaviour: Behaviour, resolution: Resolution, variant: int, frame: int) -> bytes:
    """One JPEG of a lens-fault behaviour (or the healthy street) at a point of the car's loop. A
    frozen camera's picture stops (the car, the noise), while the DVR's clock over it ticks on."""
    still = behaviour == Behaviour.FROZEN
    scene = render_scene(resolution, variant, 0.0 if still else frame / FRAMES_PER_LOOP)
    img = LENS_FAULTS.get(behaviour, keep)(scene)
    img = add_sensor_noise(img, seed=variant * 1000 + (0 if still else frame))
    return encode_jpeg(draw_overlay(img, frame))


def render_reference(resolution: Resolution, variant: int) -> bytes:
    """The healthy street with an empty road, as stored when the camera was installed."""
    img = add_sensor_noise(render_scene(resolution, variant, None), seed=variant * 1000 + 999)
    return encode_jpeg(draw_overlay(img, 0))


def jpeg_segments(data: bytes) -> Iterable[tuple[int, int]]:
    """(marker, offset of the segment's length field) for each header segment up to the scan."""
    if data[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG: no SOI marker")
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ValueError(f"not a JPEG marker at byte {pos}")
        marker = data[pos + 1]
        yield marker, pos + 2
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            return
        pos += 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")


def claim_size(jpeg: bytes, width: int, height: int) -> bytes:
    """The same JPEG with its baseline frame header (SOF0) claiming another size."""
    patched = bytearray(jpeg)
    for marker, length_at in jpeg_segments(jpeg):
        if marker == 0xC0:
            patched[length_at + 3 : length_at + 5] = height.to_bytes(2, "big")
            patched[length_at + 5 : length_at + 7] = width.to_bytes(2, "big")
            return bytes(patched)
    raise ValueError("JPEG has no baseline SOF0 header")


def render_bomb() -> bytes:
    """A decompression bomb: a 64x48 picture whose header claims BOMB_SIDE x BOMB_SIDE pixels."""
    small = render_frame(Behaviour.HEALTHY, Resolution(64, 48), 0, 0)
    return claim_size(small, BOMB_SIDE, BOMB_SIDE)


def render_huge() -> bytes:
    """A real HUGE_SIDE x HUGE_SIDE street (no sensor noise, so it stays a few megabytes)."""
    img = render_scene(Resolution(HUGE_SIDE, HUGE_SIDE), 0, 0.5)
    return encode_jpeg(draw_overlay(img, 0))


def corrupt(jpeg: bytes) -> bytes:
    """A JPEG that broke in transit: the JFIF start survives, the rest is garbled and cut short."""
    keep_until = next(at + int.from_bytes(jpeg[at : at + 2], "big") for _, at in jpeg_segments(jpeg))
    body = jpeg[keep_until : len(jpeg) * 2 // 5]
    return jpeg[:keep_until] + bytes(byte ^ 0x5A for byte in body)


def endless_chunk() -> bytes:
    """What an endless body repeats after a JPEG's start: scan-like noise that never reaches EOI."""
    return np.random.default_rng(7).integers(0, 255, ENDLESS_CHUNK_BYTES, dtype=np.uint8).tobytes()


# --- the bank of frames --------------------------------------------------------------------------


@dataclass
class FrameBank:
    """Every frame the simulator serves, rendered once at start and shared by all cameras."""

    loops: dict[tuple[Behaviour, Resolution, int], tuple[bytes, ...]] = field(default_factory=dict)
    references: dict[tuple[Resolution, int], bytes] = field(default_factory=dict)
    corrupt: dict[Resolution, bytes] = field(default_factory=dict)
    huge: bytes = b""
    bomb: bytes = b""
    endless_start: bytes = b""
    endless_chunk: bytes = b""

    def loop(self, behaviour: Behaviour, resolution: Resolution, variant: int) -> tuple[bytes, ...]:
        return self.loops[(_loop_source(behaviour), resolution, variant)]

    def nbytes(self) -> int:
        seen: dict[int, int] = {}
        for frames in self.loops.values():
            seen.update((id(frame), len(frame)) for frame in frames)
        singles = (self.huge, self.bomb, self.endless_start, self.endless_chunk)
        for blob in (*self.references.values(), *self.corrupt.values(), *singles):
            seen[id(blob)] = len(blob)
        return sum(seen.values())


def _loop_source(behaviour: Behaviour) -> Behaviour:
    """Slow cameras show the healthy street."""
    return Behaviour.HEALTHY if behaviour == Behaviour.SLOW else behaviour


def render_bank(needs: Iterable[tuple[Behaviour, Resolution]], workers: int = 4) -> FrameBank:
    """Render what the given (behaviour, resolution) pairs need, using a few threads (OpenCV
    releases the GIL while drawing and encoding)."""
    needs = set(needs)
    resolutions = {resolution for _, resolution in needs}
    loop_keys = {
        (_loop_source(b), r, v)
        for b, r in needs
        if b in LENS_FAULTS or b in (Behaviour.SLOW, Behaviour.FROZEN)
        for v in range(SCENE_VARIANTS)
    }
    # The corrupt and endless bodies start from a healthy frame, and every camera has a reference.
    loop_keys |= {(Behaviour.HEALTHY, r, 0) for b, r in needs if b in (Behaviour.CORRUPT, Behaviour.ENDLESS)}
    behaviours = {b for b, _ in needs}
    bank = FrameBank()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        frame_jobs = {
            (key, frame): pool.submit(render_frame, *key, frame)
            for key in sorted(loop_keys)
            for frame in range(FRAMES_PER_LOOP)
        }
        reference_jobs = {
            (r, v): pool.submit(render_reference, r, v) for r in sorted(resolutions) for v in range(SCENE_VARIANTS)
        }
        huge_job = pool.submit(render_huge) if Behaviour.HUGE in behaviours else None
        bank.bomb = render_bomb() if Behaviour.BOMB in behaviours else b""
        for key in sorted(loop_keys):
            bank.loops[key] = tuple(frame_jobs[(key, frame)].result() for frame in range(FRAMES_PER_LOOP))
        bank.references = {key: job.result() for key, job in reference_jobs.items()}
        bank.huge = huge_job.result() if huge_job else b""
    for behaviour, resolution in needs:
        if behaviour == Behaviour.CORRUPT:
            bank.corrupt[resolution] = corrupt(bank.loops[(Behaviour.HEALTHY, resolution, 0)][0])
        if behaviour == Behaviour.ENDLESS:
            bank.endless_start = bank.loops[(Behaviour.HEALTHY, resolution, 0)][0][:-2]
            bank.endless_chunk = endless_chunk()
    return bank
