"""Helpers for the viewing, grant, access-log and snapshot tests: cameras of the base world and grants
made through the real actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cameras import choices
from cameras.actions import grants
from cameras.models import AccessGrant, Camera


def make_camera(world: Any, name: str, url: str, *, agency: Any = "kpu", unit: Any = None, site: Any = "site",
                private_area: bool = False) -> Camera:
    """A camera at Polres A's KPU office, owned by KPU Kota Blitar unless told otherwise."""
    return Camera.objects.create(
        name=name,
        unit=unit or world.polres_a,
        site=world.site_a if site == "site" else site,
        agency=world.kpu_a if agency == "kpu" else agency,
        source_kind=choices.SourceKind.HTTP_JPEG,
        url=url,
        private_area=private_area,
        covers="Pintu masuk gudang",
    )


def window(days: int = 7) -> dict[str, Any]:
    now = timezone.now()
    return {"letter_date": timezone.localdate(now), "valid_from": now,
            "valid_until": now + dt.timedelta(days=days)}


def request_grant(world: Any, cameras: list[Camera], *, letter: str = "B/123/XI/2026/Ops", who: str = "ops_a",
                  unit: Any = None, **changes: Any) -> AccessGrant:
    fields = {"unit": unit or world.polres_a, "agency": world.kpu_a, "letter_number": letter,
              "purpose": "Pengamanan gudang logistik menjelang pemungutan suara", "cameras": cameras,
              **window(), **changes}
    return grants.do_request_grant(world.users[who], **fields)


def approved_grant(world: Any, cameras: list[Camera], *, granted: list[Camera] | None = None,
                   **changes: Any) -> AccessGrant:
    grant = request_grant(world, cameras, **changes)
    return grants.do_approve_grant(world.users["liaison"], grant, cameras=granted)
