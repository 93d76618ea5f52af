"""Full-resolution work on a frame that will be stored or served: decode, burn masks, encode, hash.

Pure: no Django. The header is checked before decoding, as in cameras.analysis.frames.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from cameras.analysis.frames import MAX_PIXELS, MIN_SIDE, InvalidFrame, image_size
from cameras.masks import burn

JPEG_QUALITY = 90
THUMBNAIL_WIDTH = 320
THUMBNAIL_QUALITY = 75


@dataclass(frozen=True)
class MaskedImage:
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str


def decode_color(data: bytes, max_pixels: int = MAX_PIXELS) -> npt.NDArray[np.uint8]:
    width, height = image_size(data)
    if width * height > max_pixels:
        raise InvalidFrame(f"image claims {width}x{height} pixels, over the {max_pixels} pixel cap")
    if min(width, height) < MIN_SIDE:
        raise InvalidFrame(f"image of {width}x{height} pixels is too small")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise InvalidFrame("image data could not be decoded")
    return np.asarray(image, dtype=np.uint8)


def encode_jpeg(image: npt.NDArray[np.uint8], quality: int = JPEG_QUALITY) -> bytes:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise InvalidFrame("image could not be encoded as JPEG")
    return encoded.tobytes()


def thumbnail_of(image: npt.NDArray[np.uint8], width: int = THUMBNAIL_WIDTH) -> bytes:
    rows, cols = image.shape[:2]
    if cols > width:
        small = cv2.resize(image, (width, max(1, round(rows * width / cols))), interpolation=cv2.INTER_AREA)
        return encode_jpeg(np.asarray(small, dtype=np.uint8), THUMBNAIL_QUALITY)
    return encode_jpeg(image, THUMBNAIL_QUALITY)


def masked(data: bytes, masks: list[list[list[float]]]) -> MaskedImage:
    """The frame with its masks burned in, re-encoded (so nothing of the original survives), hashed."""
    image = burn(decode_color(data), masks)
    jpeg = encode_jpeg(image)
    return MaskedImage(
        jpeg=jpeg,
        thumbnail=thumbnail_of(image),
        width=int(image.shape[1]),
        height=int(image.shape[0]),
        sha256=hashlib.sha256(jpeg).hexdigest(),
    )
