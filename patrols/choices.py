"""Enumerations of the patrols app shown to users, with translatable labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Qualification(models.TextChoices):
    CCTV_OPERATOR = "cctv_operator", _("CCTV operator")
    SHIFT_COMMANDER = "shift_commander", _("Shift commander")
    ARMED = "armed", _("Armed")
    POLWAN = "polwan", _("Polwan (policewoman)")
    DRIVER = "driver", _("Driver")
    FIRST_AID = "first_aid", _("First aid")


class Rank(models.TextChoices):
    """Polri ranks from the lowest bintara up to AKBP, the ranks that stand guard or lead a shift."""

    BRIPDA = "bripda", _("Bripda")
    BRIPTU = "briptu", _("Briptu")
    BRIGPOL = "brigpol", _("Brigpol")
    BRIPKA = "bripka", _("Bripka")
    AIPDA = "aipda", _("Aipda")
    AIPTU = "aiptu", _("Aiptu")
    IPDA = "ipda", _("Ipda")
    IPTU = "iptu", _("Iptu")
    AKP = "akp", _("AKP")
    KOMPOL = "kompol", _("Kompol")
    AKBP = "akbp", _("AKBP")


class AvailabilityKind(models.TextChoices):
    LEAVE = "leave", _("Leave")
    SICK = "sick", _("Sick")
    ASSIGNED_ELSEWHERE = "assigned_elsewhere", _("Assigned elsewhere")
    OTHER = "other", _("Other")


class Coverage(models.TextChoices):
    AROUND_THE_CLOCK = "around_the_clock", _("Around the clock (24 hours)")
    WINDOW = "window", _("A daily window")


class ShiftPattern(models.TextChoices):
    THREE_EIGHTS = "3x8", _("Three 8-hour shifts")
    TWO_TWELVES = "2x12", _("Two 12-hour shifts")
    CUSTOM = "custom", _("Custom shift lengths")


# The shift lengths (hours) of each fixed pattern; a custom pattern lists its own.
PATTERN_HOURS: dict[str, tuple[int, ...]] = {
    ShiftPattern.THREE_EIGHTS: (8, 8, 8),
    ShiftPattern.TWO_TWELVES: (12, 12),
}


class PlanStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


# A plan in one of these states still has a task working on it (or about to).
ACTIVE_PLAN_STATUSES = {PlanStatus.QUEUED, PlanStatus.RUNNING}
