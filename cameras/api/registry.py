"""REST endpoints of the camera registry: cameras, their privacy masks and private-area flag, and the CSV/XLSX
import.

Listing uses ``Camera.objects.listed_for(user)``: a row outside it is a 404 like a missing one.
Credentials go in write-only and never come back.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.urls import path
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from cameras.actions import registry as actions
from cameras.actions.imports import (
    MAX_BYTES,
    CameraImportError,
    check_camera_import,
    do_import_cameras,
    read_camera_upload,
)
from cameras.api.serializers import (
    CameraImportSerializer,
    CameraSerializer,
    MasksSerializer,
    PrivateAreaSerializer,
)
from cameras.importing import too_large
from cameras.models import Camera
from sites.api.base import MayEdit, ScopedModelViewSet
from sites.api.imports import MULTIPART_OVERHEAD_BYTES, file_error_response
from sites.importing import ImportFileError

_CAMERA_FIELDS = set(actions.CAMERA_FIELDS)


class CameraFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")
    unit_tree = django_filters.NumberFilter(method="filter_unit_tree", label="Unit and the units below it")
    police_owned = django_filters.BooleanFilter(field_name="agency", lookup_expr="isnull",
                                                label="Owned by the police (no agency)")

    class Meta:
        model = Camera
        fields = ["site", "unit", "agency", "status", "source_kind", "enabled", "private_area"]

    def filter_unit_tree(self, queryset: QuerySet[Camera], name: str, value: int) -> QuerySet[Camera]:
        return queryset.filter(unit__path__contains=f"/{int(value)}/")


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Camera fields, and what to do with credentials."""
    fields = {name: value for name, value in data.items() if name in _CAMERA_FIELDS}
    credentials = actions.new_credentials(data.get("username"), data.get("password"))
    return fields, {"credentials": credentials}


class CameraViewSet(ScopedModelViewSet):
    queryset = Camera.objects.select_related("unit", "site", "agency")
    serializer_class = CameraSerializer
    filterset_class = CameraFilter
    # Digits only, so the grant and log routes next to these (cameras.api.access) stay reachable.
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> QuerySet[Camera]:
        return self.queryset.listed_for(self.request.user).order_by("site__name", "name")

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        fields, credentials = _split(dict(serializer.validated_data))
        serializer.instance = actions.do_register_camera(self.actor, **credentials, **fields)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        data = dict(serializer.validated_data)
        fields, credentials = _split(data)
        camera = serializer.instance
        assert isinstance(camera, Camera)
        serializer.instance = actions.do_update_camera(
            self.actor, camera, clear_credentials=bool(data.get("clear_credentials")),
            **credentials, **fields,
        )

    def perform_destroy(self, instance: Camera) -> None:
        actions.do_delete_camera(self.actor, instance)

    @extend_schema(
        request=MasksSerializer, responses={200: MasksSerializer},
        summary="Read or replace a camera's privacy masks",
        description="Masks are burned into every frame before it is stored or served. A polygon outside the "
                    "frame or with crossing edges is refused with 400 and nothing is stored. The owning "
                    "agency's liaison may set the masks of its cameras too.",
        examples=[OpenApiExample("One mask over a window", value={"masks": [[[0.1, 0.1], [0.4, 0.1], [0.4, 0.5]]]})],
    )
    @action(detail=True, methods=["get", "put"], pagination_class=None)
    def masks(self, request: Request, pk: str | None = None) -> Response:
        camera = self.get_object()
        if request.method == "GET":
            return Response({"masks": camera.masks})
        body = MasksSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        camera = actions.do_set_masks(self.actor, camera, body.validated_data["masks"])
        return Response({"masks": camera.masks})

    @extend_schema(
        request=PrivateAreaSerializer,
        responses={
            200: PrivateAreaSerializer,
            400: OpenApiResponse(description="private_area missing or not a JSON boolean, or the reason too long; "
                                             "nothing stored"),
            403: OpenApiResponse(description="The user may see the camera but not edit its privacy"),
            404: OpenApiResponse(description="No such camera, or not one the user may know of"),
            415: OpenApiResponse(description="The body is not JSON"),
        },
        summary="Declare whether a camera looks into a private area",
        description="A camera that looks into a private area can never be granted to the police: the grants "
                    "that include it keep it in their record, but it is refused to their units from now on and "
                    "their open pages drop it at once (grant.changed). Clearing the flag shows it again under "
                    "those grants. The camera's unit editors and the owning agency's liaison may set it; who "
                    "changed it, when and why is recorded.",
        examples=[OpenApiExample("Mark as private", request_only=True,
                                 value={"private_area": True, "reason": "Looks into the ballot storage room"})],
    )
    # JSON only: a form body carries every value as text, and the flag takes only a JSON boolean.
    @action(detail=True, methods=["post"], url_path="private-area", pagination_class=None,
            parser_classes=[JSONParser])
    def private_area(self, request: Request, pk: str | None = None) -> Response:
        camera = self.get_object()
        body = PrivateAreaSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        camera = actions.do_set_private_area(self.actor, camera, body.validated_data["private_area"],
                                             body.validated_data.get("reason", ""))
        return Response(PrivateAreaSerializer(camera).data)


_ERROR_SERIALIZER = inline_serializer(
    "CameraImportErrors",
    {
        "detail": serializers.CharField(),
        "errors": inline_serializer(
            "CameraImportRowError",
            {"line": serializers.IntegerField(), "field": serializers.CharField(), "message": serializers.CharField()},
            many=True,
        ),
    },
)
_RESULT_SERIALIZER = inline_serializer(
    "CameraImportResult",
    {
        "dry_run": serializers.BooleanField(),
        "checked": serializers.IntegerField(help_text="Rows that passed every check"),
        "created": serializers.IntegerField(help_text="Cameras stored (0 on a dry run)"),
        "cameras": serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the new cameras"),
    },
)


class CameraImportView(APIView):
    permission_classes = [permissions.IsAuthenticated, MayEdit]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="cameras_import",
        summary="Import cameras from a CSV or XLSX list into one unit",
        description=(
            "One camera per row; columns name and url are required; site (by name), agency (by name), "
            "source_kind (http_jpeg, mjpeg, rtsp; told from the URL when empty), username, password, "
            "poll_interval_s (10-3600), poll_queue (the polling network, e.g. blitar-lan), covers, private_area "
            "(yes/no, ya/tidak), latitude and longitude are optional; Indonesian headers (nama, objek, pemilik, "
            "sumber, kata_sandi, jaringan, ...) are accepted. Every row is checked before anything is stored: "
            "one bad row stores nothing, and the answer lists every problem with its line."
        ),
        request={"multipart/form-data": CameraImportSerializer},
        responses={
            201: _RESULT_SERIALIZER,
            200: OpenApiResponse(_RESULT_SERIALIZER, description="Dry run: the file is valid, nothing stored"),
            400: OpenApiResponse(_ERROR_SERIALIZER, description="The file or some rows are invalid; nothing stored"),
            403: OpenApiResponse(description="The user's role may not register cameras"),
            413: OpenApiResponse(_ERROR_SERIALIZER, description="The file is larger than the import limit"),
        },
        examples=[
            OpenApiExample(
                "Rows with errors", status_codes=["400"], response_only=True,
                value={"detail": "1 row has errors; nothing was stored.",
                       "errors": [{"line": 3, "field": "agency", "message": "Unknown agency “Dishub”."}]},
            )
        ],
    )
    def post(self, request: Request) -> Response:
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
            return file_error_response(too_large(MAX_BYTES))
        form = CameraImportSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        try:
            rows = read_camera_upload(form.validated_data["file"])
        except ImportFileError as exc:
            return file_error_response(exc)
        unit = form.validated_data["unit"]
        try:
            if form.validated_data["dry_run"]:
                planned = check_camera_import(request.user, unit, rows)  # type: ignore[arg-type]
                return Response({"dry_run": True, "checked": len(planned), "created": 0, "cameras": []})
            result = do_import_cameras(request.user, unit, rows)  # type: ignore[arg-type]
        except CameraImportError as exc:
            return Response({"detail": exc.summary, "errors": exc.rows_as_dicts()},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response({"dry_run": False, "checked": result.created, "created": result.created,
                         "cameras": [camera.pk for camera in result.cameras]}, status=status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("", CameraViewSet, basename="camera")

# Before the router, whose "<pk>/" would otherwise claim "import/".
urlpatterns = [
    path("import/", CameraImportView.as_view(), name="camera-import"),
    *router.urls,
]
