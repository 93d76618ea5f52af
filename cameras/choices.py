"""Camera enumerations shown to users, with translatable labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    HTTP_JPEG = "http_jpeg", _("HTTP snapshot (JPEG)")
    MJPEG = "mjpeg", _("MJPEG stream")
    RTSP = "rtsp", _("RTSP stream")


# The URL schemes each kind of source may use; anything else is refused.
SOURCE_SCHEMES: dict[str, set[str]] = {
    SourceKind.HTTP_JPEG: {"http", "https"},
    SourceKind.MJPEG: {"http", "https"},
    SourceKind.RTSP: {"rtsp"},
}


class CameraStatus(models.TextChoices):
    # Values are cameras.analysis.health.Status's, so the pure analysis and the rows agree.
    UNKNOWN = "unknown", _("Not checked yet")
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    INVALID = "invalid", _("Not an image")
    DARK = "dark", _("Dark")
    COVERED = "covered", _("Covered")
    OVEREXPOSED = "overexposed", _("Overexposed")
    BLURRED = "blurred", _("Blurred")
    FROZEN = "frozen", _("Frozen")
    MOVED = "moved", _("Moved or tampered")


class SnapshotReason(models.TextChoices):
    TRANSITION = "transition", _("Status change")
    INTERVAL = "interval", _("Regular interval")
    MANUAL = "manual", _("Captured by an operator")
    INCIDENT = "incident", _("Requested by an incident")
    REFERENCE = "reference", _("Reference frame")


class GrantStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AccessAction(models.TextChoices):
    VIEW_CAMERA = "view_camera", _("Viewed the camera's page")
    VIEW_FRAME = "view_frame", _("Viewed a live frame")
    VIEW_SNAPSHOT = "view_snapshot", _("Viewed a snapshot")
    VIEW_REFERENCE = "view_reference", _("Viewed the reference frame")
    CAPTURE = "capture", _("Captured a snapshot")
