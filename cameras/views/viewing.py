"""Looking at a camera: its page, the live frame, the reference frame, stored snapshots, and "capture now".

Every view here starts at the gate (``cameras.actions.viewing.open_camera``), which decides and
logs. Images are served by these views from storage, never from MEDIA_URL, and never cached.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cameras import choices, imaging, reach
from cameras.actions.grants import may_request
from cameras.actions.viewing import Viewing, may_capture, open_camera
from cameras.analysis.frames import InvalidFrame
from cameras.models import Camera, Snapshot
from cameras.polling.fetch import FAILURE_LABELS, FailureKind, FetchError
from cameras.queries import access_listed_camera, camera_zone, recent_uptime
from sites.zones import zone_abbreviation

LATEST_SNAPSHOTS = 12
HISTORY_SPANS = 20
SNAPSHOTS_PER_PAGE = 48
# Failures where the camera is out of reach (503) rather than answering with something unusable (502).
UNREACHABLE = {FailureKind.OFFLINE, FailureKind.TIMEOUT, FailureKind.NO_WORKER}


def no_store(response: HttpResponseBase) -> HttpResponseBase:
    """Pictures must not outlive a grant in a browser's or a proxy's cache."""
    response["Cache-Control"] = "no-store, private"
    return response


def image_response(data: bytes) -> HttpResponseBase:
    return no_store(HttpResponse(data, content_type="image/jpeg"))


def failure_response(error: FetchError | InvalidFrame) -> HttpResponse:
    if isinstance(error, FetchError):
        status = 503 if error.kind in UNREACHABLE else 502
        label = FAILURE_LABELS.get(error.kind, error.kind)
        text = _("The camera could not be read: %(what)s.") % {"what": label}
    else:
        status, text = 502, _("The camera sent something that is not a usable image.")
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    no_store(response)
    return response


def denied_text(exc: Exception, status: int) -> HttpResponse:
    return HttpResponse(str(exc) or _("Not allowed."), status=status, content_type="text/plain; charset=utf-8")


def gate(request: HttpRequest, camera_id: int, action: str, snapshot_id: int | None = None) -> Viewing:
    return open_camera(request.user, camera_id, action, request, snapshot_id=snapshot_id)


def live_config(viewing: Viewing) -> dict[str, Any]:
    """What the page's script needs to blank the picture when access ends (revoked now, or expiring later)."""
    return {
        "cameraId": viewing.camera.pk,
        "socketPath": "/ws/live/",
        "frameUrl": reverse("cameras:frame", args=[viewing.camera.pk]),
        "accessUntil": viewing.grant.valid_until.isoformat() if viewing.grant is not None else None,
    }


@login_required
@require_GET
def camera_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        viewing = gate(request, pk, choices.AccessAction.VIEW_CAMERA)
    except PermissionDenied as exc:
        # The camera is listed for this user (else 404): say why they cannot look, and how to ask.
        camera = access_listed_camera(request.user, pk)
        return render(request, "cameras/camera_detail.html", {
            "camera": camera, "denied": str(exc), "zone_label": zone_abbreviation(camera_zone(camera)),
            "may_request": camera.may_be_granted() and may_request(request.user, _own_unit(request)),
        }, status=403)
    camera = viewing.camera
    zone = camera_zone(camera)
    uptime = recent_uptime(camera)
    context = {
        "camera": camera,
        "grant": viewing.grant,
        "zone": zone,
        "zone_label": zone_abbreviation(zone),
        "spans": camera.spans.order_by("-started_at")[:HISTORY_SPANS],
        "uptime": list(reversed(uptime)),
        "snapshots": camera.snapshots.all()[:LATEST_SNAPSHOTS],
        "may_capture": may_capture(request.user),
        "live_config": live_config(viewing),
    }
    return render(request, "cameras/camera_detail.html", context)


def _own_unit(request: HttpRequest) -> Any:
    membership = getattr(request.user, "membership", None)
    return membership.unit if membership is not None else None


@login_required
@require_GET
def live_frame(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        viewing = gate(request, pk, choices.AccessAction.VIEW_FRAME)
    except PermissionDenied as exc:
        return denied_text(exc, 403)
    try:
        frame = reach.masked_frame(viewing.camera)
    except (FetchError, InvalidFrame) as exc:
        return failure_response(exc)
    return image_response(frame)


@login_required
@require_GET
def reference_frame(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The reference frame with today's masks burned in (for the mask editor); a live frame if none is stored."""
    try:
        viewing = gate(request, pk, choices.AccessAction.VIEW_REFERENCE)
    except PermissionDenied as exc:
        return denied_text(exc, 403)
    camera = viewing.camera
    stored = camera.snapshots.filter(reason=choices.SnapshotReason.REFERENCE).first()
    try:
        if stored is None:
            return image_response(reach.masked_frame(camera))
        with stored.image.open("rb") as handle:
            return image_response(imaging.masked(handle.read(), camera.masks).jpeg)
    except (FetchError, InvalidFrame) as exc:
        return failure_response(exc)
    except FileNotFoundError as exc:
        raise Http404(_("The stored reference frame is gone.")) from exc


def _stored_file(request: HttpRequest, pk: int, snapshot_pk: int, field: str) -> HttpResponseBase:
    """A snapshot's stored image or thumbnail, through the gate (logged, grant-checked)."""
    try:
        viewing = gate(request, pk, choices.AccessAction.VIEW_SNAPSHOT, snapshot_pk)
    except PermissionDenied as exc:
        return denied_text(exc, 403)
    assert viewing.snapshot is not None
    try:
        handle = getattr(viewing.snapshot, field).open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The stored image is gone (past its retention period).")) from exc
    return no_store(FileResponse(handle, content_type="image/jpeg"))


@login_required
@require_GET
def snapshot_image(request: HttpRequest, pk: int, snapshot_pk: int) -> HttpResponseBase:
    return _stored_file(request, pk, snapshot_pk, "image")


@login_required
@require_GET
def snapshot_thumbnail(request: HttpRequest, pk: int, snapshot_pk: int) -> HttpResponseBase:
    return _stored_file(request, pk, snapshot_pk, "thumbnail")


@login_required
@require_GET
def snapshot_detail(request: HttpRequest, pk: int, snapshot_pk: int) -> HttpResponse:
    viewing = gate(request, pk, choices.AccessAction.VIEW_CAMERA, snapshot_pk)
    zone = camera_zone(viewing.camera)
    return render(request, "cameras/snapshot_detail.html", {
        "camera": viewing.camera, "snapshot": viewing.snapshot, "zone": zone, "zone_label": zone_abbreviation(zone),
    })


@login_required
@require_GET
def snapshot_list(request: HttpRequest, pk: int) -> HttpResponse:
    viewing = gate(request, pk, choices.AccessAction.VIEW_CAMERA)
    page = Paginator(viewing.camera.snapshots.all(), SNAPSHOTS_PER_PAGE).get_page(request.GET.get("page"))
    zone = camera_zone(viewing.camera)
    return render(request, "cameras/snapshot_list.html", {
        "camera": viewing.camera, "page_obj": page, "snapshots": page.object_list, "zone": zone,
        "zone_label": zone_abbreviation(zone),
    })


def capture(user: Any, camera: Camera) -> Snapshot:
    """Fetch a frame now, where the camera can be reached, and store it as a manual snapshot (masks burned
    in). Raises FetchError / InvalidFrame."""
    return reach.capture(camera, reason=choices.SnapshotReason.MANUAL, requested_by=user)


@login_required
@require_POST
def capture_now(request: HttpRequest, pk: int) -> HttpResponseBase:
    viewing = gate(request, pk, choices.AccessAction.CAPTURE)
    try:
        snapshot = capture(request.user, viewing.camera)
    except (FetchError, InvalidFrame) as exc:
        response = failure_response(exc)
        messages.error(request, response.content.decode())
        return redirect("cameras:detail", pk=viewing.camera.pk)
    messages.success(request, _("Snapshot captured (SHA-256 %(sha)s…).") % {"sha": snapshot.sha256[:16]})
    return redirect("cameras:detail", pk=viewing.camera.pk)
