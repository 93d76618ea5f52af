"""What the cameras app announces (see sites.events for how announcements reach browsers).

Status is registry-level information: the camera's unit and its owning agency hear it. Frames
never travel in events; pages fetch them through the logged, grant-checked views.
"""

from __future__ import annotations

from typing import Any

from sites.events import DomainEvent, announce

CAMERA_STATUS = "camera.status"  # a camera's status changed (after hysteresis)
CAMERA_CHANGED = "camera.changed"  # registered or edited
CAMERAS_IMPORTED = "cameras.imported"  # a list of cameras registered at once (one event, not one per camera)
CAMERA_DELETED = "camera.deleted"
GRANT_CHANGED = "grant.changed"  # requested, approved, rejected, revoked, withdrawn, expired


def camera_payload(camera: Any, previous: str | None = None) -> dict[str, Any]:
    return {
        "id": camera.pk,
        "name": camera.name,
        "site_id": camera.site_id,
        "unit_id": camera.unit_id,
        "agency_id": camera.agency_id,
        "status": camera.status,
        "previous": previous,
        "status_since": camera.status_since,
        "last_checked_at": camera.last_checked_at,
    }


def camera_status_changed(camera: Any, previous: str, unit_path: str) -> None:
    announce(DomainEvent(CAMERA_STATUS, unit_path, camera.agency_id, camera_payload(camera, previous)))


def camera_changed(camera: Any) -> None:
    announce(DomainEvent(CAMERA_CHANGED, camera.unit.path, camera.agency_id, camera_payload(camera)))


def cameras_imported(unit: Any, cameras: list[Any]) -> None:
    """One announcement per owning agency: a city's 300 cameras reach an open wall as one reload."""
    by_agency: dict[int | None, list[int]] = {}
    for camera in cameras:
        by_agency.setdefault(camera.agency_id, []).append(camera.pk)
    for agency_id, ids in by_agency.items():
        payload = {"unit_id": unit.pk, "agency_id": agency_id, "camera_ids": ids}
        announce(DomainEvent(CAMERAS_IMPORTED, unit.path, agency_id, payload))


def camera_deleted(payload: dict[str, Any], unit_path: str, agency_id: int | None) -> None:
    """``payload`` is camera_payload(), taken before the row went."""
    announce(DomainEvent(CAMERA_DELETED, unit_path, agency_id, payload))


def grant_changed(grant: Any, camera_ids: list[int]) -> None:
    """Pages of the grantee unit drop (or add) the cameras at once: ``camera_ids`` are the grant's."""
    payload = {"id": grant.pk, "unit_id": grant.unit_id, "agency_id": grant.agency_id,
               "status": grant.status, "camera_ids": camera_ids}
    # Reaches down: users of the units below the grantee see its cameras through it too.
    announce(DomainEvent(GRANT_CHANGED, grant.unit.path, grant.agency_id, payload, reaches_down=True))
