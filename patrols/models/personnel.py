"""Personnel of the units, when they cannot be rostered, and which units may reinforce which."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patrols import choices
from sites.models import ProtectedSite, Scope, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

# A Polri NRP is eight digits (the first four the birth year and month); older ones and PNS
# numbers run longer, so accept 8 to 18 digits.
nrp_validator = RegexValidator(r"^\d{8,18}$", _("An NRP is 8 to 18 digits."))


class PersonnelQuerySet(models.QuerySet["Personnel"]):
    def visible_to(self, user: User | AnonymousUser) -> PersonnelQuerySet:
        # No agency field: partner agencies see no personnel or rosters, those are the police's own.
        return Scope.of(user).rows(self, "unit")

    def active(self) -> PersonnelQuerySet:
        return self.filter(active=True)


class Personnel(models.Model):
    """An officer (personel) who can be rostered: one unit, a rank, qualifications."""

    nrp = models.CharField(_("NRP"), max_length=18, unique=True, validators=[nrp_validator])
    name = models.CharField(_("name"), max_length=120)
    rank = models.CharField(_("rank"), max_length=20, choices=choices.Rank.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="personnel")
    # Codes from choices.Qualification; a list rather than a table because it is read whole, always.
    qualifications = models.JSONField(_("qualifications"), default=list, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    home_latitude = models.DecimalField(
        _("home latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    home_longitude = models.DecimalField(
        _("home longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # The officer's own login, for "my shifts", the iCal feed and check-in.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="personnel",
    )
    preferred_sites = models.ManyToManyField(
        ProtectedSite, verbose_name=_("preferred sites"), blank=True, related_name="preferred_by"
    )
    active = models.BooleanField(_("active"), default=True)
    # Secret of the officer's iCal feed URL (made on first use, rotated by patrols.actions_pages); empty: none yet.
    calendar_token = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonnelQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("personnel")
        verbose_name_plural = _("personnel")
        constraints = [
            models.UniqueConstraint(fields=["calendar_token"], condition=~Q(calendar_token=""),
                                    name="personnel_calendar_token_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rank_display()} {self.name} ({self.nrp})"

    def qualification_labels(self) -> list[str]:
        labels = dict(choices.Qualification.choices)
        return [str(labels.get(code, code)) for code in self.qualifications]


class AvailabilityQuerySet(models.QuerySet["Availability"]):
    def visible_to(self, user: User | AnonymousUser) -> AvailabilityQuerySet:
        return Scope.of(user).rows(self, "person__unit")


class Availability(models.Model):
    """A time the person cannot be rostered: leave, sick, assigned elsewhere."""

    person = models.ForeignKey(Personnel, verbose_name=_("person"), on_delete=models.CASCADE,
                               related_name="unavailability")
    kind = models.CharField(_("kind"), max_length=20, choices=choices.AvailabilityKind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AvailabilityQuerySet.as_manager()

    class Meta:
        ordering = ["person", "starts_at"]
        verbose_name = _("unavailability")
        verbose_name_plural = _("unavailability")
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="availability_ordered")
        ]
        indexes = [models.Index(fields=["person", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()} · {self.starts_at:%Y-%m-%d} - {self.ends_at:%Y-%m-%d}"


class ReinforcementQuerySet(models.QuerySet["Reinforcement"]):
    def visible_to(self, user: User | AnonymousUser) -> ReinforcementQuerySet:
        return Scope.of(user).rows(self, "unit")


class Reinforcement(models.Model):
    """Personnel of ``reinforcing_unit`` may guard the sites of ``unit`` (bantuan kendali operasi)."""

    unit = models.ForeignKey(Unit, verbose_name=_("reinforced unit"), on_delete=models.CASCADE,
                             related_name="reinforced_by")
    reinforcing_unit = models.ForeignKey(Unit, verbose_name=_("reinforcing unit"), on_delete=models.CASCADE,
                                         related_name="reinforces")

    objects = ReinforcementQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "reinforcing_unit"]
        verbose_name = _("reinforcement")
        verbose_name_plural = _("reinforcements")
        constraints = [
            models.UniqueConstraint(fields=["unit", "reinforcing_unit"], name="reinforcement_unique"),
            models.CheckConstraint(condition=~Q(unit=models.F("reinforcing_unit")), name="reinforcement_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.reinforcing_unit} → {self.unit}"
