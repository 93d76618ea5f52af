"""Guard requirements: how many people with which qualification a site needs, per phase and shift.

Requirements are explicit per phase: the campaign, voting day and recapitulation each get their
own row with their own headcounts, so "voting day needs more" is written down where it is decided
(``patrols.demo`` and ``scaled_headcount`` show the usual rise with the phase's security level).
Slots cut from them carry an importance from the site's priority and the phase's security level,
which decides what is filled first when people run short.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from patrols import choices
from sites.models import Phase, ProtectedSite, Scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User


class GuardRequirementQuerySet(models.QuerySet["GuardRequirement"]):
    def visible_to(self, user: User | AnonymousUser) -> GuardRequirementQuerySet:
        return Scope.of(user).rows(self, "site__unit")


class GuardRequirement(models.Model):
    """Guarding (penjagaan) of one site during one phase: the hours, the shift pattern, the positions."""

    site = models.ForeignKey(ProtectedSite, verbose_name=_("site"), on_delete=models.CASCADE,
                             related_name="guard_requirements")
    phase = models.ForeignKey(Phase, verbose_name=_("phase"), on_delete=models.CASCADE,
                              related_name="guard_requirements")
    coverage = models.CharField(_("coverage"), max_length=20, choices=choices.Coverage.choices,
                                default=choices.Coverage.AROUND_THE_CLOCK)
    pattern = models.CharField(_("shift pattern"), max_length=10, choices=choices.ShiftPattern.choices,
                               default=choices.ShiftPattern.THREE_EIGHTS)
    # Shift lengths in hours for a custom pattern, e.g. [6, 6, 12]; they must tile the hours covered.
    custom_shift_hours = models.JSONField(_("custom shift lengths (hours)"), default=list, blank=True)
    # Local hour (in the site's zone) the first shift of the day starts.
    start_hour = models.PositiveSmallIntegerField(
        _("first shift starts at (local hour)"), default=7, validators=[MaxValueValidator(23)]
    )
    # Hours covered each day from start_hour, for a window (e.g. 08:00 for 10 hours); 24 around the clock.
    window_hours = models.PositiveSmallIntegerField(
        _("hours covered per day"), default=24, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    notes = models.CharField(_("notes"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = GuardRequirementQuerySet.as_manager()

    class Meta:
        ordering = ["site", "phase__starts_on", "start_hour"]
        verbose_name = _("guard requirement")
        verbose_name_plural = _("guard requirements")

    def __str__(self) -> str:
        return f"{self.site} · {self.phase} · {self.get_pattern_display()}"

    @property
    def shift_hours(self) -> tuple[int, ...]:
        if self.pattern == choices.ShiftPattern.CUSTOM:
            return tuple(int(hours) for hours in self.custom_shift_hours or ())
        return choices.PATTERN_HOURS.get(self.pattern, ())

    @property
    def hours_covered(self) -> int:
        return 24 if self.coverage == choices.Coverage.AROUND_THE_CLOCK else self.window_hours

    @property
    def headcount(self) -> int:
        return sum(position.headcount for position in self.positions.all())


class RequirementPosition(models.Model):
    """One position of a requirement: a qualification (or any officer) and how many at once."""

    requirement = models.ForeignKey(GuardRequirement, on_delete=models.CASCADE, related_name="positions")
    # Empty: any officer.
    qualification = models.CharField(_("qualification"), max_length=20, blank=True,
                                     choices=choices.Qualification.choices)
    headcount = models.PositiveSmallIntegerField(
        _("headcount"), default=1, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )

    class Meta:
        ordering = ["requirement", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(fields=["requirement", "qualification"], name="position_qualification_once")
        ]

    def __str__(self) -> str:
        return f"{self.headcount} x {self.get_qualification_display() or _('officer')}"


def scaled_headcount(base: int, security_level: int) -> int:
    """The usual rise: one more person per position for each security level above normal."""
    return base + max(0, security_level - 1)
