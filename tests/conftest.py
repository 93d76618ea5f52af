"""The base fixture set: Polda Jawa Timur with Polres A (Blitar Kota) and Polres B (Jember), a user of
each role that matters, and one site per Polres. Every endpoint's "outsider gets 404" uses these."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from sites.choices import Role, SiteKind, UnitKind
from sites.models import Agency, ProtectedSite, Unit
from tests.factories import AgencyFactory, SiteFactory, UnitFactory, UserFactory

# The real ASGI server and Celery worker as session fixtures (asgi_server, celery_worker).
pytest_plugins = ["tests.live_servers"]


@pytest.fixture(autouse=True)
def english(settings: Any) -> Iterator[None]:
    """Tests read English messages; tests of the Indonesian default switch back explicitly."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@dataclass
class World:
    polda: Unit
    polres_a: Unit
    polres_b: Unit
    polsek_b: Unit
    kpu_a: Agency
    site_a: ProtectedSite
    site_b: ProtectedSite
    users: dict[str, Any]

    def client(self, who: str) -> Client:
        client = Client()
        client.force_login(self.users[who])
        return client


@pytest.fixture
def world(db: None) -> World:
    polda = UnitFactory(name="Polda Jawa Timur", kind=UnitKind.POLDA)
    polres_a = UnitFactory(name="Polres Blitar Kota", kind=UnitKind.POLRES_KOTA, parent=polda)
    polres_b = UnitFactory(name="Polres Jember", kind=UnitKind.POLRES, parent=polda)
    polsek_b = UnitFactory(name="Polsek Kaliwates", kind=UnitKind.POLSEK, parent=polres_b)
    kpu_a = AgencyFactory(name="KPU Kota Blitar")
    site_a = SiteFactory(name="Kantor KPU Kota Blitar", unit=polres_a, agency=kpu_a,
                         latitude=-8.0983, longitude=112.1686)
    site_b = SiteFactory(name="Kantor Bawaslu Kabupaten Jember", unit=polsek_b, kind=SiteKind.BAWASLU_OFFICE,
                         latitude=-8.1719, longitude=113.6991)
    users = {
        "ops_a": UserFactory(username="ops_a", membership={"role": Role.OPERATIONS, "unit": polres_a}),
        "officer_a": UserFactory(username="officer_a", membership={"role": Role.OFFICER, "unit": polres_a}),
        "ops_b": UserFactory(username="ops_b", membership={"role": Role.OPERATIONS, "unit": polres_b}),
        "commander": UserFactory(username="commander", membership={"role": Role.COMMANDER, "unit": polda}),
        "liaison": UserFactory(username="liaison", membership={"role": Role.LIAISON, "agency": kpu_a}),
        "admin": UserFactory(username="admin", is_superuser=True,
                             membership={"role": Role.ADMINISTRATOR}),
    }
    return World(polda, polres_a, polres_b, polsek_b, kpu_a, site_a, site_b, users)
