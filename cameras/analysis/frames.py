"""Decoding a camera snapshot safely and cheaply, and the measurements taken from it.

The header is read before decoding so a decompression bomb is refused without allocating its
pixels; large frames are decoded at reduced size (libjpeg's DCT scaling) and analysed at a fixed
working width, so thresholds mean the same for every camera resolution.

Almost every DVR burns a clock and a camera name into its frames (white text, often on a black
box), drawn after the lens: a covered or defocused lens keeps a crisp, high-contrast overlay. The
measures the verdicts rest on are therefore robust to a few percent of the frame being overlay:
the luminance spread (covered) is a percentile range (p90 - p10) of the coarse picture, which
ignores the darkest and brightest tenth of it, overexposure is judged on the median rather than
the mean, and the sharpness (blurred) is a high percentile over a grid of tiles of the local
Laplacian energy, so the few tiles the text crosses cannot decide it."""

import struct
from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

MAX_PIXELS = 50_000_000  # an 8K frame is 33 Mpx; anything claiming more is refused unread
MIN_SIDE = 32
# 1080p decodes at 1/8 scale (libjpeg's DCT scaling, the cheapest decode) straight to this width;
# the measures below are calibrated at it (cameras.analysis.verdicts.Limits).
WORKING_WIDTH = 240
SIGNATURE_SIZE = (64, 36)  # sparse samples, not averages: sensor noise must survive for frozen
# A DVR's clock, burned in after the camera, keeps ticking over a stuck picture: its changing digits
# cross a few of the sampled pixels (1 of the 2,304 at 1080p, 4 at 640x360, by up to 90 levels).
# The largest half percent of the differences (11 samples) are left out of the frame change.
CHANGE_TRIM = 0.005
LAYOUT_SIZE = (80, 45)  # coarse scene layout compared with the reference for moved
SATURATED_LEVEL = 250
# p10, median and p90: an overlay covering under a tenth of the frame cannot move p10 or p90
PERCENTILES = (0.10, 0.50, 0.90)
TILE_GRID = (16, 9)  # tiles of 15x15 working pixels at 16:9; a DVR's text lines cross a few of them
TILE_PERCENTILE = 75  # overlay tiles are the sharpest: up to a quarter of the tiles cannot decide it

_REDUCED_FLAGS = (
    (8, cv2.IMREAD_REDUCED_GRAYSCALE_8),
    (4, cv2.IMREAD_REDUCED_GRAYSCALE_4),
    (2, cv2.IMREAD_REDUCED_GRAYSCALE_2),
)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
_JPEG_STANDALONE = {0x01, 0xD8, *range(0xD0, 0xD8)}

Gray = npt.NDArray[np.uint8]
Vector = npt.NDArray[np.float32]


class InvalidFrame(ValueError):
    """The bytes are not a usable image; the message says why, for the operator."""


@dataclass(frozen=True)
class FrameReading:
    """What one frame looks like, in numbers cheap enough to compute on every poll."""

    width: int  # as the camera sent it
    height: int
    brightness: float  # mean luminance, 0-255
    contrast: float  # standard deviation of luminance (informative; an overlay lifts it)
    saturated: float  # fraction of pixels at or above SATURATED_LEVEL
    # TILE_PERCENTILE of the tiles' RMS Laplacian / spread: edge crispness independent of light level
    sharpness: float
    signature: bytes = field(repr=False)  # SIGNATURE_SIZE grayscale samples, for frozen
    layout: Vector = field(repr=False)  # normalised coarse luminance, for moved
    edges: Vector = field(repr=False)  # normalised coarse gradient magnitude, for moved
    # Luminance p90 - p10 of the coarse (LAYOUT_SIZE) picture, 0-255: what is left of a scene
    # behind a hand or tape, with sensor noise averaged away
    spread: float = 0.0
    median: float = 0.0  # median luminance of the coarse picture: the mean less the overlay's black box

    def measurements(self) -> dict[str, float | int]:
        return {
            "width": self.width,
            "height": self.height,
            "brightness": round(self.brightness, 2),
            "contrast": round(self.contrast, 2),
            "spread": round(self.spread, 2),
            "median": round(self.median, 2),
            "saturated": round(self.saturated, 4),
            "sharpness": round(self.sharpness, 4),
        }


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a JPEG or PNG header, without decoding."""
    if data.startswith(_PNG_SIGNATURE):
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise InvalidFrame("truncated PNG header")
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    raise InvalidFrame("not a JPEG or PNG image")


def _jpeg_size(data: bytes) -> tuple[int, int]:
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise InvalidFrame("corrupt JPEG header")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _JPEG_STANDALONE:
            position += 2
            continue
        if marker == 0xDA:
            break
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _JPEG_SOF:
            if position + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return int(width), int(height)
        position += 2 + length
    raise InvalidFrame("JPEG without a frame header")


def decode_gray(data: bytes, max_pixels: int = MAX_PIXELS) -> tuple[Gray, int, int]:
    """The frame as grayscale at reduced size, with the size the camera claimed."""
    width, height = image_size(data)
    if width * height > max_pixels:
        raise InvalidFrame(f"image claims {width}x{height} pixels, over the {max_pixels} pixel cap")
    if min(width, height) < MIN_SIDE:
        raise InvalidFrame(f"image of {width}x{height} pixels is too small to judge")
    flag = next((f for factor, f in _REDUCED_FLAGS if width // factor >= WORKING_WIDTH), cv2.IMREAD_GRAYSCALE)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if image is None or image.size == 0:
        raise InvalidFrame("image data could not be decoded")
    return np.asarray(image, dtype=np.uint8), width, height


def read_frame(data: bytes, max_pixels: int = MAX_PIXELS) -> FrameReading:
    decoded, width, height = decode_gray(data, max_pixels)
    return measure(decoded, width, height)


def measure(decoded: Gray, width: int, height: int) -> FrameReading:
    """Measurements of a decoded grayscale frame (any size; analysed at WORKING_WIDTH)."""
    signature = cv2.resize(decoded, SIGNATURE_SIZE, interpolation=cv2.INTER_NEAREST).tobytes()
    rows, cols = decoded.shape[:2]
    working_height = max(1, round(rows * WORKING_WIDTH / cols))
    if (cols, rows) == (WORKING_WIDTH, working_height):
        gray = decoded
    else:
        gray = np.asarray(cv2.resize(decoded, (WORKING_WIDTH, working_height), interpolation=cv2.INTER_AREA))
    mean, std = cv2.meanStdDev(gray)
    coarse = cv2.resize(gray, LAYOUT_SIZE, interpolation=cv2.INTER_AREA)  # 3x3 averages: noise a third
    cumulative = np.cumsum(np.asarray(cv2.calcHist([coarse], [0], None, [256], [0, 256]), np.float32).ravel())
    low, median, high = (_percentile(cumulative, fraction) for fraction in PERCENTILES)
    spread = high - low
    laplacian = cv2.Laplacian(gray, cv2.CV_32F)
    tiles = cv2.resize(cv2.multiply(laplacian, laplacian), TILE_GRID, interpolation=cv2.INTER_AREA)
    tile_energy = float(np.percentile(np.sqrt(tiles), TILE_PERCENTILE))
    gradient = cv2.magnitude(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))
    return FrameReading(
        width=width,
        height=height,
        brightness=float(mean[0, 0]),
        contrast=float(std[0, 0]),
        saturated=float(np.count_nonzero(gray >= SATURATED_LEVEL)) / gray.size,
        sharpness=tile_energy / max(spread, 1.0),
        signature=signature,
        layout=_normalised(_ranks(coarse)),
        edges=_normalised(cv2.resize(gradient, LAYOUT_SIZE, interpolation=cv2.INTER_AREA)),
        spread=spread,
        median=median,
    )


def _percentile(cumulative: Vector, fraction: float) -> float:
    """A luminance percentile from a cumulative 256-bin histogram, interpolated within its bin (so
    a near-uniform picture's spread reads 1.3 rather than 1 or 2)."""
    rank = fraction * float(cumulative[-1])
    level = int(np.searchsorted(cumulative, rank))
    below = float(cumulative[level - 1]) if level > 0 else 0.0
    count = float(cumulative[level]) - below
    return level + ((rank - below) / count if count > 0 else 0.0)


def _normalised(image: npt.NDArray[np.generic]) -> Vector:
    vector = np.asarray(image, dtype=np.float32).ravel()
    vector = vector - vector.mean()
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 1e-6 else np.zeros_like(vector)


def _ranks(image: npt.NDArray[np.generic]) -> npt.NDArray[np.float32]:
    """Each pixel's rank among the picture's (ties share their mean rank). Correlating ranks
    rather than levels keeps a few extreme pixels, such as a DVR's white clock over a darkened
    scene, from outweighing the whole layout."""
    values = np.asarray(image, dtype=np.float32).ravel()
    _unique, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    starts = np.cumsum(counts) - counts
    return (starts + (counts - 1) / 2.0).astype(np.float32)[inverse]


def similarity(frame: FrameReading, reference: FrameReading) -> float:
    """How well the scene matches the reference, -1..1: the better of the rank correlation of
    luminance (robust to noise and to a burned-in overlay) and the normalised cross-correlation of
    edges (robust to lighting)."""
    return float(max(np.dot(frame.layout, reference.layout), np.dot(frame.edges, reference.edges)))


def layout_similarity(frame: FrameReading, reference: FrameReading) -> float:
    """The rank correlation of the coarse luminance alone, -1..1: is the scene's layout still there?"""
    return float(np.dot(frame.layout, reference.layout))


def change(signature: bytes, previous: bytes) -> float:
    """Mean absolute difference of the sampled pixels, the largest CHANGE_TRIM of them left out;
    0 for an identical picture, ticking DVR clock or not."""
    if len(signature) != len(previous):
        return float("inf")
    current = np.frombuffer(signature, np.uint8).astype(np.int16)
    differences = np.abs(current - np.frombuffer(previous, np.uint8).astype(np.int16))
    kept = differences.size - int(differences.size * CHANGE_TRIM)
    return float(np.partition(differences, kept - 1)[:kept].mean())
