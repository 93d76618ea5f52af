"""Roster plans and their assignments (one row per position per shift), check-ins and no-shows.

Each plan owns its own assignment rows, so a running, failed or cancelled solve never touches a
published roster: publishing a plan marks its rows published and retires the rows of the plan
it replaces. ``slot_key`` names the same position of the same shift across plans, which is how a
re-plan finds the published and locked assignments it must keep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patrols import choices
from patrols.models.personnel import Personnel
from patrols.models.requirements import GuardRequirement
from sites.models import Operation, ProtectedSite, Scope, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class RosterPlanQuerySet(models.QuerySet["RosterPlan"]):
    def visible_to(self, user: User | AnonymousUser) -> RosterPlanQuerySet:
        return Scope.of(user).rows(self, "unit")


class RosterPlan(models.Model):
    """A request to roster a unit's sites for a date range, its progress and its result."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="roster_plans")
    operation = models.ForeignKey(Operation, verbose_name=_("operation"), on_delete=models.PROTECT,
                                  related_name="roster_plans")
    # Local dates (each site's own zone): shifts starting on these days are planned.
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=20, choices=choices.PlanStatus.choices,
                              default=choices.PlanStatus.QUEUED)
    progress = models.FloatField(_("progress"), default=0.0)
    message = models.CharField(_("message"), max_length=255, blank=True)
    # The task reads this between steps of the solve and stops with what it has.
    cancel_requested = models.BooleanField(default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    task_id = models.CharField(max_length=64, blank=True)
    # The published plan this one re-plans: its assignments are kept unless they must change.
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="replanned_by")
    min_rest_h = models.FloatField(_("minimum rest between shifts (hours)"), default=8.0)
    max_hours_7d = models.FloatField(_("maximum hours in any 7 days"), default=56.0)
    max_consecutive_nights = models.PositiveSmallIntegerField(_("maximum night shifts in a row"), default=3)
    stats = models.JSONField(default=dict, blank=True)
    # What a re-plan changed against the plan it replaces: [{slot_key, site, starts_at, from, to}].
    changes = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Set when a newer plan was published over this one's range.
    superseded_at = models.DateTimeField(null=True, blank=True)

    objects = RosterPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("roster plan")
        verbose_name_plural = _("roster plans")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="plan_dates_ordered")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.starts_on} - {self.ends_on} ({self.get_status_display()})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None and self.superseded_at is None


class AssignmentQuerySet(models.QuerySet["Assignment"]):
    def visible_to(self, user: User | AnonymousUser) -> AssignmentQuerySet:
        return Scope.of(user).rows(self, "plan__unit")

    def gaps(self) -> AssignmentQuerySet:
        return self.filter(person__isnull=True)


class Assignment(models.Model):
    """One position of one shift at one site: the person on it, or a gap with the reason."""

    plan = models.ForeignKey(RosterPlan, on_delete=models.CASCADE, related_name="assignments")
    site = models.ForeignKey(ProtectedSite, verbose_name=_("site"), on_delete=models.CASCADE,
                             related_name="assignments")
    requirement = models.ForeignKey(GuardRequirement, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # "<requirement>:<qualification>:<seat>:<UTC start>": the same hole across plans.
    slot_key = models.CharField(max_length=80)
    qualification = models.CharField(_("qualification"), max_length=20, blank=True,
                                     choices=choices.Qualification.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    night = models.BooleanField(_("night shift"), default=False)
    importance = models.PositiveSmallIntegerField(_("importance"), default=1)
    person = models.ForeignKey(Personnel, verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="assignments")
    gap_reason = models.CharField(_("why uncovered"), max_length=255, blank=True)
    locked = models.BooleanField(_("locked"), default=False)
    published = models.BooleanField(_("published"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "site", "slot_key"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["plan", "slot_key"], name="assignment_slot_once_per_plan"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="assignment_ordered"),
        ]
        indexes = [
            models.Index(fields=["plan", "starts_at"]),
            models.Index(fields=["person", "published", "starts_at"]),
            models.Index(fields=["published", "starts_at"]),
        ]

    def __str__(self) -> str:
        who = self.person.name if self.person else _("gap")
        return f"{self.site} {self.starts_at:%Y-%m-%d %H:%M} · {who}"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class CheckInQuerySet(models.QuerySet["CheckIn"]):
    def visible_to(self, user: User | AnonymousUser) -> CheckInQuerySet:
        return Scope.of(user).rows(self, "assignment__site__unit")


class CheckIn(models.Model):
    """An officer's check-in at the start of a shift, from the phone, with the phone's location."""

    person = models.ForeignKey(Personnel, on_delete=models.CASCADE, related_name="check_ins")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="check_ins")
    # Client-made, so a check-in sent twice from a flaky connection is stored once.
    idempotency_key = models.CharField(max_length=64, unique=True)
    checked_at = models.DateTimeField(_("checked in at"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    accuracy_m = models.FloatField(_("accuracy (m)"), null=True, blank=True)
    distance_m = models.FloatField(_("distance to the site (m)"))
    accepted = models.BooleanField(_("accepted"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [models.Index(fields=["assignment", "accepted"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.checked_at:%Y-%m-%d %H:%M}"


class NoShowQuerySet(models.QuerySet["NoShow"]):
    def visible_to(self, user: User | AnonymousUser) -> NoShowQuerySet:
        return Scope.of(user).rows(self, "assignment__site__unit")

    def open(self) -> NoShowQuerySet:
        return self.filter(resolved_at__isnull=True)


class NoShow(models.Model):
    """Nobody checked in for a published shift within the grace period: an alert for the map."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="no_show")
    person = models.ForeignKey(Personnel, null=True, on_delete=models.SET_NULL, related_name="no_shows")
    detected_at = models.DateTimeField(_("detected at"))
    # A late check-in closes the alert.
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = NoShowQuerySet.as_manager()

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("no-show")
        verbose_name_plural = _("no-shows")

    def __str__(self) -> str:
        return f"{self.assignment}"
