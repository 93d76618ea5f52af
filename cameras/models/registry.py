"""The camera registry and each camera's status history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cameras import choices
from sites.models import Agency, ProtectedSite, Scope, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

MIN_POLL_INTERVAL_S = 10
MAX_POLL_INTERVAL_S = 3600

# A polling network's name: a worker inside that network consumes the queue "cameras.<name>"
# (cameras.reach.queue_for), so the name must also be a plain queue name.
validate_poll_queue = RegexValidator(
    r"\A[a-z0-9-]{1,40}\Z",
    _("Use 1 to 40 lowercase letters, digits and hyphens, e.g. blitar-lan."),
)


def _ancestor_ids(unit_path: str) -> list[int]:
    return [int(part) for part in unit_path.strip("/").split("/") if part]


class CameraQuerySet(models.QuerySet["Camera"]):
    """The camera scoping rule, written once.

    ``listed_for``: the registry rows a user may know of (name, site, owner, status), so that a
    unit can see what covers its sites and file a request for an agency's cameras.
    ``visible_to``: the cameras whose frames, snapshots and page a user may open. Police see
    their own units' cameras, and an agency's only through an active grant to their unit or a
    unit above it; a private-area camera of an agency never. A liaison sees their agency's.
    """

    def listed_for(self, user: User | AnonymousUser) -> CameraQuerySet:
        return Scope.of(user).rows(self, "unit", "agency")

    def visible_to(self, user: User | AnonymousUser) -> CameraQuerySet:
        scope = Scope.of(user)
        if scope.everything:
            return self
        if scope.unit_path:
            from cameras.models.access import AccessGrant

            granted = AccessGrant.objects.active().filter(
                unit_id__in=_ancestor_ids(scope.unit_path), cameras=OuterRef("pk")
            )
            return self.filter(
                Q(agency__isnull=True, unit__path__startswith=scope.unit_path)
                | Q(agency__isnull=False, private_area=False) & Exists(granted)
            )
        if scope.agency_id:
            return self.filter(agency_id=scope.agency_id)
        return self.none()


class Camera(models.Model):
    """A camera at (or near) a protected site, owned by the police unit or a partner agency."""

    name = models.CharField(_("name"), max_length=160)
    unit = models.ForeignKey(Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT,
                             related_name="cameras")
    # Empty for a city camera that watches a street rather than one site.
    site = models.ForeignKey(ProtectedSite, verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="cameras")
    # Empty when the police unit owns the camera; otherwise police need a grant to look.
    agency = models.ForeignKey(Agency, verbose_name=_("owning agency"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="cameras")
    source_kind = models.CharField(_("source"), max_length=20, choices=choices.SourceKind.choices)
    # Never holds credentials: those live encrypted in ``credentials`` (cameras.secrets).
    url = models.CharField(_("URL"), max_length=500)
    credentials = models.TextField(editable=False, blank=True, default="")
    poll_interval_s = models.PositiveIntegerField(
        _("poll interval (seconds)"), default=60,
        validators=[MinValueValidator(MIN_POLL_INTERVAL_S), MaxValueValidator(MAX_POLL_INTERVAL_S)],
    )
    covers = models.CharField(_("what it covers"), max_length=255, blank=True)
    private_area = models.BooleanField(
        _("looks into a private area"), default=False,
        help_text=_("A camera that looks into a private area can never be granted to the police."),
    )
    enabled = models.BooleanField(_("polled"), default=True)
    # Empty: the shared ``cameras`` queue, served by any polling worker.
    poll_queue = models.CharField(
        _("polling network"), max_length=40, blank=True, validators=[validate_poll_queue],
        help_text=_("Leave empty unless the camera is reachable only from a particular network; a worker there "
                    "serves the queue “cameras.” followed by this name, e.g. cameras.blitar-lan."),
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    # Privacy masks: polygons as [[x, y], ...] in fractions of the frame's width and height
    # (0..1), so they fit any resolution; validated by cameras.masks before they are stored.
    masks = models.JSONField(_("privacy masks"), default=list, blank=True)

    status = models.CharField(_("status"), max_length=20, choices=choices.CameraStatus.choices,
                              default=choices.CameraStatus.UNKNOWN, db_index=True)
    status_since = models.DateTimeField(_("status since"), null=True, blank=True)
    # cameras.analysis.health.CameraHealth.to_dict(): learned normal, last signature, hysteresis.
    health = models.JSONField(default=dict, blank=True, editable=False)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last frame received"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=255, blank=True)
    last_latency_ms = models.PositiveIntegerField(null=True, blank=True)
    # Polling: beat hands out cameras whose next_poll_at has passed; a worker holds its batch
    # until lease_until, so two workers never check the same camera in one cycle.
    next_poll_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    next_snapshot_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CameraQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "site", "name"]
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="camera_name_unique_per_unit")]
        # The claim (cameras.polling.cycle) reads one polling network's due cameras, most overdue first:
        # this index hands them over in that order and stops at the batch size. Partial because a
        # bare boolean column is no index equality to SQLite; next_poll_at alone led SQLite's planner
        # to walk every camera in that order for a network with little due.
        indexes = [models.Index(fields=["poll_queue", "next_poll_at"], condition=Q(enabled=True), name="camera_due")]

    def __str__(self) -> str:
        return self.name

    @property
    def has_credentials(self) -> bool:
        return bool(self.credentials)

    @property
    def owner_label(self) -> str:
        return self.agency.name if self.agency is not None else self.unit.name

    def needs_grant(self) -> bool:
        return self.agency_id is not None

    def may_be_granted(self) -> bool:
        return self.agency_id is not None and not self.private_area


class CameraStatusSpan(models.Model):
    """One stretch of time in one status: the compact history (a row per change, not per poll)."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="spans")
    status = models.CharField(_("status"), max_length=20, choices=choices.CameraStatus.choices)
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["camera", "started_at"]
        verbose_name = _("camera status period")
        verbose_name_plural = _("camera status periods")
        indexes = [models.Index(fields=["camera", "started_at"], name="span_camera_time")]
        constraints = [
            models.UniqueConstraint(fields=["camera"], condition=Q(ended_at__isnull=True), name="one_open_span")
        ]

    def __str__(self) -> str:
        return f"{self.camera_id}: {self.status} from {self.started_at:%Y-%m-%d %H:%M}"
