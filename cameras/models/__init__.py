"""Cameras: the registry, their status history, stored snapshots, access grants and the access log."""

from cameras.models.access import AccessGrant, AccessLogEntry
from cameras.models.evidence import Snapshot
from cameras.models.registry import Camera, CameraStatusSpan

__all__ = ["AccessGrant", "AccessLogEntry", "Camera", "CameraStatusSpan", "Snapshot"]
