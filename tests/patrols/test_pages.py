"""The roster pages: planner, plan, hand edits, exports, personnel, requirements, officers' shifts, check-in.

Each page is reached the way a browser does (the Django test client, real sessions, real actions);
every page about a row of Polres A answers 404 to Polres B's planner, as a missing row would.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from patrols.actions import personnel, planning
from patrols.choices import PlanStatus
from patrols.models import Availability, CheckIn, GuardRequirement, Personnel, RosterPlan
from tests.conftest import World
from tests.patrols import page_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(world: World) -> page_data.Roster:
    return page_data.roster(world)


def shift_url(plan: RosterPlan, row: Any) -> str:
    return reverse("patrols:plan_shift", args=[plan.pk]) + "?" + f"site={row.site_id}&start=" + \
        row.starts_at.isoformat().replace("+", "%2B")


# Outsiders ---------------------------------------------------------------------------------------

def plan_urls(plan: RosterPlan) -> list[tuple[str, str]]:
    row = plan.assignments.exclude(person=None).first()
    assert row is not None
    return [
        ("get", reverse("patrols:plan", args=[plan.pk])),
        ("get", reverse("patrols:plan_progress", args=[plan.pk])),
        ("get", shift_url(plan, row)),
        ("get", reverse("patrols:plan_person", args=[plan.pk, row.person_id])),
        ("get", reverse("patrols:plan_print", args=[plan.pk])),
        ("get", reverse("patrols:plan_csv", args=[plan.pk])),
        ("post", reverse("patrols:plan_cancel", args=[plan.pk])),
        ("post", reverse("patrols:plan_publish", args=[plan.pk])),
        ("post", reverse("patrols:plan_replan", args=[plan.pk])),
        ("get", reverse("patrols:assignment_check", args=[row.pk]) + f"?person={row.person_id}"),
        ("post", reverse("patrols:assignment_edit", args=[row.pk])),
        ("post", reverse("patrols:assignment_lock", args=[row.pk])),
        ("get", reverse("patrols:person", args=[row.person_id])),
        ("get", reverse("patrols:person_edit", args=[row.person_id])),
        ("get", reverse("patrols:availability_create", args=[row.person_id])),
    ]


def test_polres_b_gets_404_on_every_page_of_polres_a_roster(world: World, roster: page_data.Roster) -> None:
    outsider = world.client("ops_b")
    for method, url in plan_urls(roster.plan):
        response = getattr(outsider, method)(url)
        assert response.status_code == 404, (method, url, response.status_code)
    requirement = GuardRequirement.objects.get(site=world.site_a)
    for url in (reverse("patrols:requirement_edit", args=[requirement.pk]),
                reverse("patrols:requirement_delete", args=[requirement.pk]),
                reverse("patrols:requirements") + f"?site={world.site_a.pk}"):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(reverse("patrols:requirement_delete", args=[requirement.pk])).status_code == 404
    assert GuardRequirement.objects.filter(pk=requirement.pk).exists()
    # Nor do Polres A's people or plans show up in Polres B's lists.
    assert roster.officer.name not in outsider.get(reverse("patrols:personnel")).content.decode()
    planner = outsider.get(reverse("patrols:planner")).content.decode()
    assert reverse("patrols:plan", args=[roster.plan.pk]) not in planner


def test_a_liaison_sees_no_personnel_and_no_plans(world: World, roster: page_data.Roster) -> None:
    liaison = world.client("liaison")
    assert liaison.get(reverse("patrols:plan", args=[roster.plan.pk])).status_code == 404
    assert liaison.get(reverse("patrols:person", args=[roster.officer.pk])).status_code == 404


def test_an_officer_may_look_at_the_plan_but_not_change_it(world: World, roster: page_data.Roster) -> None:
    officer = world.client("officer_a")
    page = officer.get(reverse("patrols:plan", args=[roster.plan.pk]))
    assert page.status_code == 200
    row = roster.plan.assignments.exclude(person=None).first()
    assert officer.post(reverse("patrols:assignment_edit", args=[row.pk]), {"person": ""}).status_code == 403
    assert officer.post(reverse("patrols:plan_replan", args=[roster.plan.pk])).status_code == 403
    row.refresh_from_db()
    assert row.person_id is not None


def test_pages_need_a_login(roster: page_data.Roster) -> None:
    response = Client().get(reverse("patrols:plan", args=[roster.plan.pk]))
    assert response.status_code == 302 and "/account/login/" in response["Location"]


# Planner -----------------------------------------------------------------------------------------

def test_requesting_a_plan_queues_it_and_shows_its_progress(world: World) -> None:
    op, _phase = page_data.operation_around_today(world)
    ops = world.client("ops_a")
    assert ops.get(reverse("patrols:planner")).status_code == 200
    start = op.starts_on + dt.timedelta(days=2)
    response = ops.post(reverse("patrols:planner"), {
        "unit": world.polres_a.pk, "operation": op.pk, "starts_on": start, "ends_on": start + dt.timedelta(days=6)})
    plan = RosterPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("patrols:plan", args=[plan.pk])
    assert plan.status == PlanStatus.QUEUED and plan.requested_by == world.users["ops_a"]
    page = ops.get(response["Location"]).content.decode()
    assert 'id="plan-progress"' in page and 'id="cancel"' in page and "planner-config" in page
    progress = ops.get(reverse("patrols:plan_progress", args=[plan.pk])).json()
    assert progress == {"id": plan.pk, "status": "queued", "status_label": "Queued", "progress": 0.0,
                        "message": plan.message, "active": True, "cancel_requested": False}
    ops.post(reverse("patrols:plan_cancel", args=[plan.pk]))
    assert ops.get(reverse("patrols:plan_progress", args=[plan.pk])).json()["status"] == "cancelled"


def test_a_range_beyond_the_operation_is_a_form_error_and_stores_nothing(world: World) -> None:
    op, _phase = page_data.operation_around_today(world)
    response = world.client("ops_a").post(reverse("patrols:planner"), {
        "unit": world.polres_a.pk, "operation": op.pk, "starts_on": op.starts_on,
        "ends_on": op.ends_on + dt.timedelta(days=3)})
    assert response.status_code == 400
    assert "goes beyond the operation" in response.content.decode()
    assert not RosterPlan.objects.exists()


def test_polres_b_cannot_request_a_plan_for_polres_a(world: World) -> None:
    op, _phase = page_data.operation_around_today(world)
    response = world.client("ops_b").post(reverse("patrols:planner"), {
        "unit": world.polres_a.pk, "operation": op.pk, "starts_on": op.starts_on, "ends_on": op.starts_on})
    assert response.status_code == 400  # Polres A is not among the units offered
    assert not RosterPlan.objects.exists()


def test_the_plan_page_shows_the_heatmap_gaps_and_each_persons_load(
    world: World, roster: page_data.Roster, django_assert_max_num_queries: Any
) -> None:
    ops = world.client("ops_a")
    with django_assert_max_num_queries(25):
        page = ops.get(reverse("patrols:plan", args=[roster.plan.pk])).content.decode()
    assert 'id="heatmap"' in page
    assert page.count('<td class="full') == roster.plan.assignments.count() == 9
    assert "WIB" in page and "07:00" in page
    assert "Every slot is filled." in page
    for person in Personnel.objects.filter(pk__in=[p.pk for p in roster.crew]):
        assert person.name in page


def test_gaps_are_listed_with_their_reason_in_red_cells(world: World) -> None:
    op, phase = page_data.operation_around_today(world)
    page_data.roster_fixtures.requirement(world.site_a, phase, headcount=2)
    page_data.roster_fixtures.people(world.polres_a, 2)  # six slots a day, two people: most go uncovered
    plan = page_data.solved_plan(world, op, days=1)
    page = world.client("ops_a").get(reverse("patrols:plan", args=[plan.pk])).content.decode()
    gaps = plan.assignments.gaps()
    assert gaps.count() > 0
    assert f"{gaps.count()} uncovered slot" in page
    assert 'class="empty' in page or 'class="part' in page
    for reason in set(gaps.values_list("gap_reason", flat=True)):
        assert reason and reason in page


def test_publish_then_replan_shows_what_changed(world: World) -> None:
    data = page_data.roster(world, publish=False)
    ops = world.client("ops_a")
    response = ops.post(reverse("patrols:plan_publish", args=[data.plan.pk]), follow=True)
    assert "Published" in response.content.decode()
    data.plan.refresh_from_db()
    assert data.plan.is_published
    response = ops.post(reverse("patrols:plan_replan", args=[data.plan.pk]))
    replan = RosterPlan.objects.exclude(pk=data.plan.pk).get()
    assert response["Location"] == reverse("patrols:plan", args=[replan.pk])
    assert replan.replaces_id == data.plan.pk and replan.status == PlanStatus.QUEUED


def test_a_failed_publish_says_why(world: World) -> None:
    op, _phase = page_data.operation_around_today(world)
    plan = planning.do_request_plan(None, unit=world.polres_a, operation=op, starts_on=op.starts_on,
                                    ends_on=op.starts_on)
    response = world.client("ops_a").post(reverse("patrols:plan_publish", args=[plan.pk]), follow=True)
    assert "Only a finished plan can be published" in response.content.decode()
    plan.refresh_from_db()
    assert plan.published_at is None


# Hand edits --------------------------------------------------------------------------------------

def test_a_hand_edit_breaking_the_rest_rule_is_shown_at_once_and_refused(
    world: World, roster: page_data.Roster
) -> None:
    ops = world.client("ops_a")
    first, second = roster.plan.assignments.order_by("starts_at")[:2]  # 07-15 then 15-23 WIB, day one
    assert first.person_id != second.person_id
    page = ops.get(shift_url(roster.plan, second)).content.decode()
    assert f'data-check-url="{reverse("patrols:assignment_check", args=[second.pk])}"' in page
    assert first.person.name in page  # offered: the checker, not the list, decides

    verdict = ops.get(reverse("patrols:assignment_check", args=[second.pk]) + f"?person={first.person_id}").json()
    assert verdict["ok"] is False
    assert any("would rest only 0 h between shifts (at least 8 h)" in message for message in verdict["violations"])

    response = ops.post(reverse("patrols:assignment_edit", args=[second.pk]), {"person": first.person_id}, follow=True)
    assert "Not saved" in response.content.decode()
    assert "would rest only 0 h between shifts (at least 8 h)" in response.content.decode()
    second.refresh_from_db()
    assert second.person_id != first.person_id and not second.locked


def test_a_lawful_hand_edit_is_saved_and_locked(world: World, roster: page_data.Roster) -> None:
    ops = world.client("ops_a")
    spare = page_data.roster_fixtures.people(world.polres_a, 1)[0]
    row = roster.plan.assignments.order_by("starts_at").first()
    assert ops.get(reverse("patrols:assignment_check", args=[row.pk]) + f"?person={spare.pk}").json() == {
        "ok": True, "violations": []}
    ops.post(reverse("patrols:assignment_edit", args=[row.pk]), {"person": spare.pk})
    row.refresh_from_db()
    assert row.person_id == spare.pk and row.locked
    ops.post(reverse("patrols:assignment_lock", args=[row.pk]), {"locked": "0"})
    row.refresh_from_db()
    assert not row.locked


def test_an_unknown_person_is_a_404_not_a_500(world: World, roster: page_data.Roster) -> None:
    row = roster.plan.assignments.first()
    ops = world.client("ops_a")
    assert ops.get(reverse("patrols:assignment_check", args=[row.pk]) + "?person=nobody").status_code == 404
    assert ops.post(reverse("patrols:assignment_edit", args=[row.pk]), {"person": "999999"}).status_code == 404
    bad_shift = reverse("patrols:plan_shift", args=[roster.plan.pk]) + "?site=x&start=yesterday"
    assert ops.get(bad_shift).status_code == 404


# Exports -----------------------------------------------------------------------------------------

def test_the_csv_export_lists_every_slot_in_local_and_utc_time(world: World, roster: page_data.Roster) -> None:
    response = world.client("ops_a").get(reverse("patrols:plan_csv", args=[roster.plan.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == roster.plan.assignments.count() == 9
    first = roster.plan.assignments.order_by("starts_at").select_related("person").first()
    line = next(r for r in rows if r["starts_at_utc"] == first.starts_at.isoformat())
    assert line["site"] == world.site_a.name and line["time_zone"] == "WIB"
    assert line["local_start"].endswith("07:00") and line["local_end"].endswith("15:00")
    assert line["nrp"] == first.person.nrp and line["name"] == first.person.name
    assert line["published"] == "1" and line["gap_reason"] == ""


def test_the_print_page_has_one_section_per_site(world: World, roster: page_data.Roster) -> None:
    page = world.client("ops_a").get(reverse("patrols:plan_print", args=[roster.plan.pk])).content.decode()
    assert page.count('class="print-site"') == 1
    assert world.site_a.name in page and "times in WIB" in page
    assert page.count("<tr>") >= 9


# Officer -----------------------------------------------------------------------------------------

def test_an_officer_sees_only_their_own_published_shifts(world: World, roster: page_data.Roster) -> None:
    page = world.client("officer_a").get(reverse("patrols:my_shifts"))
    assert page.status_code == 200
    html = page.content.decode()
    own = set(roster.plan.assignments.filter(person=roster.officer).values_list("pk", flat=True))
    shown = {int(pk) for pk in re.findall(r'data-assignment-id="(\d+)"', html)}
    assert shown and shown <= own
    others = roster.plan.assignments.exclude(person=roster.officer).values_list("pk", flat=True)
    assert not shown & set(others)


def test_a_login_without_a_personnel_record_is_told_so(world: World) -> None:
    response = world.client("ops_b").get(reverse("patrols:my_shifts"))
    assert response.status_code == 404
    assert "not linked to a person on the roster" in response.content.decode()


def test_the_calendar_feed_works_without_a_session_until_rotated(world: World, roster: page_data.Roster) -> None:
    officer = world.client("officer_a")
    html = officer.get(reverse("patrols:my_calendar")).content.decode()
    roster.officer.refresh_from_db()
    feed = reverse("patrols:calendar_feed", args=[roster.officer.calendar_token])
    assert feed in html
    anonymous = Client()
    response = anonymous.get(feed)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    own = roster.plan.assignments.filter(person=roster.officer, published=True)
    assert body.count("BEGIN:VEVENT") == own.count()
    assert world.site_a.name.split()[0] in body
    for row in own:
        assert f"DTSTART:{row.starts_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}" in body

    officer.post(reverse("patrols:rotate_calendar"))
    assert anonymous.get(feed).status_code == 404
    roster.officer.refresh_from_db()
    assert anonymous.get(reverse("patrols:calendar_feed", args=[roster.officer.calendar_token])).status_code == 200
    assert anonymous.get(reverse("patrols:calendar_feed", args=["x" * 43])).status_code == 404


def test_check_in_at_the_site_is_accepted_and_a_replay_stores_nothing_new(world: World) -> None:
    data = page_data.shift_starting_now(world)
    shift = data.plan.assignments.get()
    officer = world.client("officer_a")
    page = officer.get(reverse("patrols:check_in", args=[shift.pk]))
    assert page.status_code == 200 and world.site_a.name in page.content.decode()
    url = reverse("patrols:check_in_submit", args=[shift.pk])
    body = {"latitude": float(world.site_a.latitude) + 0.0003, "longitude": float(world.site_a.longitude),
            "accuracy_m": 12, "idempotency_key": "a1b2c3d4"}
    first = officer.post(url, json.dumps(body), content_type="application/json")
    assert first.status_code == 201, first.content
    assert first.json()["accepted"] is True and first.json()["reason"] == ""
    again = officer.post(url, json.dumps(body), content_type="application/json")
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert CheckIn.objects.count() == 1


def test_check_in_far_from_the_site_is_refused_with_the_distance(world: World) -> None:
    data = page_data.shift_starting_now(world)
    shift = data.plan.assignments.get()
    body = {"latitude": float(world.site_a.latitude) + 0.02, "longitude": float(world.site_a.longitude),
            "idempotency_key": "far-away-1"}
    answer = world.client("officer_a").post(reverse("patrols:check_in_submit", args=[shift.pk]), json.dumps(body),
                                            content_type="application/json").json()
    assert answer["accepted"] is False
    assert "m from the site; check in within 150 m" in answer["reason"]


def test_check_in_rejects_bad_input_and_other_peoples_shifts(world: World) -> None:
    data = page_data.shift_starting_now(world)
    shift = data.plan.assignments.get()
    url = reverse("patrols:check_in_submit", args=[shift.pk])
    officer = world.client("officer_a")
    assert officer.post(url, "not json", content_type="application/json").status_code == 400
    bad = officer.post(url, json.dumps({"latitude": "north", "longitude": 1, "idempotency_key": "k"}),
                       content_type="application/json")
    assert bad.status_code == 400 and "latitude" in bad.json()["errors"]
    assert world.client("ops_a").get(reverse("patrols:check_in", args=[shift.pk])).status_code == 404
    assert world.client("ops_a").post(url, "{}", content_type="application/json").status_code == 404
    assert not CheckIn.objects.exists()


# Personnel and requirements ----------------------------------------------------------------------

def test_personnel_list_and_detail_show_the_unit_and_availability(
    world: World, roster: page_data.Roster, django_assert_max_num_queries: Any
) -> None:
    ops = world.client("ops_a")
    with django_assert_max_num_queries(12):
        listing = ops.get(reverse("patrols:personnel")).content.decode()
    assert all(person.name in listing for person in Personnel.objects.all())
    response = ops.post(reverse("patrols:availability_create", args=[roster.officer.pk]), {
        "kind": "sick", "starts_at": "2030-01-02T07:00", "ends_at": "2030-01-05T07:00", "note": "DBD"})
    assert response.status_code == 302
    row = Availability.objects.get(person=roster.officer)
    assert row.starts_at == dt.datetime(2030, 1, 2, 0, tzinfo=dt.UTC)  # 07:00 WIB
    detail = ops.get(reverse("patrols:person", args=[roster.officer.pk])).content.decode()
    assert "Sick" in detail and "02/01/2030 07:00" in detail


def test_adding_a_person_with_an_nrp_already_taken_is_refused(world: World, roster: page_data.Roster) -> None:
    response = world.client("ops_a").post(reverse("patrols:person_create"), {
        "nrp": roster.officer.nrp, "name": "Dua Kali", "rank": "bripda", "unit": world.polres_a.pk,
        "active": "on"})
    assert response.status_code == 200
    assert f"NRP {roster.officer.nrp} already belongs to" in response.content.decode()
    assert not Personnel.objects.filter(name="Dua Kali").exists()


def test_a_personnel_import_with_bad_rows_lists_them_and_stores_nothing(world: World) -> None:
    upload = io.BytesIO((
        "nrp,nama,pangkat,satuan,kualifikasi\n"
        f"85010111,Budi,Bripda,{world.polres_a.name},CCTV\n"
        f"85010111,Budi Lagi,Bripda,{world.polres_a.name},\n"
        f"85010112,Ani,Bripda,{world.polres_b.name},\n"
    ).encode())
    upload.name = "personel.csv"
    response = world.client("ops_a").post(reverse("patrols:personnel_import"), {"file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="row-errors"' in html and "<td data-label=\"Line\">3</td>" in html
    assert not Personnel.objects.exists()


def test_a_requirement_whose_shifts_do_not_tile_the_day_is_a_form_error(world: World) -> None:
    _op, phase = page_data.operation_around_today(world)
    response = world.client("ops_a").post(reverse("patrols:requirement_create"), {
        "site": world.site_a.pk, "phase": phase.pk, "coverage": "around_the_clock", "pattern": "custom",
        "custom_shift_hours": "8, 8", "start_hour": 7, "window_hours": 24, "notes": "",
        "positions-TOTAL_FORMS": 1, "positions-INITIAL_FORMS": 0,
        "positions-0-qualification": "", "positions-0-headcount": 2,
    })
    assert response.status_code == 200
    assert "do not tile" in response.content.decode()
    assert not GuardRequirement.objects.exists()


def test_a_requirement_is_saved_with_its_positions(world: World) -> None:
    _op, phase = page_data.operation_around_today(world)
    response = world.client("ops_a").post(reverse("patrols:requirement_create"), {
        "site": world.site_a.pk, "phase": phase.pk, "coverage": "around_the_clock", "pattern": "2x12",
        "custom_shift_hours": "", "start_hour": 6, "window_hours": 24, "notes": "",
        "positions-TOTAL_FORMS": 2, "positions-INITIAL_FORMS": 0,
        "positions-0-qualification": "", "positions-0-headcount": 2,
        "positions-1-qualification": "cctv_operator", "positions-1-headcount": 1,
    })
    assert response.status_code == 302
    requirement = GuardRequirement.objects.get()
    assert requirement.headcount == 3 and requirement.start_hour == 6
    listing = world.client("ops_a").get(response["Location"]).content.decode()
    assert "12 h + 12 h" in listing and "CCTV operator" in listing


def test_a_replan_after_a_sick_call_shows_who_changed_from_whom_to_whom(world: World) -> None:
    data = page_data.roster(world, crew_size=4)
    sick = data.plan.assignments.exclude(person=None).order_by("-starts_at").first().person
    personnel.do_add_availability(None, sick, kind="sick", starts_at=data.plan.assignments.earliest("starts_at")
                                  .starts_at, ends_at=data.plan.assignments.latest("ends_at").ends_at)
    replan = planning.do_request_replan(None, data.plan)
    planning.run_plan(replan.pk)
    replan.refresh_from_db()
    assert replan.changes, replan.message
    page = world.client("ops_a").get(reverse("patrols:plan", args=[replan.pk])).content.decode()
    assert "What the re-plan changed" in page
    assert page.count('class="from"') == len(replan.changes)
    assert sick.name in page and "WIB" in page
