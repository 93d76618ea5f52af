"""Stored camera images: masked before they are written, hashed, and never changed afterwards."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cameras import choices
from cameras.models.registry import Camera


class ImmutableError(Exception):
    """A stored snapshot was asked to change."""


class SnapshotQuerySet(models.QuerySet["Snapshot"]):
    def visible_to(self, user: Any) -> SnapshotQuerySet:
        return self.filter(camera__in=Camera.objects.visible_to(user))


class Snapshot(models.Model):
    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="snapshots")
    captured_at = models.DateTimeField(_("captured at"), db_index=True)
    reason = models.CharField(_("reason"), max_length=20, choices=choices.SnapshotReason.choices)
    image = models.FileField(_("image"), upload_to="snapshots/%Y/%m/%d/", max_length=255)
    thumbnail = models.FileField(_("thumbnail"), upload_to="thumbnails/%Y/%m/%d/", max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    camera_status = models.CharField(_("camera status"), max_length=20, choices=choices.CameraStatus.choices)
    # The masks burned into the image, as they were when it was stored.
    masks_applied = models.JSONField(default=list, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    # What asked for it when not the poller: e.g. "incident:42" (incidents sit above cameras).
    requested_for = models.CharField(_("requested for"), max_length=64, blank=True)
    retain_until = models.DateTimeField(_("kept until"), db_index=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["-captured_at"]
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        indexes = [models.Index(fields=["camera", "-captured_at"], name="snapshot_camera_time")]

    def __str__(self) -> str:
        return f"{self.camera_id} @ {self.captured_at:%Y-%m-%d %H:%M:%S}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise ImmutableError("A stored snapshot is never modified.")
        super().save(*args, **kwargs)
