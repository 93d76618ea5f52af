"""Check-in at shift start: geofence (perimeter or radius), time window, idempotent replay; no-shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from patrols.actions import checkin, planning
from patrols.models import Assignment, CheckIn, NoShow
from sites import actions as site_actions
from tests.conftest import World
from tests.patrols import roster_fixtures as data

pytestmark = pytest.mark.django_db
API = "/api/patrols"
SITE_A = (-8.0983, 112.1686)  # lat, lon of Kantor KPU Kota Blitar in the world fixture


@pytest.fixture
def shift(world: World) -> Assignment:
    op = data.operation(world.polda)
    campaign = op.phases.order_by("starts_on").first()
    assert campaign is not None
    data.requirement(world.site_a, campaign)
    crew = data.people(world.polres_a, 4)
    plan = planning.do_request_plan(None, unit=world.polres_a, operation=op, starts_on=data.START,
                                    ends_on=data.START)
    planning.run_plan(plan.pk)
    planning.do_publish_plan(None, plan)
    row = Assignment.objects.filter(plan=plan).order_by("starts_at").first()
    assert row is not None and row.person is not None
    assert row.person in crew
    row.person.user = world.users["officer_a"]
    row.person.save()
    return row


def post(world: World, row: Assignment, lat: float, lon: float, key: str, **extra: Any) -> Any:
    return world.client("officer_a").post(f"{API}/my-shifts/{row.pk}/check-in/",
                                          {"latitude": lat, "longitude": lon, "idempotency_key": key, **extra},
                                          content_type="application/json")


def test_check_in_at_the_site_on_time_is_accepted(world: World, shift: Assignment) -> None:
    at = shift.starts_at - dt.timedelta(minutes=10)
    result = checkin.do_check_in(world.users["officer_a"], shift, latitude=SITE_A[0] + 0.0005, longitude=SITE_A[1],
                                 idempotency_key="k-1", at=at)
    assert result.created and result.check_in.accepted
    assert 50 < result.check_in.distance_m < 60


def test_a_replay_returns_the_first_result_and_stores_nothing_new(world: World, shift: Assignment) -> None:
    at = shift.starts_at
    first = checkin.do_check_in(world.users["officer_a"], shift, latitude=SITE_A[0], longitude=SITE_A[1],
                                idempotency_key="same-key", at=at)
    again = checkin.do_check_in(world.users["officer_a"], shift, latitude=0.0, longitude=0.0,
                                idempotency_key="same-key", at=at + dt.timedelta(minutes=5))
    assert not again.created and again.check_in.pk == first.check_in.pk
    assert CheckIn.objects.count() == 1


def test_far_from_the_site_is_refused_with_the_distance(world: World, shift: Assignment) -> None:
    result = checkin.do_check_in(world.users["officer_a"], shift, latitude=SITE_A[0] + 0.01, longitude=SITE_A[1],
                                 idempotency_key="far", at=shift.starts_at)
    assert not result.check_in.accepted
    assert "m from the site; check in within 150 m" in result.check_in.reason


def test_perimeter_decides_when_the_site_has_one(world: World, shift: Assignment) -> None:
    lat, lon = SITE_A
    ring = [[lon - 0.001, lat - 0.001], [lon + 0.001, lat - 0.001], [lon + 0.001, lat + 0.001],
            [lon - 0.001, lat + 0.001], [lon - 0.001, lat - 0.001]]
    site_actions.do_update_site(None, world.site_a, perimeter={"type": "Polygon", "coordinates": [ring]})
    shift.site.refresh_from_db()
    inside = checkin.do_check_in(world.users["officer_a"], shift, latitude=lat + 0.0009, longitude=lon - 0.0009,
                                 idempotency_key="inside", at=shift.starts_at)
    assert inside.check_in.accepted and inside.check_in.distance_m == 0
    outside = checkin.do_check_in(world.users["officer_a"], shift, latitude=lat + 0.0025, longitude=lon,
                                  idempotency_key="outside", at=shift.starts_at)
    assert not outside.check_in.accepted and "outside the site's perimeter" in outside.check_in.reason


def test_outside_the_time_window_is_refused(world: World, shift: Assignment) -> None:
    early = checkin.do_check_in(world.users["officer_a"], shift, latitude=SITE_A[0], longitude=SITE_A[1],
                                idempotency_key="early", at=shift.starts_at - dt.timedelta(hours=3))
    late = checkin.do_check_in(world.users["officer_a"], shift, latitude=SITE_A[0], longitude=SITE_A[1],
                               idempotency_key="late", at=shift.starts_at + dt.timedelta(hours=3))
    assert "Too early" in early.check_in.reason and "Too late" in late.check_in.reason


def test_someone_elses_shift_cannot_be_checked_in(world: World, shift: Assignment) -> None:
    with pytest.raises(PermissionDenied):
        checkin.do_check_in(world.users["ops_a"], shift, latitude=SITE_A[0], longitude=SITE_A[1],
                            idempotency_key="x")


def test_the_api_answers_201_then_200_on_replay(world: World, shift: Assignment, settings: Any) -> None:
    # The shift lies in 2024; widen the window so "now" falls inside it for this API test.
    settings.CHECKIN_LATE_MINUTES = 720
    first = post(world, shift, *SITE_A, key="api-1")
    assert first.status_code == 201
    assert first.json()["accepted"] is False and "Too late" in first.json()["reason"]
    assert post(world, shift, *SITE_A, key="api-1").status_code == 200
    bad = post(world, shift, 95.0, SITE_A[1], key="api-2")
    assert bad.status_code == 400 and "latitude" in bad.json()
    assert world.client("ops_b").post(f"{API}/my-shifts/{shift.pk}/check-in/", {}).status_code == 404


def test_a_no_show_is_raised_once_after_the_grace_period_and_closed_by_a_late_check_in(
    world: World, shift: Assignment
) -> None:
    before_grace = shift.starts_at + dt.timedelta(minutes=10)
    assert checkin.detect_no_shows(before_grace) == []
    after_grace = shift.starts_at + dt.timedelta(minutes=20)
    raised = checkin.detect_no_shows(after_grace)
    assert [alert.assignment_id for alert in raised] == [shift.pk]
    assert checkin.detect_no_shows(after_grace + dt.timedelta(minutes=1)) == []
    checkin.do_check_in(world.users["officer_a"], shift, latitude=SITE_A[0], longitude=SITE_A[1],
                        idempotency_key="late-but-ok", at=after_grace + dt.timedelta(minutes=5))
    assert NoShow.objects.get().resolved_at is not None
    listed = world.client("ops_a").get(f"{API}/no-shows/").json()
    assert listed["count"] == 1
    assert world.client("ops_b").get(f"{API}/no-shows/").json()["count"] == 0
    assert world.client("ops_b").get(f"{API}/no-shows/{raised[0].pk}/").status_code == 404


def test_a_checked_in_shift_raises_no_no_show(world: World, shift: Assignment) -> None:
    checkin.do_check_in(world.users["officer_a"], shift, latitude=SITE_A[0], longitude=SITE_A[1],
                        idempotency_key="on-time", at=shift.starts_at)
    assert checkin.detect_no_shows(shift.starts_at + dt.timedelta(minutes=30)) == []
