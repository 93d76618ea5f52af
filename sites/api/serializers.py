"""API shapes of units, agencies, operations, phases, sites and inspections."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sites import choices
from sites.models import (
    Agency,
    Inspection,
    InspectionResult,
    Operation,
    Phase,
    ProtectedSite,
    SiteContact,
    Unit,
)


@extend_schema_field(OpenApiTypes.INT)
class VisibleUnitField(serializers.PrimaryKeyRelatedField):
    """A unit id the requesting user can see; any other id reads as "does not exist"."""

    def get_queryset(self) -> Any:
        return Unit.objects.visible_to(self.context["request"].user)


class UnitSerializer(serializers.ModelSerializer[Unit]):
    # DRF's metaclass takes declared fields off the class, so "parent" does not shadow Field.parent.
    parent = VisibleUnitField(allow_null=True, required=False)  # type: ignore[assignment]

    class Meta:
        model = Unit
        fields = ["id", "name", "kind", "parent", "path", "posko_name", "posko_address", "time_zone"]
        read_only_fields = ["path"]


class AgencySerializer(serializers.ModelSerializer[Agency]):
    class Meta:
        model = Agency
        fields = ["id", "name", "kind", "level", "region", "address", "phone"]


class PhaseSerializer(serializers.ModelSerializer[Phase]):
    operation = serializers.PrimaryKeyRelatedField(queryset=Operation.objects.all())

    class Meta:
        model = Phase
        fields = ["id", "operation", "kind", "name", "starts_on", "ends_on", "security_level"]

    def validate_operation(self, value: Operation) -> Operation:
        if not Operation.objects.visible_to(self.context["request"].user).filter(pk=value.pk).exists():
            raise serializers.ValidationError(f'Invalid pk "{value.pk}" - object does not exist.')
        return value


class OperationSerializer(serializers.ModelSerializer[Operation]):
    unit = VisibleUnitField(allow_null=True, required=False)
    phases = PhaseSerializer(many=True, read_only=True)

    class Meta:
        model = Operation
        fields = ["id", "name", "election", "unit", "starts_on", "ends_on", "description", "phases"]


class SiteContactSerializer(serializers.ModelSerializer[SiteContact]):
    class Meta:
        model = SiteContact
        fields = ["name", "position", "phone"]


class ProtectedSiteSerializer(serializers.ModelSerializer[ProtectedSite]):
    unit = VisibleUnitField()
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), allow_null=True, required=False)
    contacts = SiteContactSerializer(many=True, required=False)
    latitude = serializers.DecimalField(max_digits=12, decimal_places=8, coerce_to_string=False)
    longitude = serializers.DecimalField(max_digits=12, decimal_places=8, coerce_to_string=False)
    perimeter = serializers.JSONField(required=False, allow_null=True)
    time_zone = serializers.CharField(
        max_length=32, required=False, help_text="Asia/Jakarta, Asia/Makassar or Asia/Jayapura (or WIB, WITA, WIT)"
    )
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    agency_name = serializers.CharField(source="agency.name", read_only=True, default=None)

    class Meta:
        model = ProtectedSite
        fields = [
            "id", "name", "kind", "address", "latitude", "longitude", "perimeter", "unit", "unit_name",
            "agency", "agency_name", "time_zone", "priority", "notes", "contacts", "updated_at",
        ]
        # Uniqueness is checked by the action so the message can name the unit.
        validators: list[Any] = []


class InspectionResultSerializer(serializers.ModelSerializer[InspectionResult]):
    class Meta:
        model = InspectionResult
        fields = ["item", "result", "note"]


class InspectionSerializer(serializers.ModelSerializer[Inspection]):
    results = InspectionResultSerializer(many=True)
    inspector: serializers.StringRelatedField[Any] = serializers.StringRelatedField()

    class Meta:
        model = Inspection
        fields = ["id", "site", "inspected_at", "inspector", "notes", "results"]
        read_only_fields = ["site", "inspector"]

    def validate_results(self, value: list[dict[str, str]]) -> list[dict[str, str]]:
        items = [row["item"] for row in value]
        if len(items) != len(set(items)):
            raise serializers.ValidationError("Each checklist item may appear once.")
        missing = set(choices.ChecklistItem.values) - set(items)
        if missing:
            raise serializers.ValidationError(f"Missing results for: {', '.join(sorted(missing))}.")
        return value


class SiteImportSerializer(serializers.Serializer[Any]):
    # An empty file is answered by the importer, in the same shape as every other bad file.
    file = serializers.FileField(allow_empty_file=True, help_text="CSV or XLSX with one site per row")
    dry_run = serializers.BooleanField(default=False, help_text="Check every row and store nothing")
