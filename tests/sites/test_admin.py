"""The admin is scoped like the API and answers bad input with form errors, not 500s."""

import pytest

from sites.models import ProtectedSite, Unit
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_admin_site_list_is_scoped(world: World) -> None:
    response = world.client("ops_b").get("/admin/sites/protectedsite/")
    assert response.status_code == 200
    assert world.site_b.name in response.content.decode()
    assert world.site_a.name not in response.content.decode()
    assert world.client("ops_b").get(f"/admin/sites/protectedsite/{world.site_a.pk}/change/").status_code in {
        302, 404}


def test_admin_rejects_site_outside_indonesia_as_form_error(world: World) -> None:
    client = world.client("ops_a")
    url = f"/admin/sites/protectedsite/{world.site_a.pk}/change/"
    form = {"name": world.site_a.name, "kind": "kpu_office", "address": "", "latitude": "-8.1",
            "longitude": "150.0", "perimeter": "null", "unit": world.polres_a.pk, "agency": "",
            "time_zone": "Asia/Jakarta", "priority": 3, "notes": "",
            "contacts-TOTAL_FORMS": 0, "contacts-INITIAL_FORMS": 0}
    response = client.post(url, form)
    assert response.status_code == 200
    assert "Indonesia" in response.content.decode()
    assert float(ProtectedSite.objects.get(pk=world.site_a.pk).longitude) == pytest.approx(112.1686)


def test_admin_rejects_unit_cycle_as_form_error(world: World) -> None:
    client = world.client("admin")
    url = f"/admin/sites/unit/{world.polres_b.pk}/change/"
    response = client.post(url, {"name": "Polres Jember", "kind": "polres", "parent": world.polsek_b.pk,
                                 "posko_name": "", "posko_address": "", "time_zone": "Asia/Jakarta"})
    assert response.status_code == 200
    assert Unit.objects.get(pk=world.polres_b.pk).parent_id == world.polda.pk
