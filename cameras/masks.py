"""Privacy masks: polygons in fractions of the frame (0..1), checked and burned into images.

Pure: numpy and OpenCV only. A mask is a list of [x, y] points; a camera has a list of masks.
Burning fills each polygon with black on the full-resolution frame before anything is stored or
served, so no pixel of a masked area leaves the server.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

MAX_MASKS = 20
MAX_POINTS = 64


class MaskError(ValueError):
    """A mask a person can fix: the message says which mask and what is wrong."""


def validate_masks(value: Any) -> list[list[list[float]]]:
    """The masks as plain floats, or MaskError naming the first problem."""
    if not isinstance(value, list):
        raise MaskError("Masks must be a list of polygons.")
    if len(value) > MAX_MASKS:
        raise MaskError(f"At most {MAX_MASKS} masks per camera.")
    return [_polygon(index, polygon) for index, polygon in enumerate(value, start=1)]


def _polygon(index: int, polygon: Any) -> list[list[float]]:
    if not isinstance(polygon, list) or not 3 <= len(polygon) <= MAX_POINTS:
        raise MaskError(f"Mask {index}: a polygon needs 3 to {MAX_POINTS} points.")
    points: list[list[float]] = []
    for point in polygon:
        if (not isinstance(point, list | tuple) or len(point) != 2
                or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in point)):
            raise MaskError(f"Mask {index}: each point must be [x, y] numbers.")
        x, y = float(point[0]), float(point[1])
        if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
            raise MaskError(f"Mask {index}: point ({x:g}, {y:g}) lies outside the frame.")
        points.append([x, y])
    # Crossing first: a bow-tie's signed areas cancel out, which would read as "no area".
    if _self_intersects(points):
        raise MaskError(f"Mask {index}: the polygon's edges cross each other.")
    if _area(points) < 1e-6:
        raise MaskError(f"Mask {index}: the polygon has no area.")
    return points


def _area(points: list[list[float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True))) / 2


def _cross(o: list[float], a: list[float], b: list[float]) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _segments_cross(p1: list[float], p2: list[float], q1: list[float], q2: list[float]) -> bool:
    d1, d2 = _cross(q1, q2, p1), _cross(q1, q2, p2)
    d3, d4 = _cross(p1, p2, q1), _cross(p1, p2, q2)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4)


def _self_intersects(points: list[list[float]]) -> bool:
    edges = list(zip(points, points[1:] + points[:1], strict=True))
    count = len(edges)
    for i in range(count):
        for j in range(i + 1, count):
            if j == i + 1 or (i == 0 and j == count - 1):
                continue  # neighbours share a corner
            if _segments_cross(*edges[i], *edges[j]):
                return True
    return False


def burn(image: npt.NDArray[np.uint8], masks: list[list[list[float]]]) -> npt.NDArray[np.uint8]:
    """A copy of the image (BGR or gray) with every mask filled black, edges included."""
    if not masks:
        return image
    height, width = image.shape[:2]
    out = image.copy()
    scale = np.array([width - 1, height - 1], dtype=np.float64)
    polygons = [np.round(np.array(mask, dtype=np.float64) * scale).astype(np.int32) for mask in masks]
    cv2.fillPoly(out, polygons, color=(0, 0, 0) if out.ndim == 3 else 0, lineType=cv2.LINE_8)
    # Anti-aliased edges could let a sliver show; a thin outline covers the boundary pixels.
    cv2.polylines(out, polygons, isClosed=True, color=(0, 0, 0) if out.ndim == 3 else 0, thickness=2)
    return out
