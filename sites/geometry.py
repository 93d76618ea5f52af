"""Geofence maths for protected sites: coordinate checks, polygon validity, distances.

Plain functions over floats and lists, no Django, so they can be tested and benchmarked alone.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

# Indonesia with a margin: Sabang to Merauke, Miangas to Rote.
INDONESIA_BOUNDS = (94.0, -11.5, 141.5, 6.5)  # min lon, min lat, max lon, max lat
EARTH_RADIUS_M = 6_371_008.8
MAX_PERIMETER_VERTICES = 500

Point = tuple[float, float]  # (lon, lat), GeoJSON order


class GeometryError(ValueError):
    """A geometry that cannot be used, with a reason a person can act on."""


@dataclass(frozen=True)
class CoordinateProblem:
    field: str
    message: str


def coordinate_problems(latitude: float, longitude: float) -> list[CoordinateProblem]:
    """Why a point cannot be a site in Indonesia; empty when it can."""
    problems = []
    if not -90 <= latitude <= 90:
        problems.append(CoordinateProblem("latitude", "must be between -90 and 90"))
    if not -180 <= longitude <= 180:
        problems.append(CoordinateProblem("longitude", "must be between -180 and 180"))
    if problems:
        return problems
    min_lon, min_lat, max_lon, max_lat = INDONESIA_BOUNDS
    if not min_lat <= latitude <= max_lat:
        problems.append(CoordinateProblem("latitude", f"is outside Indonesia ({min_lat} to {max_lat})"))
    if not min_lon <= longitude <= max_lon:
        problems.append(CoordinateProblem("longitude", f"is outside Indonesia ({min_lon} to {max_lon})"))
    return problems


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _orientation(p: Point, q: Point, r: Point) -> int:
    value = (q[1] - p[1]) * (r[0] - q[0]) - (q[0] - p[0]) * (r[1] - q[1])
    if abs(value) < 1e-15:
        return 0
    return 1 if value > 0 else 2


def _on_segment(p: Point, q: Point, r: Point) -> bool:
    return min(p[0], r[0]) <= q[0] <= max(p[0], r[0]) and min(p[1], r[1]) <= q[1] <= max(p[1], r[1])


def segments_intersect(p1: Point, q1: Point, p2: Point, q2: Point) -> bool:
    o1, o2 = _orientation(p1, q1, p2), _orientation(p1, q1, q2)
    o3, o4 = _orientation(p2, q2, p1), _orientation(p2, q2, q1)
    if o1 != o2 and o3 != o4:
        return True
    return (
        (o1 == 0 and _on_segment(p1, p2, q1))
        or (o2 == 0 and _on_segment(p1, q2, q1))
        or (o3 == 0 and _on_segment(p2, p1, q2))
        or (o4 == 0 and _on_segment(p2, q1, q2))
    )


def parse_ring(raw: object) -> list[Point]:
    """Read a GeoJSON Polygon (or its outer ring) into an open ring of (lon, lat) points.

    Raises GeometryError naming what is wrong: shape, too few or too many vertices,
    coordinates outside Indonesia, or edges that cross.
    """
    if isinstance(raw, dict):
        if raw.get("type") != "Polygon":
            raise GeometryError("perimeter must be a GeoJSON Polygon")
        rings = raw.get("coordinates")
        if not isinstance(rings, list) or not rings:
            raise GeometryError("perimeter has no coordinates")
        if len(rings) > 1:
            raise GeometryError("perimeter must be a single ring without holes")
        raw = rings[0]
    if not isinstance(raw, list):
        raise GeometryError("perimeter coordinates must be a list of [longitude, latitude] pairs")
    points: list[Point] = []
    for index, vertex in enumerate(raw):
        if (
            not isinstance(vertex, list | tuple)
            or len(vertex) < 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in vertex[:2])
        ):
            raise GeometryError(f"perimeter vertex {index + 1} is not a [longitude, latitude] pair")
        lon, lat = float(vertex[0]), float(vertex[1])
        problems = coordinate_problems(lat, lon)
        if problems:
            raise GeometryError(f"perimeter vertex {index + 1}: {problems[0].field} {problems[0].message}")
        points.append((lon, lat))
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        raise GeometryError("perimeter needs at least three distinct vertices")
    if len(points) > MAX_PERIMETER_VERTICES:
        raise GeometryError(f"perimeter has more than {MAX_PERIMETER_VERTICES} vertices")
    check_simple(points)
    return points


def check_simple(ring: Sequence[Point]) -> None:
    """Raise GeometryError when two non-adjacent edges of the ring cross or touch."""
    n = len(ring)
    if len(set(ring)) != n:
        raise GeometryError("perimeter repeats a vertex")
    edges = [(ring[i], ring[(i + 1) % n]) for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if j == i + 1 or (i == 0 and j == n - 1):
                continue
            if segments_intersect(edges[i][0], edges[i][1], edges[j][0], edges[j][1]):
                raise GeometryError(f"perimeter edges {i + 1} and {j + 1} cross each other")


def ring_to_geojson(ring: Sequence[Point]) -> dict[str, object]:
    closed = [[lon, lat] for lon, lat in ring]
    closed.append(closed[0])
    return {"type": "Polygon", "coordinates": [closed]}


def contains(ring: Sequence[Point], point: Point) -> bool:
    """Whether the point lies inside the ring (even-odd rule; the boundary counts as inside)."""
    x, y = point
    inside = False
    n = len(ring)
    for i in range(n):
        (x1, y1), (x2, y2) = ring[i], ring[(i + 1) % n]
        if _orientation((x1, y1), (x, y), (x2, y2)) == 0 and _on_segment((x1, y1), (x, y), (x2, y2)):
            return True
        if (y1 > y) != (y2 > y):
            crossing = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < crossing:
                inside = not inside
    return inside


def distance_to_ring_m(ring: Sequence[Point], point: Point) -> float:
    """Distance in metres from a point to a ring: zero inside, else to the nearest edge."""
    if contains(ring, point):
        return 0.0
    lat0 = math.radians(point[1])
    scale_x = EARTH_RADIUS_M * math.cos(lat0) * math.pi / 180
    scale_y = EARTH_RADIUS_M * math.pi / 180

    def local(p: Point) -> tuple[float, float]:
        return ((p[0] - point[0]) * scale_x, (p[1] - point[1]) * scale_y)

    best = math.inf
    n = len(ring)
    for i in range(n):
        ax, ay = local(ring[i])
        bx, by = local(ring[(i + 1) % n])
        dx, dy = bx - ax, by - ay
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, -(ax * dx + ay * dy) / length2))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best
