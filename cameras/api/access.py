"""REST endpoints for access grants, the access log, and a camera's stored snapshots (through the logged gate)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from cameras import choices
from cameras.actions import grants as actions
from cameras.actions.viewing import open_camera
from cameras.analysis.frames import InvalidFrame
from cameras.api import serializers_access as s
from cameras.forms_grants import AccessLogFilter
from cameras.models import AccessGrant, AccessLogEntry, Snapshot
from cameras.polling.fetch import FetchError
from cameras.views.viewing import capture, failure_response
from sites.api.base import ScopedModelViewSet, acting_user


class GrantViewSet(ScopedModelViewSet):
    """Access grants: the requesting unit's and the owning agency's. Writes go through the grant actions."""

    queryset = AccessGrant.objects.select_related("unit", "agency").prefetch_related("cameras", "requested_cameras")
    serializer_class = s.GrantSerializer
    filterset_fields = ["status", "agency", "unit"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action == "create":
            return s.GrantRequestSerializer
        return s.GrantSerializer

    @extend_schema(request=s.GrantRequestSerializer, responses={201: s.GrantSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = s.GrantRequestSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        unit = fields.pop("unit", None) or getattr(getattr(self.actor, "membership", None), "unit", None)
        if unit is None:
            raise serializers.ValidationError({"unit": [_("Name the requesting unit.")]})
        grant = actions.do_request_grant(self.actor, unit=unit, **fields)
        return Response(s.GrantSerializer(grant).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ApproveSerializer, responses={200: s.GrantSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        grant = self.get_object()
        serializer = s.ApproveSerializer(data=request.data)
        s.limit_related(serializer.fields["cameras"], grant.requested_cameras.all())
        serializer.is_valid(raise_exception=True)
        grant = actions.do_approve_grant(self.actor, grant, cameras=serializer.validated_data.get("cameras"),
                                         note=serializer.validated_data.get("note", ""))
        return Response(s.GrantSerializer(grant).data)

    @extend_schema(request=s.RejectSerializer, responses={200: s.GrantSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str | None = None) -> Response:
        grant = self.get_object()
        serializer = s.RejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = actions.do_reject_grant(self.actor, grant, note=serializer.validated_data["note"])
        return Response(s.GrantSerializer(grant).data)

    @extend_schema(request=s.RevokeSerializer, responses={200: s.GrantSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str | None = None) -> Response:
        grant = self.get_object()
        serializer = s.RevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        grant = actions.do_revoke_grant(self.actor, grant, reason=serializer.validated_data["reason"])
        return Response(s.GrantSerializer(grant).data)

    @extend_schema(request=None, responses={200: s.GrantSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str | None = None) -> Response:
        grant = actions.do_withdraw_grant(self.actor, self.get_object())
        return Response(s.GrantSerializer(grant).data)


class AccessLogViewSet(ScopedModelViewSet):
    """The access log: an agency reads its cameras' entries, a unit what its people did, administrators all."""

    queryset = AccessLogEntry.objects.select_related("camera__site", "camera__unit")
    serializer_class = s.AccessLogEntrySerializer
    filterset_class = AccessLogFilter
    http_method_names = ["get", "head", "options"]


class CameraSnapshotList(ListAPIView[Snapshot]):
    """A camera's stored snapshots (newest first): metadata with SHA-256, size, capture time and reason.

    Passing the gate is logged as a view of the camera; the images themselves are logged when fetched.
    """

    serializer_class = s.SnapshotSerializer
    queryset = Snapshot.objects.none()  # the real rows come through the gate, per request

    def get_queryset(self) -> QuerySet[Snapshot]:
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        viewing = open_camera(self.request.user, self.kwargs["camera_id"], choices.AccessAction.VIEW_CAMERA,
                              self.request._request)
        return viewing.camera.snapshots.all()


class CameraCapture(APIView):
    """Fetch a frame now and store it as a manual snapshot (privacy masks burned in)."""

    @extend_schema(request=None, responses={
        201: s.SnapshotSerializer, 502: OpenApiResponse(description="The camera answered with no usable image"),
        503: OpenApiResponse(description="The camera could not be reached (nor, for a camera on a polling network, "
                                         "a worker inside that network)")})
    def post(self, request: Request, camera_id: int) -> Response:
        viewing = open_camera(request.user, camera_id, choices.AccessAction.CAPTURE, request._request)
        try:
            snapshot = capture(acting_user(request), viewing.camera)
        except (FetchError, InvalidFrame) as exc:
            failure = failure_response(exc)
            return Response({"detail": failure.content.decode(), "at": timezone.now()}, status=failure.status_code)
        return Response(s.SnapshotSerializer(snapshot).data, status=status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("grants", GrantViewSet)
router.register("access-log", AccessLogViewSet)

urlpatterns = [
    path("<int:camera_id>/snapshots/", CameraSnapshotList.as_view(), name="camera-snapshots"),
    path("<int:camera_id>/capture/", CameraCapture.as_view(), name="camera-capture"),
    *router.urls,
]
