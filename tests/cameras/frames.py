"""Generated and real test frames for the camera analysis: a synthetic scene of shapes and
texture, the degradations a real camera suffers, and scikit-image's bundled photographs."""

import cv2
import numpy as np
import numpy.typing as npt
from skimage import data as samples

Image = npt.NDArray[np.uint8]

# Photographs bundled inside scikit-image (no download needed).
PHOTOGRAPHS = ("astronaut", "coffee", "chelsea", "camera", "rocket")


def scene(seed: int, width: int = 1280, height: int = 720) -> Image:
    """A static street-like scene: a lit gradient, blocks and poles, fine texture."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(rng.uniform(60, 140), rng.uniform(100, 200), width, dtype=np.float32)
    image = np.tile(ramp, (height, 1))
    for _ in range(int(rng.integers(12, 30))):
        x0, y0 = int(rng.integers(0, width - 20)), int(rng.integers(0, height - 20))
        x1, y1 = x0 + int(rng.integers(10, width // 3)), y0 + int(rng.integers(10, height // 3))
        cv2.rectangle(image, (x0, y0), (x1, y1), float(rng.uniform(20, 235)), -1)
    for _ in range(int(rng.integers(10, 25))):
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        cv2.line(image, (x, y), (x + int(rng.integers(-200, 200)), height), float(rng.uniform(0, 255)), 3)
    texture = cv2.resize(rng.normal(0, 12, (height // 4, width // 4)).astype(np.float32), (width, height))
    return np.clip(image + texture, 0, 255).astype(np.uint8)


def photograph(name: str) -> Image:
    image = np.asarray(getattr(samples, name)())
    if image.ndim == 3:
        image = cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2BGR)
    return image.astype(np.uint8)


def noisy(image: Image, sigma: float, seed: int) -> Image:
    """Sensor noise: a different draw on every poll of the same static scene."""
    rng = np.random.default_rng(seed)
    return np.clip(image + rng.normal(0, sigma, image.shape), 0, 255).astype(np.uint8)


def dusk(image: Image, factor: float) -> Image:
    """Evening light: darker, with the camera's gamma lifting the shadows a little."""
    scaled = 255.0 * (image / 255.0) ** 1.1 * factor
    return np.clip(scaled, 0, 255).astype(np.uint8)


def dark(image: Image) -> Image:
    return np.clip(image * 0.12, 0, 255).astype(np.uint8)


def covered(width: int = 1280, height: int = 720, level: float = 10.0, seed: int = 0) -> Image:
    """A hand or tape over the lens: dim, smooth vignetting, only sensor noise."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    vignette = level + 3.0 * np.cos((xx / width - 0.5) * np.pi) * np.cos((yy / height - 0.5) * np.pi)
    return noisy(np.clip(vignette, 0, 255).astype(np.uint8), 2.0, seed)


def overlay(image: Image, second: int = 0, boxed: bool = True) -> Image:
    """What a DVR burns in after the lens: a clock top left and the camera's name bottom right,
    white text on black boxes (or bare text), about 3-4% of the frame."""
    image = image.copy()
    height, width = image.shape[:2]
    scale = max(0.4, height / 1080 * 1.2)
    thickness = max(1, round(scale * 2))
    white, black = (255,) * 3 if image.ndim == 3 else 255, (0,) * 3 if image.ndim == 3 else 0
    for text, right in ((f"27-11-2024 RABU 08:00:{second:02d}", False), ("CH03 GUDANG LOGISTIK KPU", True)):
        (text_width, text_height), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
        pad = max(2, text_height // 3)
        x = width - text_width - 3 * pad if right else 2 * pad
        y = height - base - 3 * pad if right else text_height + 3 * pad
        if boxed:
            cv2.rectangle(image, (x - pad, y - text_height - pad), (x + text_width + pad, y + base + pad), black, -1)
        cv2.putText(image, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, white, thickness, cv2.LINE_AA)
    return image


def overexposed(image: Image) -> Image:
    return np.clip(image.astype(np.float32) * 0.5 + 200, 0, 255).astype(np.uint8)


def blurred(image: Image, sigma: float = 10.0) -> Image:
    return cv2.GaussianBlur(image, (0, 0), sigma)


def moved(image: Image) -> Image:
    """The camera turned: the scene slides a third of the way and new ground comes in."""
    shift = image.shape[1] // 3
    turned = np.roll(image, -shift, axis=1)
    turned[:, -shift:] = np.flip(image[:, :shift], axis=0)
    return turned


def jpeg(image: Image, quality: int = 85) -> bytes:
    ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return encoded.tobytes()


def png(image: Image) -> bytes:
    ok, encoded = cv2.imencode(".png", image)
    assert ok
    return encoded.tobytes()


def bomb() -> bytes:
    """A small valid JPEG whose frame header claims 60,000 by 60,000 pixels."""
    data = bytearray(jpeg(np.zeros((64, 64), np.uint8)))
    position = 2
    while data[position + 1] not in (0xC0, 0xC1, 0xC2):
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
    data[position + 5 : position + 9] = (60_000).to_bytes(2, "big") * 2
    return bytes(data)
