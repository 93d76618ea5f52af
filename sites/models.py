"""Who protects what, when: units, partner agencies, membership, operations, protected sites."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sites import choices

if TYPE_CHECKING:
    from django.contrib.auth.models import User


QS = TypeVar("QS", bound=models.QuerySet[Any])


class UnitQuerySet(models.QuerySet["Unit"]):
    def visible_to(self, user: User | AnonymousUser) -> UnitQuerySet:
        scope = Scope.of(user)
        if scope.everything:
            return self
        if scope.unit_path:
            return self.filter(path__startswith=scope.unit_path)
        return self.none()


class Unit(models.Model):
    """A police unit: Polda > Polres/Polresta/Polres Kota > Polsek, each with its posko."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=choices.UnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    # "/<root id>/<child id>/.../<own id>/": the unit's place in the tree, so that
    # "this unit and every unit below it" is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    posko_name = models.CharField(_("command post"), max_length=120, blank=True)
    posko_address = models.CharField(_("command post address"), max_length=255, blank=True)
    time_zone = models.CharField(
        _("time zone"), max_length=32, choices=choices.SiteTimeZone.choices, default=choices.SiteTimeZone.WIB
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def ancestor_ids(self) -> list[int]:
        """Ids from the root down to this unit, itself included."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


class AgencyQuerySet(models.QuerySet["Agency"]):
    def visible_to(self, user: User | AnonymousUser) -> AgencyQuerySet:
        # Partner agencies are public bodies: every signed-in user may see the register.
        return self if user.is_authenticated else self.none()


class Agency(models.Model):
    """A partner agency: KPU at each level, Bawaslu, Diskominfo, Pemda."""

    name = models.CharField(_("name"), max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=choices.AgencyKind.choices)
    level = models.CharField(_("level"), max_length=20, choices=choices.AgencyLevel.choices)
    region = models.CharField(_("region"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner agency")
        verbose_name_plural = _("partner agencies")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Where a user belongs: one police unit or one partner agency. The role is a Django group."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(_("role"), max_length=20, choices=choices.Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(unit__isnull=False) & Q(agency__isnull=False)),
                name="membership_unit_or_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.unit or self.agency or '-'}"


class Scope:
    """What a user may see, worked out once per request: the one place the scoping rule lives."""

    def __init__(self, *, everything: bool, unit_path: str | None, agency_id: int | None, role: str | None):
        self.everything = everything
        self.unit_path = unit_path
        self.agency_id = agency_id
        self.role = role

    @classmethod
    def of(cls, user: Any) -> Scope:
        if not getattr(user, "is_authenticated", False):
            return cls(everything=False, unit_path=None, agency_id=None, role=None)
        cached = getattr(user, "_opsroom_scope", None)
        if cached is not None:
            return cached
        membership = Membership.objects.select_related("unit").filter(user=user).first()
        role = membership.role if membership else None
        everything = bool(user.is_superuser) or role == choices.Role.ADMINISTRATOR
        scope = cls(
            everything=everything,
            unit_path=membership.unit.path if membership and membership.unit else None,
            agency_id=membership.agency_id if membership else None,
            role=role,
        )
        user._opsroom_scope = scope
        return scope

    def rows(self, rows: QS, unit_field: str, agency_field: str | None = None) -> QS:
        """The scoping rule on any table: rows whose ``unit_field`` (a path to a Unit) lies in the
        user's unit subtree, or, for an agency's user, whose ``agency_field`` is their agency (no
        rows if the table has none); every row for an administrator."""
        if self.everything:
            return rows
        if self.unit_path:
            return rows.filter(**{f"{unit_field}__path__startswith": self.unit_path})
        if self.agency_id and agency_field:
            return rows.filter(**{f"{agency_field}_id": self.agency_id})
        return rows.none()

    def sees_unit_path(self, path: str) -> bool:
        return self.everything or bool(self.unit_path and path.startswith(self.unit_path))

    @property
    def can_edit(self) -> bool:
        return self.everything or self.role in choices.EDITOR_ROLES


class OperationQuerySet(models.QuerySet["Operation"]):
    def visible_to(self, user: User | AnonymousUser) -> OperationQuerySet:
        scope = Scope.of(user)
        if scope.everything:
            return self
        if scope.unit_path:
            # A unit works inside the operations of the units above it and runs its own below.
            ancestors = [int(p) for p in scope.unit_path.strip("/").split("/")]
            return self.filter(
                Q(unit__isnull=True) | Q(unit_id__in=ancestors) | Q(unit__path__startswith=scope.unit_path)
            )
        if scope.agency_id:
            return self
        return self.none()


class Operation(models.Model):
    """A named police operation covering an election, e.g. Operasi Mantap Brata 2023-2024."""

    name = models.CharField(_("name"), max_length=160, unique=True)
    election = models.CharField(_("election"), max_length=20, choices=choices.ElectionKind.choices)
    # Empty for a national operation run by Mabes Polri, which every unit works in.
    unit = models.ForeignKey(Unit, verbose_name=_("running unit"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="operations")
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    description = models.TextField(_("description"), blank=True)

    objects = OperationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("operation")
        verbose_name_plural = _("operations")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="operation_dates_ordered")
        ]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """A stage (tahapan) of an operation with its dates and the security level it calls for."""

    operation = models.ForeignKey(Operation, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=20, choices=choices.PhaseKind.choices)
    name = models.CharField(_("name"), max_length=120, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    security_level = models.PositiveSmallIntegerField(
        _("security level"), choices=choices.SecurityLevel.choices, default=choices.SecurityLevel.NORMAL
    )

    class Meta:
        ordering = ["operation", "starts_on"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="phase_dates_ordered")
        ]

    def __str__(self) -> str:
        return self.name or self.get_kind_display()


class ProtectedSiteQuerySet(models.QuerySet["ProtectedSite"]):
    def visible_to(self, user: User | AnonymousUser) -> ProtectedSiteQuerySet:
        # An election body sees the sites it owns: its offices and warehouses.
        return Scope.of(user).rows(self, "unit", "agency")


class ProtectedSite(models.Model):
    """An objek vital: a place police guard during the operation."""

    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=30, choices=choices.SiteKind.choices)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    # Optional GeoJSON Polygon (lon, lat); validated by sites.geometry before it is stored.
    perimeter = models.JSONField(_("perimeter"), null=True, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("responsible unit"), on_delete=models.PROTECT,
                             related_name="sites")
    agency = models.ForeignKey(Agency, verbose_name=_("owning agency"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="sites")
    time_zone = models.CharField(_("time zone"), max_length=32, choices=choices.SiteTimeZone.choices)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=choices.Priority.choices, default=choices.Priority.MEDIUM
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProtectedSiteQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "name"]
        verbose_name = _("protected site")
        verbose_name_plural = _("protected sites")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="site_name_unique_per_unit")]

    def __str__(self) -> str:
        return self.name


class SiteContact(models.Model):
    site = models.ForeignKey(ProtectedSite, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=120)
    position = models.CharField(_("position"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("site contact")
        verbose_name_plural = _("site contacts")

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """A dated check of a site against the standard security checklist."""

    site = models.ForeignKey(ProtectedSite, on_delete=models.CASCADE, related_name="inspections")
    inspected_at = models.DateTimeField(_("inspected at"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-inspected_at"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")

    def __str__(self) -> str:
        return f"{self.site} @ {self.inspected_at:%Y-%m-%d}"


class InspectionResult(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.CharField(_("item"), max_length=30, choices=choices.ChecklistItem.choices)
    result = models.CharField(_("result"), max_length=20, choices=choices.ChecklistResult.choices)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["inspection", "item"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="one_result_per_item")]

    def __str__(self) -> str:
        return f"{self.item}: {self.result}"
