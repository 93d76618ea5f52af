"""API shapes of personnel, unavailability, reinforcements, requirements, plans, assignments and check-ins."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from patrols import choices
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
from sites.api import serializers as site_serializers
from sites.models import Operation, Phase, ProtectedSite


@extend_schema_field(OpenApiTypes.INT)
class VisibleUnitField(site_serializers.VisibleUnitField):
    """A unit id the requesting user can see (typed for the schema)."""


@extend_schema_field(OpenApiTypes.INT)
class _Visible(serializers.PrimaryKeyRelatedField):
    """An id of a row the requesting user may see; any other id reads as "does not exist"."""

    model: Any = None

    def get_queryset(self) -> Any:
        return self.model.objects.visible_to(self.context["request"].user)


class VisibleSiteField(_Visible):
    model = ProtectedSite


class VisiblePersonField(_Visible):
    model = Personnel


class VisibleOperationField(_Visible):
    model = Operation


@extend_schema_field(OpenApiTypes.INT)
class VisiblePhaseField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self) -> Any:
        return Phase.objects.filter(operation__in=Operation.objects.visible_to(self.context["request"].user))


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": choices.Qualification.values}})
class QualificationListField(serializers.ListField):
    """Qualification codes; the enum is inlined so the schema names the choice set once (QualificationEnum)."""

    child = serializers.ChoiceField(choices.Qualification.choices)


class PersonnelSerializer(serializers.ModelSerializer[Personnel]):
    unit = VisibleUnitField()
    qualifications = QualificationListField(required=False)
    preferred_sites = VisibleSiteField(many=True, required=False)

    class Meta:
        model = Personnel
        fields = ["id", "nrp", "name", "rank", "unit", "qualifications", "phone", "home_latitude", "home_longitude",
                  "user", "preferred_sites", "active"]
        # The NRP's uniqueness is checked by the action, with a message naming the holder.
        extra_kwargs = {"nrp": {"validators": []}, "user": {"read_only": True}}


class AvailabilitySerializer(serializers.ModelSerializer[Availability]):
    person = VisiblePersonField()

    class Meta:
        model = Availability
        fields = ["id", "person", "kind", "starts_at", "ends_at", "note"]


class ReinforcementSerializer(serializers.ModelSerializer[Reinforcement]):
    unit = VisibleUnitField()
    reinforcing_unit = VisibleUnitField()

    class Meta:
        model = Reinforcement
        fields = ["id", "unit", "reinforcing_unit"]
        validators: list[Any] = []


class PositionSerializer(serializers.ModelSerializer[RequirementPosition]):
    class Meta:
        model = RequirementPosition
        fields = ["qualification", "headcount"]


class RequirementSerializer(serializers.ModelSerializer[GuardRequirement]):
    site = VisibleSiteField()
    phase = VisiblePhaseField()
    positions = PositionSerializer(many=True)
    shift_hours = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = GuardRequirement
        fields = ["id", "site", "phase", "coverage", "pattern", "custom_shift_hours", "start_hour", "window_hours",
                  "shift_hours", "positions", "notes"]


class PlanRequestSerializer(serializers.Serializer[Any]):
    unit = VisibleUnitField()
    operation = VisibleOperationField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    min_rest_h = serializers.FloatField(required=False, default=8.0)
    max_hours_7d = serializers.FloatField(required=False, default=56.0)
    max_consecutive_nights = serializers.IntegerField(required=False, default=3)


class PlanSerializer(serializers.ModelSerializer[RosterPlan]):
    is_published = serializers.BooleanField(read_only=True)
    status = serializers.CharField(read_only=True, help_text="queued, running, succeeded, failed or cancelled")

    class Meta:
        model = RosterPlan
        fields = ["id", "unit", "operation", "starts_on", "ends_on", "status", "progress", "message",
                  "cancel_requested", "replaces", "min_rest_h", "max_hours_7d", "max_consecutive_nights", "stats",
                  "error", "created_at", "started_at", "finished_at", "published_at", "superseded_at",
                  "is_published"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    site_name = serializers.CharField(source="site.name", read_only=True)
    time_zone = serializers.CharField(source="site.time_zone", read_only=True)
    person_name = serializers.CharField(source="person.name", read_only=True, default="")

    class Meta:
        model = Assignment
        fields = ["id", "plan", "site", "site_name", "time_zone", "slot_key", "qualification", "starts_at",
                  "ends_at", "night", "importance", "person", "person_name", "gap_reason", "locked", "published"]
        read_only_fields = fields


class AssignmentEditSerializer(serializers.Serializer[Any]):
    person = serializers.IntegerField(allow_null=True, help_text="Person id, or null to leave the slot uncovered")
    lock = serializers.BooleanField(default=True)


class LockSerializer(serializers.Serializer[Any]):
    locked = serializers.BooleanField()


class CheckResultSerializer(serializers.Serializer[Any]):
    ok = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


class CheckInRequestSerializer(serializers.Serializer[Any]):
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    accuracy_m = serializers.FloatField(required=False, allow_null=True)
    idempotency_key = serializers.CharField(max_length=64)


class CheckInSerializer(serializers.ModelSerializer[CheckIn]):
    class Meta:
        model = CheckIn
        fields = ["id", "person", "assignment", "idempotency_key", "checked_at", "latitude", "longitude",
                  "accuracy_m", "distance_m", "accepted", "reason"]
        read_only_fields = fields


class NoShowSerializer(serializers.ModelSerializer[NoShow]):
    site = serializers.IntegerField(source="assignment.site_id", read_only=True)
    starts_at = serializers.DateTimeField(source="assignment.starts_at", read_only=True)

    class Meta:
        model = NoShow
        fields = ["id", "assignment", "site", "person", "starts_at", "detected_at", "resolved_at"]
        read_only_fields = fields


class PersonnelImportSerializer(serializers.Serializer[Any]):
    file = serializers.FileField()
    dry_run = serializers.BooleanField(default=False)
