"""API shapes of the camera registry. Credentials are write-only: no response ever carries them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cameras.actions.registry import MAX_PRIVATE_AREA_REASON, may_edit_camera
from cameras.models import Camera
from sites.api.serializers import VisibleUnitField
from sites.models import Agency, ProtectedSite


class VisibleSiteField(serializers.PrimaryKeyRelatedField):
    """A site id the requesting user can see; any other id reads as "does not exist"."""

    def get_queryset(self) -> Any:
        return ProtectedSite.objects.visible_to(self.context["request"].user).select_related("unit")


class CameraSerializer(serializers.ModelSerializer[Camera]):
    unit = VisibleUnitField()
    site = VisibleSiteField(allow_null=True, required=False)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), allow_null=True, required=False,
                                                help_text="Owning agency; null when the police unit owns it")
    url = serializers.CharField(max_length=500, help_text="Shown only to those who may edit the camera")
    username = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=150,
                                     help_text="Write-only; leave out to keep the stored credentials")
    password = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=200,
                                     trim_whitespace=False, style={"input_type": "password"},
                                     help_text="Write-only; stored encrypted and never returned")
    clear_credentials = serializers.BooleanField(write_only=True, required=False, default=False,
                                                 help_text="Remove the stored credentials")
    has_credentials = serializers.BooleanField(read_only=True)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, coerce_to_string=False, allow_null=True,
                                        required=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, coerce_to_string=False, allow_null=True,
                                         required=False)
    site_name = serializers.CharField(source="site.name", read_only=True, default=None)
    agency_name = serializers.CharField(source="agency.name", read_only=True, default=None)

    class Meta:
        model = Camera
        fields = [
            "id", "name", "unit", "site", "site_name", "agency", "agency_name", "source_kind", "url", "username",
            "password", "clear_credentials", "has_credentials", "poll_interval_s", "poll_queue", "covers",
            "private_area", "enabled", "latitude", "longitude", "masks", "status", "status_since", "last_checked_at",
            "last_seen_at", "last_error", "updated_at",
        ]
        read_only_fields = ["masks", "status", "status_since", "last_checked_at", "last_seen_at", "last_error",
                            "updated_at"]
        # Uniqueness is checked by the action so the message can name the unit.
        validators: list[Any] = []

    def to_representation(self, instance: Camera) -> dict[str, Any]:
        data = super().to_representation(instance)
        # The address of an agency's camera would let anyone bypass the grant and the access log.
        if not may_edit_camera(self.context["request"].user, instance):
            data["url"] = None
        return data


class MasksSerializer(serializers.Serializer[Any]):
    masks = serializers.JSONField(help_text="A list of polygons; each a list of [x, y] in fractions (0..1) of the "
                                            "frame's width and height, 3 to 64 points, edges not crossing")


class StrictBooleanField(serializers.BooleanField):
    """Only JSON true or false: whether the police may ever see a camera is not guessed from "yes", 1 or "on"."""

    default_error_messages = {"invalid": _("Must be true or false (a JSON boolean), not “{input}”.")}

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid", input=str(data)[:50])


class PrivateAreaSerializer(serializers.Serializer[Any]):
    private_area = StrictBooleanField(help_text="Whether the camera looks into a private area: true or false")
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True,
                                   max_length=MAX_PRIVATE_AREA_REASON,
                                   help_text="Why, for the audit record (optional)")


class CameraImportSerializer(serializers.Serializer[Any]):
    unit = VisibleUnitField(help_text="Every camera of the list is registered to this unit")
    file = serializers.FileField(allow_empty_file=True, help_text="CSV or XLSX with one camera per row")
    dry_run = serializers.BooleanField(default=False, help_text="Check every row and store nothing")
