"""The viewing gate: every look at a camera's page, frame, reference or snapshot passes here, and is logged.

The scoping rule itself lives in ``Camera.objects.listed_for`` / ``visible_to``; this module only
asks it, picks the grant that allows the look, and writes one access-log entry per attempt,
allowed or not. Missing and not-listed are the same 404; listed but not visible is a 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cameras import choices
from cameras.models import AccessGrant, AccessLogEntry, Camera, Snapshot
from sites.choices import Role
from sites.models import Scope

if TYPE_CHECKING:
    from django.http import HttpRequest

# Who may press "capture now": the police roles that watch cameras, and administrators.
CAPTURE_ROLES = {Role.OPERATIONS, Role.CCTV_OPERATOR, Role.COMMANDER, Role.ADMINISTRATOR}

# Reasons stored in the log (English, like the rest of the stored audit data).
REASON_MISSING = "no such camera"
REASON_NOT_LISTED = "camera outside the user's scope"
REASON_NO_SNAPSHOT = "no such snapshot of this camera"
REASON_PRIVATE = "private-area camera"
REASON_NO_GRANT = "no active grant"
REASON_ROLE = "role may not capture"
# What pages and exports show for each stored reason, in the reader's language.
REASON_LABELS = {
    REASON_MISSING: gettext_lazy("No such camera"),
    REASON_NOT_LISTED: gettext_lazy("Camera outside the user's scope"),
    REASON_NO_SNAPSHOT: gettext_lazy("No such snapshot of this camera"),
    REASON_PRIVATE: gettext_lazy("Private-area camera"),
    REASON_NO_GRANT: gettext_lazy("No active access grant"),
    REASON_ROLE: gettext_lazy("Role may not capture snapshots"),
}


def reason_label(reason: str) -> str:
    return str(REASON_LABELS.get(reason, reason))


@dataclass(frozen=True)
class Viewing:
    """What the gate let through: the camera, the grant that allowed it (None for own cameras), the snapshot."""

    camera: Camera
    grant: AccessGrant | None
    snapshot: Snapshot | None
    entry: AccessLogEntry


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def covering_grant(user: Any, camera: Camera) -> AccessGrant | None:
    """The active grant through which a police user sees an agency camera: the one that lasts longest."""
    scope = Scope.of(user)
    if not camera.needs_grant() or not scope.unit_path:
        return None
    unit_ids = [int(part) for part in scope.unit_path.strip("/").split("/") if part]
    return (AccessGrant.objects.active().filter(unit_id__in=unit_ids, cameras=camera)
            .order_by("-valid_until", "-pk").first())


def _log(user: Any, action: str, *, allowed: bool, reason: str = "", camera: Camera | None = None,
         snapshot: Snapshot | None = None, grant: AccessGrant | None = None,
         request: HttpRequest | None = None) -> AccessLogEntry:
    scope = Scope.of(user)
    membership = getattr(user, "membership", None)
    return AccessLogEntry.objects.create(
        at=timezone.now(),
        user=user if getattr(user, "is_authenticated", False) else None,
        username=getattr(user, "username", "") or "",
        unit_id=membership.unit_id if membership is not None and scope.unit_path else None,
        agency_id=camera.agency_id if camera is not None else None,
        camera=camera,
        camera_name=camera.name if camera is not None else "",
        snapshot=snapshot,
        grant=grant,
        action=action,
        allowed=allowed,
        reason=reason,
        ip_address=client_ip(request),
    )


def open_camera(user: Any, camera_id: int | str, action: str, request: HttpRequest | None = None,
                *, snapshot_id: int | str | None = None) -> Viewing:
    """Let the user look (``action``: a choices.AccessAction) or raise Http404 / PermissionDenied; log it either way.

    ``snapshot_id`` names one stored snapshot of that camera (for VIEW_SNAPSHOT).
    """
    try:
        camera = Camera.objects.select_related("unit", "agency", "site").get(pk=camera_id)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        _log(user, action, allowed=False, reason=REASON_MISSING, request=request)
        raise Http404(_("No such camera.")) from exc
    if not Camera.objects.listed_for(user).filter(pk=camera.pk).exists():
        _log(user, action, allowed=False, reason=REASON_NOT_LISTED, camera=camera, request=request)
        raise Http404(_("No such camera."))
    snapshot = None
    if snapshot_id is not None:
        try:
            snapshot = camera.snapshots.get(pk=snapshot_id)
        except (ObjectDoesNotExist, ValueError, TypeError) as exc:
            _log(user, action, allowed=False, reason=REASON_NO_SNAPSHOT, camera=camera, request=request)
            raise Http404(_("No such snapshot.")) from exc
    if not Camera.objects.visible_to(user).filter(pk=camera.pk).exists():
        private = camera.needs_grant() and camera.private_area
        _log(user, action, allowed=False, reason=REASON_PRIVATE if private else REASON_NO_GRANT, camera=camera,
             snapshot=snapshot, request=request)
        if private:
            raise PermissionDenied(_("This camera looks into a private area; it is never shared with the police."))
        raise PermissionDenied(
            _("Your unit has no active access grant for this camera. File a request with %(agency)s.")
            % {"agency": camera.owner_label}
        )
    grant = covering_grant(user, camera)
    if action == choices.AccessAction.CAPTURE and Scope.of(user).role not in CAPTURE_ROLES \
            and not Scope.of(user).everything:
        _log(user, action, allowed=False, reason=REASON_ROLE, camera=camera, grant=grant, request=request)
        raise PermissionDenied(_("Your role may not capture snapshots."))
    entry = _log(user, action, allowed=True, camera=camera, snapshot=snapshot, grant=grant, request=request)
    return Viewing(camera=camera, grant=grant, snapshot=snapshot, entry=entry)


def may_capture(user: Any) -> bool:
    """Whether to offer the "capture now" button (the gate enforces the same rule)."""
    scope = Scope.of(user)
    return scope.everything or scope.role in CAPTURE_ROLES
