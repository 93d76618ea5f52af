"""The patrols API: scoping (an outsider gets 404 on every endpoint), named validation errors, plan life."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from patrols.actions import planning
from patrols.models import Assignment, GuardRequirement, Personnel, RosterPlan
from tests.conftest import World
from tests.patrols import roster_fixtures as data

pytestmark = pytest.mark.django_db
API = "/api/patrols"


@pytest.fixture
def rostered(world: World) -> dict[str, Any]:
    op = data.operation(world.polda)
    campaign, voting = op.phases.order_by("starts_on")
    requirement = data.requirement(world.site_a, campaign)
    crew = data.people(world.polres_a, 5)
    plan = planning.do_request_plan(None, unit=world.polres_a, operation=op, starts_on=data.START,
                                    ends_on=data.START + dt.timedelta(days=1))
    planning.run_plan(plan.pk)
    assignment = Assignment.objects.filter(plan=plan).first()
    assert assignment is not None
    availability = crew[0].unavailability.create(kind="leave", starts_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
                                                 ends_at=dt.datetime(2024, 3, 2, tzinfo=dt.UTC))
    return {"op": op, "campaign": campaign, "voting": voting, "requirement": requirement, "crew": crew,
            "plan": plan, "assignment": assignment, "availability": availability}


def detail_urls(r: dict[str, Any]) -> list[str]:
    return [
        f"{API}/personnel/{r['crew'][0].pk}/",
        f"{API}/availability/{r['availability'].pk}/",
        f"{API}/requirements/{r['requirement'].pk}/",
        f"{API}/plans/{r['plan'].pk}/",
        f"{API}/plans/{r['plan'].pk}/changes/",
        f"{API}/assignments/{r['assignment'].pk}/",
    ]


def test_an_outsider_gets_404_on_every_detail(world: World, rostered: dict[str, Any]) -> None:
    outsider = world.client("ops_b")
    for url in detail_urls(rostered):
        assert outsider.get(url).status_code == 404, url
    for url in (f"{API}/plans/{rostered['plan'].pk}/publish/", f"{API}/plans/{rostered['plan'].pk}/cancel/",
                f"{API}/plans/{rostered['plan'].pk}/replan/", f"{API}/assignments/{rostered['assignment'].pk}/lock/",
                f"{API}/assignments/{rostered['assignment'].pk}/assign/",
                f"{API}/assignments/{rostered['assignment'].pk}/check/",
                f"{API}/my-shifts/{rostered['assignment'].pk}/check-in/"):
        assert outsider.post(url, {"locked": True, "person": None}, content_type="application/json").status_code \
            == 404, url
    # The liaison of the owning agency sees the site but not the police's personnel or rosters.
    liaison = world.client("liaison")
    for url in detail_urls(rostered):
        assert liaison.get(url).status_code == 404, url


def test_lists_show_only_the_users_units(world: World, rostered: dict[str, Any]) -> None:
    data.people(world.polsek_b, 2)
    mine = world.client("ops_a").get(f"{API}/personnel/").json()
    assert mine["count"] == 5
    theirs = world.client("ops_b").get(f"{API}/personnel/").json()
    assert theirs["count"] == 2  # Polsek Kaliwates is below Polres Jember
    assert world.client("ops_b").get(f"{API}/plans/").json()["count"] == 0
    assert world.client("ops_b").get(f"{API}/assignments/").json()["count"] == 0
    assert world.client("commander").get(f"{API}/personnel/").json()["count"] == 7


def test_owner_sees_details(world: World, rostered: dict[str, Any]) -> None:
    client = world.client("ops_a")
    for url in detail_urls(rostered):
        assert client.get(url).status_code == 200, url


def test_create_personnel_and_nrp_twice_is_named(world: World, rostered: dict[str, Any]) -> None:
    client = world.client("ops_a")
    body = {"nrp": "88010001", "name": "Siti Aminah", "rank": "brigpol", "unit": world.polres_a.pk,
            "qualifications": ["polwan", "cctv_operator"]}
    created = client.post(f"{API}/personnel/", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    again = client.post(f"{API}/personnel/", {**body, "name": "Someone Else"}, content_type="application/json")
    assert again.status_code == 400
    assert "NRP 88010001 already belongs to Siti Aminah of Polres Blitar Kota" in again.json()["nrp"][0]
    # Polres B's planner learns the number is taken, but not by whom.
    client_b = world.client("ops_b")
    other = client_b.post(f"{API}/personnel/", {**body, "unit": world.polres_b.pk}, content_type="application/json")
    assert other.status_code == 400
    assert other.json()["nrp"] == ["NRP 88010001 is already registered in another unit."]
    assert Personnel.objects.filter(nrp="88010001").count() == 1


def test_personnel_in_another_unit_is_refused(world: World, rostered: dict[str, Any]) -> None:
    client = world.client("ops_a")
    body = {"nrp": "88010002", "name": "Budi", "rank": "bripda", "unit": world.polres_b.pk}
    answer = client.post(f"{API}/personnel/", body, content_type="application/json")
    assert answer.status_code == 400
    assert "unit" in answer.json()


def test_requirement_validation_errors_are_named(world: World, rostered: dict[str, Any]) -> None:
    client = world.client("ops_a")
    base = {"site": world.site_a.pk, "phase": rostered["voting"].pk, "coverage": "around_the_clock",
            "pattern": "custom", "custom_shift_hours": [8, 8], "start_hour": 7,
            "positions": [{"qualification": "", "headcount": 2}]}
    not_tiling = client.post(f"{API}/requirements/", base, content_type="application/json")
    assert not_tiling.status_code == 400
    assert "do not tile the 24 hours" in not_tiling.json()["pattern"][0]
    overlapping = client.post(f"{API}/requirements/", {**base, "phase": rostered["campaign"].pk,
                                                       "pattern": "2x12", "custom_shift_hours": []},
                              content_type="application/json")
    assert overlapping.status_code == 400
    assert "overlaps the requirement for Kantor KPU Kota Blitar" in overlapping.json()["phase"][0]
    good = client.post(f"{API}/requirements/", {**base, "pattern": "2x12", "custom_shift_hours": []},
                       content_type="application/json")
    assert good.status_code == 201, good.json()
    assert good.json()["shift_hours"] == [12, 12]
    window = client.post(f"{API}/requirements/", {
        **base, "site": world.site_b.pk, "coverage": "window", "window_hours": 10, "pattern": "3x8",
        "custom_shift_hours": []}, content_type="application/json")
    assert window.status_code == 400  # site B is not Polres A's
    assert GuardRequirement.objects.count() == 2


def test_plan_request_beyond_the_operation_is_a_named_400(world: World, rostered: dict[str, Any]) -> None:
    answer = world.client("ops_a").post(f"{API}/plans/", {
        "unit": world.polres_a.pk, "operation": rostered["op"].pk, "starts_on": "2024-02-20",
        "ends_on": "2024-03-10"}, content_type="application/json")
    assert answer.status_code == 400
    assert "goes beyond the operation" in answer.json()["ends_on"][0]


def test_publish_lock_assign_and_check_through_the_api(world: World, rostered: dict[str, Any]) -> None:
    client = world.client("ops_a")
    plan, row = rostered["plan"], rostered["assignment"]
    first_two = list(Assignment.objects.filter(plan=plan).order_by("starts_at")[:2])
    check = client.post(f"{API}/assignments/{first_two[1].pk}/check/", {"person": first_two[0].person_id},
                        content_type="application/json")
    assert check.status_code == 200
    assert check.json()["ok"] is False and "rest only 0 h" in check.json()["problems"][0]
    refused = client.post(f"{API}/assignments/{first_two[1].pk}/assign/", {"person": first_two[0].person_id},
                          content_type="application/json")
    assert refused.status_code == 400 and "rest only 0 h" in refused.json()["person"][0]
    locked = client.post(f"{API}/assignments/{row.pk}/lock/", {"locked": True}, content_type="application/json")
    assert locked.status_code == 200 and locked.json()["locked"] is True
    published = client.post(f"{API}/plans/{plan.pk}/publish/")
    assert published.status_code == 200 and published.json()["is_published"] is True
    again = client.post(f"{API}/plans/{plan.pk}/publish/")
    assert again.status_code == 400
    assert world.client("officer_a").post(f"{API}/plans/{plan.pk}/replan/").status_code == 403
    replan = client.post(f"{API}/plans/{plan.pk}/replan/")
    assert replan.status_code == 202
    cancel = client.post(f"{API}/plans/{replan.json()['id']}/cancel/")
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    assert RosterPlan.objects.get(pk=plan.pk).is_published


def test_my_shifts_lists_only_the_officers_own_published_shifts(world: World, rostered: dict[str, Any]) -> None:
    person = rostered["assignment"].person
    person.user = world.users["officer_a"]
    person.save()
    planning.do_publish_plan(None, rostered["plan"])
    client: Client = world.client("officer_a")
    # The plan lies in 2024: nothing is still to come.
    assert client.get(f"{API}/my-shifts/").json()["count"] == 0
    assert client.get(f"{API}/my-shifts/{rostered['assignment'].pk}/").status_code == 200
    assert world.client("ops_a").get(f"{API}/my-shifts/{rostered['assignment'].pk}/").status_code == 404


def test_anonymous_is_refused(rostered: dict[str, Any]) -> None:
    assert Client().get(f"{API}/personnel/").status_code == 403


def test_schema_includes_the_patrols_api(world: World) -> None:
    answer = world.client("ops_a").get("/api/schema/")
    assert answer.status_code == 200
    assert b"/api/patrols/plans/{id}/publish/" in answer.content
