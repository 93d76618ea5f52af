"""Geofence maths: coordinate checks, polygon validity, containment, distance."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sites import geometry

lon_in = st.floats(min_value=95.0, max_value=140.0)
lat_in = st.floats(min_value=-11.0, max_value=6.0)


def square(lon: float, lat: float, half: float) -> list[tuple[float, float]]:
    return [(lon - half, lat - half), (lon + half, lat - half), (lon + half, lat + half), (lon - half, lat + half)]


@given(lat=st.floats(allow_nan=False), lon=st.floats(allow_nan=False))
def test_coordinate_problems_agree_with_the_bounds(lat: float, lon: float) -> None:
    problems = geometry.coordinate_problems(lat, lon)
    min_lon, min_lat, max_lon, max_lat = geometry.INDONESIA_BOUNDS
    inside = min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
    assert (problems == []) == inside


def test_out_of_range_and_outside_indonesia_are_named() -> None:
    assert [p.field for p in geometry.coordinate_problems(91, 112)] == ["latitude"]
    (problem,) = geometry.coordinate_problems(-8.1, 150.0)
    assert problem.field == "longitude" and "Indonesia" in problem.message


@given(lon=lon_in, lat=lat_in, half=st.floats(min_value=1e-4, max_value=0.5))
def test_square_contains_its_centre_not_a_far_point(lon: float, lat: float, half: float) -> None:
    ring = geometry.parse_ring(geometry.ring_to_geojson(square(lon, lat, half)))
    assert geometry.contains(ring, (lon, lat))
    assert not geometry.contains(ring, (lon + 3 * half, lat))
    assert geometry.distance_to_ring_m(ring, (lon, lat)) == 0.0
    outside = geometry.distance_to_ring_m(ring, (lon + 2 * half, lat))
    expected = geometry.distance_m((lon + half, lat), (lon + 2 * half, lat))
    assert outside == pytest.approx(expected, rel=0.02)


@given(lon=lon_in, lat=lat_in, half=st.floats(min_value=1e-3, max_value=0.5))
def test_bow_tie_is_rejected(lon: float, lat: float, half: float) -> None:
    a, b, c, d = square(lon, lat, half)
    with pytest.raises(geometry.GeometryError, match="cross"):
        geometry.parse_ring([list(a), list(c), list(b), list(d)])


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ({"type": "Point", "coordinates": [112, -8]}, "Polygon"),
        ([[112.0, -8.0], [112.1, -8.0]], "three"),
        ([[112.0, -8.0], [112.1, -8.0], ["x", -8.1]], "vertex 3"),
        ([[112.0, -8.0], [112.1, -8.0], [160.0, -8.1]], "outside Indonesia"),
        ("not a list", "list"),
    ],
)
def test_bad_perimeters_say_why(raw: object, reason: str) -> None:
    with pytest.raises(geometry.GeometryError, match=reason):
        geometry.parse_ring(raw)


def test_distance_of_one_degree_of_latitude() -> None:
    assert geometry.distance_m((112.0, -8.0), (112.0, -7.0)) == pytest.approx(111_195, rel=1e-3)
    assert math.isclose(geometry.distance_m((112.0, -8.0), (112.0, -8.0)), 0.0)
