"""The personnel and requirement actions: each bad input a clear error naming what and why."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from patrols.actions import personnel, requirements
from patrols.choices import AvailabilityKind
from patrols.models import Availability, GuardRequirement
from tests.conftest import World
from tests.patrols import roster_fixtures as data

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)


def test_unavailability_must_end_after_it_starts_and_carry_a_zone(world: World) -> None:
    person = data.people(world.polres_a, 1)[0]
    ops = world.users["ops_a"]
    with pytest.raises(ValidationError, match="ends before it starts"):
        personnel.do_add_availability(ops, person, kind=AvailabilityKind.SICK, starts_at=T0, ends_at=T0)
    with pytest.raises(ValidationError, match="needs a time zone"):
        personnel.do_add_availability(ops, person, kind=AvailabilityKind.SICK, starts_at=dt.datetime(2024, 2, 1),
                                      ends_at=T0 + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        personnel.do_add_availability(world.users["ops_b"], person, kind=AvailabilityKind.LEAVE, starts_at=T0,
                                      ends_at=T0 + dt.timedelta(days=1))
    assert not Availability.objects.exists()


def test_a_login_of_another_unit_cannot_be_linked_a_person_is_in_one_unit(world: World) -> None:
    person = data.people(world.polres_b, 1)[0]
    with pytest.raises(ValidationError) as error:
        personnel.do_update_personnel(None, person, user=world.users["officer_a"])
    assert "belongs to Polres Blitar Kota but the person to Polres Jember" in str(error.value)


def test_unknown_qualification_and_bad_nrp_are_named(world: World) -> None:
    with pytest.raises(ValidationError, match="Unknown qualifications: pilot"):
        personnel.do_create_personnel(None, nrp="87000001", name="A", rank="bripda", unit=world.polres_a,
                                      qualifications=["pilot"])
    with pytest.raises(ValidationError, match="An NRP is 8 to 18 digits"):
        personnel.do_create_personnel(None, nrp="12-34", name="A", rank="bripda", unit=world.polres_a)


def test_a_unit_does_not_reinforce_itself(world: World) -> None:
    with pytest.raises(ValidationError, match="does not reinforce itself"):
        personnel.do_add_reinforcement(None, unit=world.polres_a, reinforcing_unit=world.polres_a)
    with pytest.raises(PermissionDenied):
        personnel.do_add_reinforcement(world.users["ops_a"], unit=world.polres_a, reinforcing_unit=world.polres_b)


def test_requirement_errors_are_named(world: World) -> None:
    op = data.operation(world.polda)
    campaign = op.phases.order_by("starts_on").first()
    assert campaign is not None
    ops = world.users["ops_a"]
    with pytest.raises(ValidationError, match="do not tile the 10 hours"):
        requirements.do_save_requirement(ops, site=world.site_a, phase=campaign, coverage="window",
                                         window_hours=10, pattern="3x8", positions=[{"headcount": 1}])
    with pytest.raises(ValidationError, match="listed twice"):
        requirements.do_save_requirement(ops, site=world.site_a, phase=campaign,
                                         positions=[{"headcount": 1}, {"qualification": "", "headcount": 2}])
    with pytest.raises(ValidationError, match="at least one position"):
        requirements.do_save_requirement(ops, site=world.site_a, phase=campaign, positions=[])
    with pytest.raises(PermissionDenied):
        requirements.do_save_requirement(world.users["ops_b"], site=world.site_a, phase=campaign,
                                         positions=[{"headcount": 1}])
    day = requirements.do_save_requirement(ops, site=world.site_a, phase=campaign, coverage="window", start_hour=8,
                                           window_hours=8, pattern="custom", custom_shift_hours=[4, 4],
                                           positions=[{"headcount": 2}])
    assert day.headcount == 2


def test_two_twelves_in_a_twelve_hour_window_do_not_tile(world: World) -> None:
    op = data.operation(world.polda)
    campaign = op.phases.order_by("starts_on").first()
    assert campaign is not None
    with pytest.raises(ValidationError, match="do not tile the 12 hours"):
        requirements.do_save_requirement(None, site=world.site_a, phase=campaign, coverage="window", start_hour=20,
                                         window_hours=12, pattern="2x12", positions=[{"headcount": 1}])
    assert not GuardRequirement.objects.exists()


def test_overlap_wraps_midnight_and_another_phase_is_free(world: World) -> None:
    op = data.operation(world.polda)
    campaign, voting = op.phases.order_by("starts_on")
    night = dict(coverage="window", start_hour=20, window_hours=10, pattern="custom", custom_shift_hours=[10],
                 positions=[{"headcount": 1}])
    requirements.do_save_requirement(None, site=world.site_a, phase=campaign, **night)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="overlaps the requirement"):
        requirements.do_save_requirement(None, site=world.site_a, phase=campaign, coverage="window", start_hour=5,
                                         window_hours=2, pattern="custom", custom_shift_hours=[2],
                                         positions=[{"headcount": 1}])
    requirements.do_save_requirement(None, site=world.site_a, phase=voting, **night)  # type: ignore[arg-type]
    assert GuardRequirement.objects.count() == 2
