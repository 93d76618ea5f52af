"""Admin pages for the patrols app: scoped like every other view, and read-only.

Personnel, requirements and rosters change through the pages and the API (``patrols.actions``),
where the checks live; the admin is for looking things up across tables.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from patrols.models import (
    Assignment,
    Availability,
    CheckIn,
    GuardRequirement,
    NoShow,
    Personnel,
    Reinforcement,
    RequirementPosition,
    RosterPlan,
)
from sites.admin import ScopedAdmin


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Personnel)
class PersonnelAdmin(ReadOnlyScopedAdmin):
    list_display = ["nrp", "name", "rank", "unit", "active"]
    list_filter = ["rank", "active"]
    search_fields = ["nrp", "name"]


@admin.register(Availability)
class AvailabilityAdmin(ReadOnlyScopedAdmin):
    list_display = ["person", "kind", "starts_at", "ends_at"]
    list_filter = ["kind"]
    search_fields = ["person__name", "person__nrp"]


@admin.register(Reinforcement)
class ReinforcementAdmin(ReadOnlyScopedAdmin):
    list_display = ["unit", "reinforcing_unit"]


class PositionInline(admin.TabularInline):
    model = RequirementPosition
    extra = 0
    can_delete = False
    readonly_fields = ["qualification", "headcount"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(GuardRequirement)
class GuardRequirementAdmin(ReadOnlyScopedAdmin):
    list_display = ["site", "phase", "coverage", "pattern", "start_hour"]
    list_filter = ["coverage", "pattern"]
    inlines = [PositionInline]


@admin.register(RosterPlan)
class RosterPlanAdmin(ReadOnlyScopedAdmin):
    list_display = ["id", "unit", "starts_on", "ends_on", "status", "progress", "published_at", "superseded_at"]
    list_filter = ["status"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyScopedAdmin):
    list_display = ["site", "starts_at", "ends_at", "qualification", "person", "locked", "published"]
    list_filter = ["published", "locked", "night"]
    search_fields = ["person__name", "site__name"]


@admin.register(CheckIn)
class CheckInAdmin(ReadOnlyScopedAdmin):
    list_display = ["person", "assignment", "checked_at", "accepted", "distance_m", "reason"]
    list_filter = ["accepted"]


@admin.register(NoShow)
class NoShowAdmin(ReadOnlyScopedAdmin):
    list_display = ["assignment", "person", "detected_at", "resolved_at"]
