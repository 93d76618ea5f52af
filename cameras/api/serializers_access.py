"""Serializers for access grants, the access log and stored snapshots."""

from __future__ import annotations

from typing import Any, cast
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cameras.models import AccessGrant, AccessLogEntry, Camera, Snapshot
from cameras.queries import log_zone
from sites.models import Agency, Unit


def limit_related(field: serializers.Field[Any, Any, Any, Any], rows: QuerySet[Any]) -> None:
    """Narrow the rows a (many-)related field accepts: an id outside them reads as "does not exist"."""
    related = field.child_relation if isinstance(field, serializers.ManyRelatedField) else field
    assert isinstance(related, serializers.RelatedField)
    cast(Any, related).queryset = rows


class GrantSerializer(serializers.ModelSerializer[AccessGrant]):
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = AccessGrant
        fields = ["id", "agency", "unit", "letter_number", "letter_date", "purpose", "valid_from", "valid_until",
                  "requested_cameras", "cameras", "status", "is_active", "requested_at", "decided_at",
                  "decision_note", "revoked_at", "revoke_reason"]
        read_only_fields = fields

    def get_is_active(self, grant: AccessGrant) -> bool:
        return grant.is_active()


class GrantRequestSerializer(serializers.Serializer[Any]):
    """A unit's written request; ``unit`` defaults to the requester's own unit."""

    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.none(), required=False)
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        error_messages={"does_not_exist": _("Unknown agency {pk_value}: choose an existing agency's id.")},
    )
    letter_number = serializers.CharField(max_length=100)
    letter_date = serializers.DateField()
    purpose = serializers.CharField()
    valid_from = serializers.DateTimeField()
    valid_until = serializers.DateTimeField()
    cameras = serializers.PrimaryKeyRelatedField(
        queryset=Camera.objects.none(), many=True,
        error_messages={"does_not_exist": _("Camera {pk_value} is not one your unit may ask for.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            limit_related(self.fields["unit"], Unit.objects.visible_to(request.user))
            limit_related(self.fields["cameras"], Camera.objects.listed_for(request.user))


class ApproveSerializer(serializers.Serializer[Any]):
    cameras = serializers.PrimaryKeyRelatedField(
        queryset=Camera.objects.all(), many=True, required=False,
        help_text=_("A subset of the requested cameras; all of them when left out."),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RejectSerializer(serializers.Serializer[Any]):
    note = serializers.CharField()


class RevokeSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class AccessLogEntrySerializer(serializers.ModelSerializer[AccessLogEntry]):
    at_local = serializers.SerializerMethodField(help_text=_("The time in the camera's zone."))
    time_zone = serializers.SerializerMethodField()

    class Meta:
        model = AccessLogEntry
        fields = ["id", "at", "at_local", "time_zone", "username", "unit", "agency", "camera", "camera_name",
                  "snapshot", "grant", "action", "allowed", "reason", "ip_address"]
        read_only_fields = fields

    def get_at_local(self, entry: AccessLogEntry) -> str:
        return entry.at.astimezone(ZoneInfo(log_zone(entry, "Asia/Jakarta"))).isoformat()

    def get_time_zone(self, entry: AccessLogEntry) -> str:
        return log_zone(entry, "Asia/Jakarta")


class SnapshotSerializer(serializers.ModelSerializer[Snapshot]):
    image_url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Snapshot
        fields = ["id", "camera", "captured_at", "reason", "requested_for", "camera_status", "sha256", "size_bytes",
                  "width", "height", "retain_until", "image_url", "thumbnail_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_image_url(self, snapshot: Snapshot) -> str:
        return reverse("cameras:snapshot_image", args=[snapshot.camera_id, snapshot.pk])

    @extend_schema_field(serializers.CharField())
    def get_thumbnail_url(self, snapshot: Snapshot) -> str:
        return reverse("cameras:snapshot_thumbnail", args=[snapshot.camera_id, snapshot.pk])
