"""The scoping rule through the API: a unit sees itself and below; an outsider gets 404."""

import pytest

from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_polres_b_cannot_read_polres_a_site(world: World) -> None:
    client = world.client("ops_b")
    assert client.get(f"/api/sites/{world.site_a.pk}/").status_code == 404
    names = [row["name"] for row in client.get("/api/sites/").json()["results"]]
    assert names == [world.site_b.name]


def test_polres_b_cannot_change_polres_a_site(world: World) -> None:
    client = world.client("ops_b")
    response = client.patch(f"/api/sites/{world.site_a.pk}/", {"name": "Diretas"}, content_type="application/json")
    assert response.status_code == 404
    world.site_a.refresh_from_db()
    assert world.site_a.name == "Kantor KPU Kota Blitar"


def test_commander_of_polda_sees_both(world: World) -> None:
    names = {row["name"] for row in world.client("commander").get("/api/sites/").json()["results"]}
    assert names == {world.site_a.name, world.site_b.name}


def test_liaison_sees_own_agency_sites_only(world: World) -> None:
    names = [row["name"] for row in world.client("liaison").get("/api/sites/").json()["results"]]
    assert names == [world.site_a.name]


def test_out_of_range_coordinates_are_rejected_and_nothing_changes(world: World) -> None:
    client = world.client("ops_a")
    response = client.patch(f"/api/sites/{world.site_a.pk}/", {"latitude": 91}, content_type="application/json")
    assert response.status_code == 400
    assert "latitude" in response.json()
    response = client.patch(f"/api/sites/{world.site_a.pk}/", {"longitude": 150.5},
                            content_type="application/json")
    assert response.status_code == 400
    assert "Indonesia" in response.json()["longitude"][0]
    world.site_a.refresh_from_db()
    assert float(world.site_a.longitude) == pytest.approx(112.1686)
