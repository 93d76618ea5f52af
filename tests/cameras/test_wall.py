"""The camera wall's page and tiles: only cameras the user may open, and outsiders' 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from cameras.choices import GrantStatus
from tests.cameras.registry_helpers import approved_grant, make_camera

pytestmark = pytest.mark.django_db


def tile_names(client: Any, **params: Any) -> set[str]:
    response = client.get(reverse("cameras:wall_tiles"), params)
    assert response.status_code == 200
    return {tile["name"] for tile in response.json()["tiles"]}


def test_the_wall_shows_only_cameras_the_user_may_open(world: Any) -> None:
    make_camera(world, "polisi-1")
    kpu = make_camera(world, "kpu-1", agency=world.kpu_a)
    make_camera(world, "kpu-privat", agency=world.kpu_a, private_area=True)
    make_camera(world, "jember-1", unit=world.polres_b, site=world.site_b)
    make_camera(world, "mati", enabled=False)
    cctv = world.client("officer_a")
    page = cctv.get(reverse("cameras:wall"), {"site": world.site_a.pk})
    assert page.status_code == 200 and world.site_a.name in page.content.decode()
    assert tile_names(cctv, site=world.site_a.pk) == {"polisi-1"}
    grant = approved_grant(world, [kpu])
    assert tile_names(cctv, site=world.site_a.pk) == {"polisi-1", "kpu-1"}
    assert tile_names(cctv, unit=world.polres_a.pk) == {"polisi-1", "kpu-1"}
    grant.status = GrantStatus.REVOKED
    grant.save()
    assert tile_names(cctv) == {"polisi-1"}
    assert tile_names(world.client("liaison")) == {"kpu-1", "kpu-privat"}
    assert tile_names(world.client("commander")) == {"polisi-1", "jember-1"}


def test_outsiders_get_404_for_a_site_or_unit_they_may_not_see(world: Any) -> None:
    outsider = world.client("ops_b")
    for name in ("cameras:wall", "cameras:wall_tiles"):
        assert outsider.get(reverse(name), {"site": world.site_a.pk}).status_code == 404
        assert outsider.get(reverse(name), {"unit": world.polres_a.pk}).status_code == 404
        assert outsider.get(reverse(name), {"site": "x"}).status_code == 404
    assert world.client("ops_a").get(reverse("cameras:wall")).status_code == 200


def test_tiles_stay_at_a_flat_query_count(world: Any, django_assert_max_num_queries: Any) -> None:
    for index in range(40):
        make_camera(world, f"cam-{index}")
    client = world.client("ops_a")
    with django_assert_max_num_queries(8):
        assert len(tile_names(client)) == 40
