"""The demo's cameras: ten at the Blitar KPU warehouse and Bawaslu office, 300 city cameras through the
importer, an approved KPU grant; and a second load changes nothing."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from cameras.models import AccessGrant, Camera

pytestmark = pytest.mark.django_db


def test_load_demo_registers_the_cameras_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPSROOM_SIMULATOR_PORT", "18554")
    call_command("load_demo")
    assert Camera.objects.count() == 310
    assert Camera.objects.filter(agency__name="KPU Kota Blitar").count() == 5
    assert Camera.objects.filter(agency__name="Bawaslu Kota Blitar").count() == 5
    city = Camera.objects.filter(agency__name="Diskominfotika Kota Blitar")
    assert city.count() == 300
    assert city.filter(url="http://127.0.0.1:18554/cam/cam-00300/snapshot.jpg").exists()
    grant = AccessGrant.objects.active().get()
    assert grant.unit.name == "Polres Blitar Kota" and grant.cameras.count() == 5

    call_command("load_demo")
    assert Camera.objects.count() == 310
    assert AccessGrant.objects.count() == 1
