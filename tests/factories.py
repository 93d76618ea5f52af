"""factory-boy factories, one per model; units and sites are made through the actions."""

from typing import Any

import factory
from django.contrib.auth import get_user_model

from sites import actions
from sites.choices import AgencyKind, AgencyLevel, SiteKind, UnitKind
from sites.models import Agency, ProtectedSite, Unit

PASSWORD = "test-password-1"


class UnitFactory(factory.Factory):  # type: ignore[misc]
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Polda Uji {n}")
    kind = UnitKind.POLDA
    parent = None

    @classmethod
    def _create(cls, model_class: type[Unit], *args: Any, **kwargs: Any) -> Unit:
        return actions.do_create_unit(None, **kwargs)


class AgencyFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"KPU Uji {n}")
    kind = AgencyKind.KPU
    level = AgencyLevel.REGENCY


class SiteFactory(factory.Factory):  # type: ignore[misc]
    class Meta:
        model = ProtectedSite

    name = factory.Sequence(lambda n: f"Situs {n}")
    kind = SiteKind.KPU_OFFICE
    unit = factory.SubFactory(UnitFactory)
    agency = None
    latitude = -8.1
    longitude = 112.16
    time_zone = "Asia/Jakarta"
    priority = 3

    @classmethod
    def _create(cls, model_class: type[ProtectedSite], *args: Any, **kwargs: Any) -> ProtectedSite:
        return actions.do_create_site(None, **kwargs)


class UserFactory(factory.django.DjangoModelFactory):  # type: ignore[misc]
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def membership(self, create: bool, extracted: dict[str, Any] | None, **kwargs: Any) -> None:
        self.save()
        if extracted:
            actions.do_set_membership(self, **extracted)
