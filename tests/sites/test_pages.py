"""The staff pages of sites, operations, units and agencies: who sees what, and changes only through actions."""

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from sites import actions
from sites.choices import (
    AgencyKind,
    AgencyLevel,
    ChecklistItem,
    ChecklistResult,
    ElectionKind,
    PhaseKind,
    SiteKind,
    UnitKind,
)
from sites.models import Agency, Inspection, Operation, Phase, ProtectedSite, Unit
from tests.conftest import World
from tests.factories import SiteFactory, UnitFactory

pytestmark = pytest.mark.django_db

# A square of about 200 m around the Kantor KPU Kota Blitar of the world fixture, (lon, lat).
SQUARE = [[112.1676, -8.0993], [112.1696, -8.0993], [112.1696, -8.0973], [112.1676, -8.0973], [112.1676, -8.0993]]
BOW_TIE = [[112.1676, -8.0993], [112.1696, -8.0973], [112.1696, -8.0993], [112.1676, -8.0973], [112.1676, -8.0993]]


def site_data(world: World, **overrides: Any) -> dict[str, Any]:
    """A valid POST of the site form, with one contact."""
    data = {
        "name": "Gudang Logistik KPU Kota Blitar",
        "kind": SiteKind.LOGISTICS_WAREHOUSE,
        "priority": "1",
        "unit": str(world.polres_a.pk),
        "agency": str(world.kpu_a.pk),
        "time_zone": "Asia/Jakarta",
        "address": "Jl. Kenari, Kota Blitar",
        "latitude": "-8.0983",
        "longitude": "112.1686",
        "perimeter": json.dumps({"type": "Polygon", "coordinates": [SQUARE]}),
        "notes": "Gudang suara",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "30",
        "contacts-0-name": "Andi",
        "contacts-0-position": "Sekretaris KPU",
        "contacts-0-phone": "0812-0000-0001",
    }
    data.update(overrides)
    return data


def operation_of(unit: Unit | None, name: str = "Operasi Mantap Brata Blitar") -> Operation:
    operation = actions.do_create_operation(
        None, name=name, election=ElectionKind.PEMILU, unit=unit,
        starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2024, 3, 31),
    )
    actions.do_save_phase(None, Phase(operation=operation, kind=PhaseKind.VOTING,
                                      starts_on=dt.date(2024, 2, 14), ends_on=dt.date(2024, 2, 14),
                                      security_level=4))
    return operation


def errors_of(response: Any) -> dict[str, list[str]]:
    form = response.context["form"]
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def snapshot_site(site: ProtectedSite) -> dict[str, Any]:
    site = ProtectedSite.objects.get(pk=site.pk)
    return {"name": site.name, "latitude": site.latitude, "longitude": site.longitude,
            "perimeter": site.perimeter, "contacts": list(site.contacts.values_list("name", flat=True))}


# Who sees which page --------------------------------------------------------------------------------

def test_every_page_renders_for_operations_staff(world: World) -> None:
    operation = operation_of(world.polres_a)
    phase = operation.phases.get()
    client = world.client("ops_a")
    site = world.site_a.pk
    urls = [
        "/sites/", "/sites/new/", f"/sites/{site}/", f"/sites/{site}/edit/", f"/sites/{site}/delete/",
        f"/sites/{site}/inspect/", "/sites/operations/", "/sites/operations/new/",
        f"/sites/operations/{operation.pk}/", f"/sites/operations/{operation.pk}/edit/",
        f"/sites/operations/{operation.pk}/phases/new/",
        f"/sites/operations/{operation.pk}/phases/{phase.pk}/edit/",
        f"/sites/operations/{operation.pk}/phases/{phase.pk}/delete/",
        "/sites/units/", "/sites/units/new/", f"/sites/units/{world.polres_a.pk}/edit/",
        "/sites/agencies/", "/sites/agencies/new/", f"/sites/agencies/{world.kpu_a.pk}/edit/",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["officer_a", "commander", "liaison"])
def test_read_only_users_see_pages_without_edit_buttons(world: World, who: str) -> None:
    client = world.client(who)
    detail = client.get(f"/sites/{world.site_a.pk}/")
    assert detail.status_code == 200
    assert f"/sites/{world.site_a.pk}/edit/" not in detail.content.decode()
    for url in ["/sites/", "/sites/operations/", "/sites/units/", "/sites/agencies/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "/new/" not in response.content.decode(), url


def test_operations_staff_see_edit_buttons(world: World) -> None:
    page = world.client("ops_a").get(f"/sites/{world.site_a.pk}/").content.decode()
    assert f"/sites/{world.site_a.pk}/edit/" in page
    assert f"/sites/{world.site_a.pk}/inspect/" in page


def test_site_detail_shows_facts_checklist_and_times_in_the_site_zone(world: World) -> None:
    actions.do_record_inspection(
        None, world.site_a, inspected_at=dt.datetime(2024, 2, 1, 2, 0, tzinfo=dt.UTC),
        results={item: ChecklistResult.MET for item in ChecklistItem.values} | {"fence": ChecklistResult.DEFICIENT},
        result_notes={"fence": "Pagar belakang rusak"},
    )
    page = world.client("commander").get(f"/sites/{world.site_a.pk}/").content.decode()
    assert "Kantor KPU Kota Blitar" in page
    assert "Pagar belakang rusak" in page
    assert "1 Feb 2024 09:00 WIB" in page  # 02:00 UTC is 09:00 in Blitar
    assert 'class="badge deficient"' in page


def test_liaison_sees_only_the_agency_sites(world: World) -> None:
    client = world.client("liaison")
    assert client.get(f"/sites/{world.site_a.pk}/").status_code == 200
    assert client.get(f"/sites/{world.site_b.pk}/").status_code == 404
    page = client.get("/sites/").content.decode()
    assert world.site_a.name in page
    assert world.site_b.name not in page


# Outsiders get 404, exactly as for a missing row ----------------------------------------------------

def test_outsider_gets_404_on_every_site_page_and_nothing_changes(world: World) -> None:
    client = world.client("ops_b")
    site = world.site_a.pk
    before = snapshot_site(world.site_a)
    for url in [f"/sites/{site}/", f"/sites/{site}/edit/", f"/sites/{site}/delete/", f"/sites/{site}/inspect/"]:
        assert client.get(url).status_code == 404, url
        assert client.get(url.replace(str(site), "999999")).status_code == 404, url
    assert client.post(f"/sites/{site}/edit/", site_data(world, name="Diretas")).status_code == 404
    assert client.post(f"/sites/{site}/delete/").status_code == 404
    assert client.post(f"/sites/{site}/inspect/", {"inspected_at": "2024-02-01T09:00"}).status_code == 404
    assert snapshot_site(world.site_a) == before
    assert not Inspection.objects.exists()


def test_outsider_gets_404_on_unit_and_operation_pages(world: World) -> None:
    operation = operation_of(world.polres_a)
    phase = operation.phases.get()
    client = world.client("ops_b")
    unit = world.polres_a.pk
    assert client.get(f"/sites/units/{unit}/edit/").status_code == 404
    assert client.post(f"/sites/units/{unit}/edit/", {"name": "Diretas", "kind": UnitKind.POLRES,
                                                      "parent": world.polres_b.pk,
                                                      "time_zone": "Asia/Jakarta"}).status_code == 404
    base = f"/sites/operations/{operation.pk}/"
    assert client.get(base).status_code == 404
    for url in [f"{base}edit/", f"{base}phases/new/", f"{base}phases/{phase.pk}/edit/",
                f"{base}phases/{phase.pk}/delete/"]:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"name": "Diretas"}).status_code == 404, url
    world.polres_a.refresh_from_db()
    assert world.polres_a.name == "Polres Blitar Kota"
    assert Operation.objects.get(pk=operation.pk).name == "Operasi Mantap Brata Blitar"
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_a_unit_cannot_change_the_operation_of_the_unit_above_it(world: World) -> None:
    operation = operation_of(world.polda, "Operasi Polda Jatim")
    client = world.client("ops_b")
    page = client.get(f"/sites/operations/{operation.pk}/")
    assert page.status_code == 200
    assert "/edit/" not in page.content.decode()
    response = client.post(f"/sites/operations/{operation.pk}/edit/", {"name": "Diretas"})
    assert response.status_code == 403
    assert Operation.objects.get(pk=operation.pk).name == "Operasi Polda Jatim"


# Read-only roles get 403 on every change -----------------------------------------------------------

@pytest.mark.parametrize("who", ["officer_a", "commander", "liaison"])
def test_read_only_roles_get_403_on_post_and_nothing_changes(world: World, who: str) -> None:
    operation = operation_of(world.polres_a)
    phase = operation.phases.get()
    client = world.client(who)
    site = world.site_a.pk
    before = snapshot_site(world.site_a)
    posts = {
        "/sites/new/": site_data(world),
        f"/sites/{site}/edit/": site_data(world, name="Diretas"),
        f"/sites/{site}/delete/": {},
        f"/sites/{site}/inspect/": {"inspected_at": "2024-02-01T09:00"},
        "/sites/units/new/": {"name": "Polsek Baru", "kind": UnitKind.POLSEK, "parent": world.polres_a.pk},
        f"/sites/units/{world.polres_a.pk}/edit/": {"name": "Diretas"},
        "/sites/agencies/new/": {"name": "KPU Baru", "kind": AgencyKind.KPU, "level": AgencyLevel.REGENCY},
        f"/sites/agencies/{world.kpu_a.pk}/edit/": {"name": "Diretas"},
        "/sites/operations/new/": {"name": "Operasi Baru"},
        f"/sites/operations/{operation.pk}/phases/new/": {"kind": PhaseKind.CAMPAIGN},
        f"/sites/operations/{operation.pk}/phases/{phase.pk}/delete/": {},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        # The liaison cannot see Polres A's unit or operation at all: for them those are 404.
        assert response.status_code in ({403, 404} if who == "liaison" else {403}), url
    assert snapshot_site(world.site_a) == before
    assert ProtectedSite.objects.count() == 2
    assert not Unit.objects.filter(name="Polsek Baru").exists()
    assert not Agency.objects.filter(name__in=["KPU Baru", "Diretas"]).exists()
    assert Phase.objects.filter(pk=phase.pk).exists()


def test_anonymous_is_sent_to_login(world: World) -> None:
    for url in ["/sites/", f"/sites/{world.site_a.pk}/", "/sites/new/", f"/sites/{world.site_a.pk}/edit/"]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/login/"), url
    assert Client().post(f"/sites/{world.site_a.pk}/delete/").status_code == 302
    assert ProtectedSite.objects.filter(pk=world.site_a.pk).exists()


def test_officer_gets_403_on_edit_pages(world: World) -> None:
    client = world.client("officer_a")
    assert client.get(f"/sites/{world.site_a.pk}/edit/").status_code == 403
    assert client.get("/sites/new/").status_code == 403


# Sites through the forms ---------------------------------------------------------------------------

def test_create_site_with_perimeter_and_contacts(world: World) -> None:
    response = world.client("ops_a").post("/sites/new/", site_data(world))
    site = ProtectedSite.objects.get(name="Gudang Logistik KPU Kota Blitar")
    assert response.status_code == 302
    assert response["Location"] == f"/sites/{site.pk}/"
    assert site.unit == world.polres_a
    assert site.perimeter == {"type": "Polygon", "coordinates": [SQUARE]}
    assert [(c.name, c.position) for c in site.contacts.all()] == [("Andi", "Sekretaris KPU")]


def test_edit_site_replaces_contacts_and_removes_the_perimeter(world: World) -> None:
    client = world.client("ops_a")
    client.post("/sites/new/", site_data(world))
    site = ProtectedSite.objects.get(name="Gudang Logistik KPU Kota Blitar")
    data = site_data(world, perimeter="", latitude="-8.0891", longitude="112.1752", **{
        "contacts-TOTAL_FORMS": "2", "contacts-INITIAL_FORMS": "1",
        "contacts-0-DELETE": "on", "contacts-1-name": "Budi", "contacts-1-position": "Kasat Pam",
    })
    response = client.post(f"/sites/{site.pk}/edit/", data)
    assert response.status_code == 302
    site.refresh_from_db()
    assert site.perimeter is None
    assert str(site.latitude) == "-8.089100"
    assert list(site.contacts.values_list("name", flat=True)) == ["Budi"]


@pytest.mark.parametrize(
    ("overrides", "field", "fragment"),
    [
        ({"latitude": "95"}, "latitude", "-90 and 90"),
        ({"longitude": "150.5"}, "longitude", "Indonesia"),
        ({"latitude": "35.68", "longitude": "139.69"}, "latitude", "Indonesia"),
        ({"perimeter": json.dumps({"type": "Polygon", "coordinates": [BOW_TIE]})}, "perimeter", "cross"),
        ({"perimeter": "{not json"}, "perimeter", "JSON"),
        ({"time_zone": "Asia/Tokyo"}, "time_zone", ""),
        ({"name": ""}, "name", ""),
    ],
)
def test_bad_site_input_names_the_field_and_changes_nothing(
    world: World, overrides: dict[str, str], field: str, fragment: str
) -> None:
    before = snapshot_site(world.site_a)
    client = world.client("ops_a")
    response = client.post(f"/sites/{world.site_a.pk}/edit/", site_data(world, **overrides))
    assert response.status_code == 200
    errors = errors_of(response)
    assert field in errors
    assert fragment in " ".join(errors[field])
    assert snapshot_site(world.site_a) == before
    response = client.post("/sites/new/", site_data(world, **overrides))
    assert field in errors_of(response)
    assert ProtectedSite.objects.count() == 2


def test_site_unit_choices_are_the_visible_units(world: World) -> None:
    client = world.client("ops_a")
    form = client.get("/sites/new/").context["form"]
    assert set(form.fields["unit"].queryset) == {world.polres_a}
    response = client.post("/sites/new/", site_data(world, unit=str(world.polres_b.pk)))
    assert "unit" in errors_of(response)
    assert not ProtectedSite.objects.filter(unit=world.polres_b, name="Gudang Logistik KPU Kota Blitar").exists()


def test_duplicate_site_name_in_a_unit_is_a_form_error(world: World) -> None:
    response = world.client("ops_a").post("/sites/new/", site_data(world, name=world.site_a.name))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert ProtectedSite.objects.filter(name=world.site_a.name).count() == 1


def test_delete_site(world: World) -> None:
    client = world.client("ops_a")
    assert "Kantor KPU Kota Blitar" in client.get(f"/sites/{world.site_a.pk}/delete/").content.decode()
    response = client.post(f"/sites/{world.site_a.pk}/delete/")
    assert response.status_code == 302
    assert not ProtectedSite.objects.filter(pk=world.site_a.pk).exists()


def test_record_inspection_reads_the_time_in_the_site_zone(world: World) -> None:
    site = SiteFactory(name="Kantor KPU Provinsi Papua", unit=world.polres_a, time_zone="Asia/Jayapura",
                       latitude=-2.5337, longitude=140.7181)
    data = {f"result_{item}": ChecklistResult.MET for item in ChecklistItem.values}
    data |= {"inspected_at": "2024-02-01T09:00", "note_fence": "Pagar baru", "notes": "Patroli pagi"}
    response = world.client("ops_a").post(f"/sites/{site.pk}/inspect/", data)
    assert response.status_code == 302
    inspection = Inspection.objects.get(site=site)
    assert inspection.inspected_at == dt.datetime(2024, 2, 1, 0, 0, tzinfo=dt.UTC)  # 09:00 WIT
    assert inspection.results.get(item="fence").note == "Pagar baru"
    page = world.client("ops_a").get(f"/sites/{site.pk}/").content.decode()
    assert "1 Feb 2024 09:00 WIT" in page


def test_inspection_needs_every_item(world: World) -> None:
    data = {"inspected_at": "2024-02-01T09:00", "result_cctv": ChecklistResult.MET}
    response = world.client("ops_a").post(f"/sites/{world.site_a.pk}/inspect/", data)
    assert response.status_code == 200
    assert "result_fence" in errors_of(response)
    assert not Inspection.objects.exists()


# The site list: filters, map, and a query count that does not grow with the sites -----------------

def test_site_list_filters(world: World) -> None:
    SiteFactory(name="Gudang Logistik KPU Kabupaten Jember", unit=world.polres_b, priority=1,
                kind=SiteKind.LOGISTICS_WAREHOUSE, latitude=-8.1561, longitude=113.7221)
    client = world.client("commander")

    def names(query: str) -> set[str]:
        return {site.name for site in client.get(f"/sites/?{query}").context["object_list"]}

    assert names("") == {world.site_a.name, world.site_b.name, "Gudang Logistik KPU Kabupaten Jember"}
    assert names(f"unit={world.polres_b.pk}") == {world.site_b.name, "Gudang Logistik KPU Kabupaten Jember"}
    assert names("priority=1") == {"Gudang Logistik KPU Kabupaten Jember"}
    assert names(f"kind={SiteKind.BAWASLU_OFFICE}") == {world.site_b.name}
    assert names("q=blitar") == {world.site_a.name}
    # A unit the user cannot see is not a choice: the filter is ignored with an error, nothing leaks.
    response = world.client("ops_a").get(f"/sites/?unit={world.polres_b.pk}")
    assert {site.name for site in response.context["object_list"]} == {world.site_a.name}
    assert response.context["filter"].errors


def test_site_list_map_has_every_listed_site(world: World) -> None:
    response = world.client("commander").get("/sites/")
    names = {row["name"] for row in response.context["map_sites"]}
    assert names == {world.site_a.name, world.site_b.name}
    assert f'href="/sites/{world.site_a.pk}/"' in response.content.decode()


def test_site_list_query_count_stays_flat(world: World, django_assert_max_num_queries: Any) -> None:
    SiteFactory(name="Situs 0", unit=world.polres_b, latitude=-8.16, longitude=113.70)
    client = world.client("commander")
    client.get("/sites/")  # the session's first touches are not the page's
    with CaptureQueriesContext(connection) as few:
        assert len(client.get("/sites/").context["map_sites"]) == 3
    for index in range(1, 38):
        SiteFactory(name=f"Situs {index}", unit=world.polres_b if index % 2 else world.polres_a,
                    latitude=-8.16, longitude=113.70, priority=1 + index % 4)
    with django_assert_max_num_queries(len(few)):
        response = client.get("/sites/")
    assert len(response.context["map_sites"]) == 40
    assert len(few) <= 12


# Operations and phases ---------------------------------------------------------------------------

def test_create_and_edit_operation(world: World) -> None:
    client = world.client("ops_a")
    data = {"name": "Operasi Mantap Praja Blitar", "election": ElectionKind.PILKADA, "unit": world.polres_a.pk,
            "starts_on": "2024-09-01", "ends_on": "2024-12-31", "description": ""}
    response = client.post("/sites/operations/new/", data)
    operation = Operation.objects.get(name="Operasi Mantap Praja Blitar")
    assert response.status_code == 302
    assert response["Location"] == f"/sites/operations/{operation.pk}/"
    response = client.post(f"/sites/operations/{operation.pk}/edit/", data | {"ends_on": "2024-08-01"})
    assert "ends_on" in errors_of(response)
    response = client.post(f"/sites/operations/{operation.pk}/edit/", data | {"description": "Pilkada 2024"})
    assert response.status_code == 302
    operation.refresh_from_db()
    assert operation.description == "Pilkada 2024"
    assert operation.ends_on == dt.date(2024, 12, 31)


def test_operations_staff_cannot_make_a_national_operation(world: World) -> None:
    data = {"name": "Operasi Nasional", "election": ElectionKind.PEMILU, "unit": "",
            "starts_on": "2024-01-01", "ends_on": "2024-12-31"}
    response = world.client("ops_a").post("/sites/operations/new/", data)
    assert "unit" in errors_of(response)
    assert not Operation.objects.filter(name="Operasi Nasional").exists()
    response = world.client("admin").post("/sites/operations/new/", data)
    assert response.status_code == 302
    assert Operation.objects.get(name="Operasi Nasional").unit is None


def test_phase_add_edit_delete_and_dates_checked(world: World) -> None:
    operation = operation_of(world.polres_a)
    voting = operation.phases.get()
    client = world.client("ops_a")
    base = f"/sites/operations/{operation.pk}/phases/"
    campaign = {"kind": PhaseKind.CAMPAIGN, "name": "", "starts_on": "2024-01-10", "ends_on": "2024-02-10",
                "security_level": "2"}
    assert client.post(f"{base}new/", campaign).status_code == 302
    assert operation.phases.count() == 2

    outside = client.post(f"{base}new/", campaign | {"kind": PhaseKind.ANNOUNCEMENT, "starts_on": "2024-03-20",
                                                      "ends_on": "2024-04-05"})
    assert "ends_on" in errors_of(outside)
    overlapping = client.post(f"{base}new/", campaign | {"kind": PhaseKind.QUIET, "starts_on": "2024-02-10",
                                                          "ends_on": "2024-02-14"})
    assert "starts_on" in errors_of(overlapping)
    assert operation.phases.count() == 2

    moved = client.post(f"{base}{voting.pk}/edit/", {"kind": PhaseKind.VOTING, "name": "Hari H",
                                                      "starts_on": "2024-04-14", "ends_on": "2024-04-14",
                                                      "security_level": "4"})
    assert "ends_on" in errors_of(moved)
    voting.refresh_from_db()
    assert voting.starts_on == dt.date(2024, 2, 14)

    renamed = client.post(f"{base}{voting.pk}/edit/", {"kind": PhaseKind.VOTING, "name": "Hari H",
                                                        "starts_on": "2024-02-14", "ends_on": "2024-02-14",
                                                        "security_level": "4"})
    assert renamed.status_code == 302
    voting.refresh_from_db()
    assert voting.name == "Hari H"

    page = client.get(f"/sites/operations/{operation.pk}/").content.decode()
    assert "Hari H" in page
    assert 'class="timeline"' in page

    assert client.post(f"{base}{voting.pk}/delete/").status_code == 302
    assert not Phase.objects.filter(pk=voting.pk).exists()


def test_phase_of_another_operation_is_404(world: World) -> None:
    mine = operation_of(world.polres_a)
    other = operation_of(world.polres_a, "Operasi Lain")
    phase = other.phases.get()
    client = world.client("ops_a")
    assert client.get(f"/sites/operations/{mine.pk}/phases/{phase.pk}/edit/").status_code == 404
    assert client.post(f"/sites/operations/{mine.pk}/phases/{phase.pk}/delete/").status_code == 404
    assert Phase.objects.filter(pk=phase.pk).exists()


# Units and agencies ------------------------------------------------------------------------------

def test_create_unit_under_own_unit(world: World) -> None:
    client = world.client("ops_a")
    form = client.get("/sites/units/new/").context["form"]
    assert set(form.fields["parent"].queryset) == {world.polres_a}
    response = client.post("/sites/units/new/", {"name": "Polsek Sukorejo", "kind": UnitKind.POLSEK,
                                                 "parent": world.polres_a.pk, "time_zone": "Asia/Jakarta"})
    assert response.status_code == 302
    unit = Unit.objects.get(name="Polsek Sukorejo")
    assert unit.path.startswith(world.polres_a.path)


def test_unit_parent_errors_are_on_the_parent_field(world: World) -> None:
    polsek = UnitFactory(name="Polsek Sukorejo", kind=UnitKind.POLSEK, parent=world.polres_a)
    client = world.client("ops_a")
    data = {"name": "Polres Blitar Kota", "kind": UnitKind.POLRES_KOTA, "parent": polsek.pk,
            "posko_name": "", "posko_address": "", "time_zone": "Asia/Jakarta"}
    # Its own descendant's child: rejected on 'parent'.
    response = client.post(f"/sites/units/{world.polres_a.pk}/edit/", data)
    assert response.status_code == 200
    assert "parent" in errors_of(response)
    # A Polsek under a Polsek: the wrong kind, also on 'parent'.
    response = client.post("/sites/units/new/", data | {"name": "Polsek X", "kind": UnitKind.POLSEK})
    assert "parent" in errors_of(response)
    # Without a parent: only an administrator makes a Polda.
    response = client.post(f"/sites/units/{world.polres_a.pk}/edit/", data | {"parent": ""})
    assert "parent" in errors_of(response)
    world.polres_a.refresh_from_db()
    polsek.refresh_from_db()
    assert world.polres_a.parent == world.polda
    assert polsek.path.startswith(world.polres_a.path)
    assert not Unit.objects.filter(name="Polsek X").exists()


def test_admin_cycle_in_the_unit_tree_is_a_form_error(world: World) -> None:
    data = {"name": "Polda Jawa Timur", "kind": UnitKind.POLDA, "parent": world.polsek_b.pk,
            "posko_name": "", "posko_address": "", "time_zone": "Asia/Jakarta"}
    response = world.client("admin").post(f"/sites/units/{world.polda.pk}/edit/", data)
    assert "parent" in errors_of(response)
    world.polda.refresh_from_db()
    assert world.polda.parent is None


def test_renaming_own_unit_keeps_its_place(world: World) -> None:
    data = {"name": "Polres Kota Blitar", "kind": UnitKind.POLRES_KOTA, "parent": world.polda.pk,
            "posko_name": "Posko OMB", "posko_address": "", "time_zone": "Asia/Jakarta"}
    # The Polda is not one of ops_a's units, but it is the current parent: kept, not a move.
    response = world.client("ops_a").post(f"/sites/units/{world.polres_a.pk}/edit/", data)
    assert response.status_code == 302
    world.polres_a.refresh_from_db()
    assert (world.polres_a.name, world.polres_a.parent) == ("Polres Kota Blitar", world.polda)


def test_agencies_list_create_edit(world: World) -> None:
    client = world.client("ops_a")
    assert "KPU Kota Blitar" in client.get("/sites/agencies/").content.decode()
    data = {"name": "Bawaslu Kota Blitar", "kind": AgencyKind.BAWASLU, "level": AgencyLevel.REGENCY,
            "region": "Kota Blitar", "address": "", "phone": ""}
    assert client.post("/sites/agencies/new/", data).status_code == 302
    agency = Agency.objects.get(name="Bawaslu Kota Blitar")
    duplicate = client.post(f"/sites/agencies/{agency.pk}/edit/", data | {"name": "KPU Kota Blitar"})
    assert "name" in errors_of(duplicate)
    assert client.post(f"/sites/agencies/{agency.pk}/edit/", data | {"phone": "0342-000"}).status_code == 302
    agency.refresh_from_db()
    assert (agency.name, agency.phone) == ("Bawaslu Kota Blitar", "0342-000")
    assert world.client("ops_b").get("/sites/agencies/999999/edit/").status_code == 404
