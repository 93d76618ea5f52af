"""Model-level behaviour of the patrols app: scoping of every queryset, demo data, plan rules."""

from __future__ import annotations

import pytest

from patrols.demo import load_patrols_demo
from patrols.models import Availability, GuardRequirement, Personnel, RosterPlan
from sites.demo import load_demo
from tests.conftest import World
from tests.patrols import roster_fixtures as data

pytestmark = pytest.mark.django_db


def test_visible_to_follows_the_unit_tree(world: World) -> None:
    a = data.people(world.polres_a, 2)
    data.people(world.polsek_b, 3)
    assert Personnel.objects.visible_to(world.users["ops_a"]).count() == 2
    assert Personnel.objects.visible_to(world.users["ops_b"]).count() == 3
    assert Personnel.objects.visible_to(world.users["commander"]).count() == 5
    assert Personnel.objects.visible_to(world.users["admin"]).count() == 5
    assert Personnel.objects.visible_to(world.users["liaison"]).count() == 0
    assert str(a[0]).startswith("Bripka ")


def test_the_demo_loads_people_and_requirements_that_rise_with_the_phase_and_is_idempotent() -> None:
    load_demo()
    first = load_patrols_demo()
    assert first["personnel"] > 50 and first["requirements"] > 0
    assert load_patrols_demo() == {"personnel": 0, "requirements": 0}
    warehouse = GuardRequirement.objects.filter(site__name="Gudang Logistik KPU Kota Blitar")
    by_level = {r.phase.security_level: r.headcount for r in warehouse.select_related("phase")}
    assert by_level[4] > by_level[2]
    assert not Availability.objects.exists() and not RosterPlan.objects.exists()
