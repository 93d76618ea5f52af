"""Bad input to the sites API gets a 4xx naming the field and the reason; nothing stored changes."""

import datetime as dt
from typing import Any

import pytest

from sites.choices import PhaseKind
from sites.models import Operation, Phase, ProtectedSite, Unit
from tests.conftest import World

pytestmark = pytest.mark.django_db


def site_body(world: World, **overrides: Any) -> dict[str, Any]:
    body = {"name": "Gudang Logistik Baru", "kind": "logistics_warehouse", "latitude": -8.09,
            "longitude": 112.17, "unit": world.polres_a.pk, "time_zone": "WIB", "priority": 1}
    body.update(overrides)
    return body


def test_create_site_with_contacts_and_perimeter(world: World) -> None:
    perimeter = {"type": "Polygon", "coordinates": [[[112.169, -8.091], [112.171, -8.091], [112.171, -8.089],
                                                      [112.169, -8.089], [112.169, -8.091]]]}
    response = world.client("ops_a").post(
        "/api/sites/", site_body(world, perimeter=perimeter, contacts=[{"name": "Pak Joko", "phone": "0812"}]),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    site = ProtectedSite.objects.get(pk=response.json()["id"])
    assert site.time_zone == "Asia/Jakarta"
    assert site.contacts.get().name == "Pak Joko"
    assert site.perimeter["type"] == "Polygon"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"latitude": "utara"}, "latitude"),
        ({"latitude": -95}, "latitude"),
        ({"longitude": 10.0}, "longitude"),
        ({"kind": "castle"}, "kind"),
        ({"time_zone": "Europe/Paris"}, "time_zone"),
        ({"priority": 9}, "priority"),
        ({"unit": 999999}, "unit"),
        ({"perimeter": {"type": "Polygon", "coordinates": [[[112.1, -8.1], [112.2, -8.2], [112.2, -8.1],
                                                            [112.1, -8.2], [112.1, -8.1]]]}}, "perimeter"),
    ],
)
def test_bad_site_fields_are_named(world: World, overrides: dict[str, Any], field: str) -> None:
    before = ProtectedSite.objects.count()
    response = world.client("ops_a").post("/api/sites/", site_body(world, **overrides),
                                          content_type="application/json")
    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert ProtectedSite.objects.count() == before


def test_site_for_another_polres_unit_is_unknown(world: World) -> None:
    response = world.client("ops_a").post("/api/sites/", site_body(world, unit=world.polres_b.pk),
                                          content_type="application/json")
    assert response.status_code == 400
    assert "unit" in response.json()


def test_commander_watches_but_does_not_edit(world: World) -> None:
    response = world.client("commander").post("/api/units/", {"name": "Polsek Baru", "kind": "polsek",
                                                              "parent": world.polres_b.pk},
                                              content_type="application/json")
    assert response.status_code == 403
    assert not Unit.objects.filter(name="Polsek Baru").exists()


def test_officer_may_read_but_not_write(world: World) -> None:
    client = world.client("officer_a")
    assert client.get(f"/api/sites/{world.site_a.pk}/").status_code == 200
    response = client.patch(f"/api/sites/{world.site_a.pk}/", {"name": "X"}, content_type="application/json")
    assert response.status_code == 403
    assert ProtectedSite.objects.get(pk=world.site_a.pk).name == "Kantor KPU Kota Blitar"


def test_unit_cannot_be_moved_under_its_own_descendant(world: World) -> None:
    response = world.client("admin").patch(
        f"/api/units/{world.polres_b.pk}/", {"parent": world.polsek_b.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()
    world.polres_b.refresh_from_db()
    assert world.polres_b.parent_id == world.polda.pk


def test_moving_a_unit_moves_its_subtree_and_scoping_follows(world: World) -> None:
    admin = world.client("admin")
    other_polda = admin.post("/api/units/", {"name": "Polda Bali", "kind": "polda"},
                             content_type="application/json").json()
    response = admin.patch(f"/api/units/{world.polres_b.pk}/", {"parent": other_polda["id"]},
                           content_type="application/json")
    assert response.status_code == 200, response.json()
    polsek = Unit.objects.get(pk=world.polsek_b.pk)
    assert polsek.path.startswith(f"/{other_polda['id']}/{world.polres_b.pk}/")
    names = {row["name"] for row in world.client("commander").get("/api/sites/").json()["results"]}
    assert names == {world.site_a.name}


def test_polsek_cannot_sit_under_a_polda(world: World) -> None:
    response = world.client("admin").post(
        "/api/units/", {"name": "Polsek Salah", "kind": "polsek", "parent": world.polda.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_phase_outside_its_operation_is_refused(world: World) -> None:
    operation = Operation.objects.create(name="Operasi Uji", election="pilkada", unit=world.polres_a,
                                         starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2024, 12, 31))
    client = world.client("ops_a")
    body = {"operation": operation.pk, "kind": PhaseKind.VOTING, "starts_on": "2025-01-05",
            "ends_on": "2025-01-05", "security_level": 4}
    response = client.post("/api/phases/", body, content_type="application/json")
    assert response.status_code == 400
    assert "ends_on" in response.json() or "starts_on" in response.json()
    body.update(starts_on="2024-11-27", ends_on="2024-11-27")
    assert client.post("/api/phases/", body, content_type="application/json").status_code == 201
    body.update(kind=PhaseKind.RECAPITULATION, starts_on="2024-11-27", ends_on="2024-12-10")
    response = client.post("/api/phases/", body, content_type="application/json")
    assert response.status_code == 400
    assert "overlaps" in response.json()["starts_on"][0]
    assert Phase.objects.filter(operation=operation).count() == 1


def test_operation_dates_cannot_shrink_past_a_phase(world: World) -> None:
    operation = Operation.objects.create(name="Operasi Uji", election="pilkada", unit=world.polres_a,
                                         starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2024, 12, 31))
    Phase.objects.create(operation=operation, kind=PhaseKind.VOTING, starts_on=dt.date(2024, 11, 27),
                         ends_on=dt.date(2024, 11, 27), security_level=4)
    response = world.client("ops_a").patch(f"/api/operations/{operation.pk}/", {"ends_on": "2024-11-01"},
                                           content_type="application/json")
    assert response.status_code == 400
    operation.refresh_from_db()
    assert operation.ends_on == dt.date(2024, 12, 31)


def test_outsider_gets_404_on_every_object_endpoint(world: World) -> None:
    operation = Operation.objects.create(name="Operasi Polres A", election="pilkada", unit=world.polres_a,
                                         starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2024, 12, 31))
    phase = Phase.objects.create(operation=operation, kind=PhaseKind.VOTING, starts_on=dt.date(2024, 11, 27),
                                 ends_on=dt.date(2024, 11, 27), security_level=4)
    client = world.client("ops_b")
    for url in (f"/api/sites/{world.site_a.pk}/", f"/api/units/{world.polres_a.pk}/",
                f"/api/operations/{operation.pk}/", f"/api/phases/{phase.pk}/",
                f"/api/sites/{world.site_a.pk}/inspections/"):
        assert client.get(url).status_code == 404, url
        assert client.patch(url, {"name": "x"}, content_type="application/json").status_code in {404, 405}, url


def test_inspection_needs_every_item(world: World) -> None:
    client = world.client("ops_a")
    results = [{"item": item, "result": "met"} for item in
               ("cctv", "fire_extinguisher", "evacuation_access", "lock_and_seal", "lighting")]
    body = {"inspected_at": "2024-02-01T09:00:00+07:00", "results": results}
    response = client.post(f"/api/sites/{world.site_a.pk}/inspections/", body, content_type="application/json")
    assert response.status_code == 400
    body["results"] = [*results, {"item": "fence", "result": "deficient", "note": "rusak"}]
    response = client.post(f"/api/sites/{world.site_a.pk}/inspections/", body, content_type="application/json")
    assert response.status_code == 201, response.json()


def test_list_query_count_stays_flat(world: World, django_assert_max_num_queries: Any) -> None:
    from tests.factories import SiteFactory

    client = world.client("commander")
    for index in range(30):
        SiteFactory(name=f"Situs {index}", unit=world.polres_a, agency=world.kpu_a)
    with django_assert_max_num_queries(6):
        assert client.get("/api/sites/").status_code == 200


def test_schema_and_docs_are_served(world: World) -> None:
    client = world.client("ops_a")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/sites/" in schema.content
    assert client.get("/api/docs/").status_code == 200
