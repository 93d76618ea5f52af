"""Access grants (a unit's written request, approved and revocable by the owning agency) and the access log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cameras import choices
from cameras.models.evidence import Snapshot
from cameras.models.registry import Camera
from sites.models import Agency, Scope, Unit

if TYPE_CHECKING:
    import datetime as dt


class AccessGrantQuerySet(models.QuerySet["AccessGrant"]):
    def active(self, at: dt.datetime | None = None) -> AccessGrantQuerySet:
        at = at or timezone.now()
        return self.filter(status=choices.GrantStatus.APPROVED, valid_from__lte=at, valid_until__gt=at)

    def visible_to(self, user: Any) -> AccessGrantQuerySet:
        """The requesting unit's people (and the units above it) and the owning agency see a grant."""
        return Scope.of(user).rows(self, "unit", "agency")


class AccessGrant(models.Model):
    agency = models.ForeignKey(Agency, verbose_name=_("owning agency"), on_delete=models.PROTECT,
                               related_name="grants")
    unit = models.ForeignKey(Unit, verbose_name=_("requesting unit"), on_delete=models.PROTECT,
                             related_name="grants")
    letter_number = models.CharField(_("letter number"), max_length=100)
    letter_date = models.DateField(_("letter date"))
    purpose = models.TextField(_("purpose"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    requested_cameras = models.ManyToManyField(Camera, verbose_name=_("cameras requested"),
                                               related_name="requested_in")
    # What the liaison approved: the requested cameras or fewer.
    cameras = models.ManyToManyField(Camera, verbose_name=_("cameras granted"), blank=True, related_name="grants")
    status = models.CharField(_("status"), max_length=20, choices=choices.GrantStatus.choices,
                              default=choices.GrantStatus.REQUESTED, db_index=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoke_reason = models.TextField(_("reason for revoking"), blank=True)

    objects = AccessGrantQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")), name="grant_window_ordered"),
            models.UniqueConstraint(fields=["agency", "unit", "letter_number"], name="one_grant_per_letter"),
        ]

    def __str__(self) -> str:
        return f"{self.letter_number} ({self.unit} → {self.agency})"

    def is_active(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.status == choices.GrantStatus.APPROVED and self.valid_from <= at < self.valid_until


class AccessLogEntryQuerySet(models.QuerySet["AccessLogEntry"]):
    def visible_to(self, user: Any) -> AccessLogEntryQuerySet:
        """An agency reads the log of its own cameras; a unit reads what its own people did."""
        return Scope.of(user).rows(self, "unit", "agency")


class AccessLogEntry(models.Model):
    """Who looked at what, when, under which grant; denied attempts too. Written, never edited."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Kept as text too, so the log still names the person after their account is gone.
    username = models.CharField(_("user"), max_length=150)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The camera's owner at the time: the agency reads its log by this.
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    camera = models.ForeignKey(Camera, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    camera_name = models.CharField(_("camera"), max_length=160, blank=True)
    snapshot = models.ForeignKey(Snapshot, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    grant = models.ForeignKey(AccessGrant, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=choices.AccessAction.choices)
    allowed = models.BooleanField(_("allowed"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AccessLogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        indexes = [
            models.Index(fields=["agency", "-at"], name="accesslog_agency_time"),
            models.Index(fields=["camera", "-at"], name="accesslog_camera_time"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.camera_name}"
