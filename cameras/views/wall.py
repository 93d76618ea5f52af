"""The camera wall for a posko's big screen (and a phone): the cameras of a site or a unit that the user may
open, with status and latest frame, kept current by the live socket.

The page loads its tiles from ``tiles.json`` and applies ``camera.status`` events as they come;
a ``grant.changed`` event or a gap in the stream makes it ask ``tiles.json`` again, so a revoked
grant removes its cameras at once and the database stays the truth.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from cameras.choices import CameraStatus
from cameras.models import Camera, Snapshot
from sites.queries import access_site, access_unit

# One wall shows at most this many tiles (a posko screen holds a few dozen; the rest page on).
WALL_LIMIT = 400
ID_PLACEHOLDER = 999999999


def _wall_cameras(request: HttpRequest) -> tuple[QuerySet[Camera], str]:
    """The cameras the wall shows and its title; an unknown or foreign site or unit is a 404."""
    cameras = Camera.objects.visible_to(request.user).filter(enabled=True)
    site_id, unit_id = request.GET.get("site"), request.GET.get("unit")
    if site_id:
        site = access_site(request.user, site_id)  # type: ignore[arg-type]
        return cameras.filter(site=site), site.name
    if unit_id:
        unit = access_unit(request.user, unit_id)  # type: ignore[arg-type]
        return cameras.filter(unit__path__startswith=unit.path), unit.name
    return cameras, _("All cameras")


def _url_template(name: str) -> str:
    return reverse(name, args=[ID_PLACEHOLDER]).replace(str(ID_PLACEHOLDER), "{id}")


@login_required
def wall(request: HttpRequest) -> HttpResponse:
    _cameras, title = _wall_cameras(request)
    config = {
        "tilesUrl": reverse("cameras:wall_tiles") + ("?" + request.GET.urlencode() if request.GET else ""),
        "socketPath": "/ws/live/",
        "frameUrl": _url_template("cameras:frame"),
        "cameraUrl": _url_template("cameras:detail"),
        "snapshotThumbUrl": reverse("cameras:snapshot_thumbnail", args=[ID_PLACEHOLDER, ID_PLACEHOLDER + 1])
        .replace(str(ID_PLACEHOLDER + 1), "{id}").replace(str(ID_PLACEHOLDER), "{camera}"),
        "refreshMs": 10_000,
        "statusLabels": {str(value): str(label) for value, label in CameraStatus.choices},
    }
    return render(request, "cameras/wall.html", {"title": title, "wall_config": config})


@login_required
def wall_tiles(request: HttpRequest) -> JsonResponse:
    cameras, title = _wall_cameras(request)
    latest = Snapshot.objects.filter(camera=OuterRef("pk")).order_by("-captured_at")
    rows = (cameras.select_related("site")
            .annotate(latest_snapshot=Subquery(latest.values("pk")[:1]))
            .order_by("site__name", "name")[:WALL_LIMIT])
    return JsonResponse({"title": title, "tiles": [_tile(camera) for camera in rows]})


def _tile(camera: Any) -> dict[str, Any]:
    return {
        "id": camera.pk,
        "name": camera.name,
        "site": camera.site.name if camera.site else "",
        "covers": camera.covers,
        "status": camera.status,
        "status_since": camera.status_since.isoformat() if camera.status_since else None,
        "snapshot": camera.latest_snapshot,
    }
