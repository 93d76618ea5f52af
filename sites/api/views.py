"""REST endpoints for units, agencies, operations, phases, sites and inspections."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from sites import actions, events
from sites.api import serializers as s
from sites.api.base import ScopedModelViewSet
from sites.api.filters import ProtectedSiteFilter
from sites.models import Agency, Operation, Phase, ProtectedSite, Unit


def _fields(serializer: BaseSerializer[Any]) -> dict[str, Any]:
    return dict(serializer.validated_data)


def _instance(serializer: BaseSerializer[Any]) -> Any:
    return serializer.instance


class UnitViewSet(ScopedModelViewSet):
    queryset = Unit.objects.select_related("parent")
    serializer_class = s.UnitSerializer
    filterset_fields = ["kind", "parent"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = actions.do_create_unit(self.actor, **_fields(serializer))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = actions.do_update_unit(self.actor, _instance(serializer), **_fields(serializer))


class AgencyViewSet(ScopedModelViewSet):
    queryset = Agency.objects.all()
    serializer_class = s.AgencySerializer
    filterset_fields = ["kind", "level"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = actions.do_create_agency(self.actor, **_fields(serializer))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = actions.do_update_agency(self.actor, _instance(serializer), **_fields(serializer))


class OperationViewSet(ScopedModelViewSet):
    queryset = Operation.objects.select_related("unit").prefetch_related("phases")
    serializer_class = s.OperationSerializer
    filterset_fields = ["election", "unit"]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = actions.do_create_operation(self.actor, **_fields(serializer))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = actions.do_update_operation(
            self.actor, _instance(serializer), **_fields(serializer)
        )


class PhaseViewSet(ScopedModelViewSet):
    queryset = Phase.objects.select_related("operation__unit")
    serializer_class = s.PhaseSerializer
    filterset_fields = ["operation", "kind"]

    def get_queryset(self) -> QuerySet[Phase]:
        visible = Operation.objects.visible_to(self.actor)
        return self.queryset.filter(operation__in=visible)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = actions.do_save_phase(self.actor, Phase(**_fields(serializer)))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        phase = Phase.objects.get(pk=_instance(serializer).pk)
        for name, value in _fields(serializer).items():
            setattr(phase, name, value)
        serializer.instance = actions.do_save_phase(self.actor, phase)

    def perform_destroy(self, instance: Phase) -> None:
        actions.do_delete_phase(self.actor, instance)


class ProtectedSiteViewSet(ScopedModelViewSet):
    queryset = ProtectedSite.objects.select_related("unit", "agency").prefetch_related("contacts")
    serializer_class = s.ProtectedSiteSerializer
    filterset_class = ProtectedSiteFilter

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        fields = _fields(serializer)
        contacts = [dict(c) for c in fields.pop("contacts", [])]
        serializer.instance = actions.do_create_site(self.actor, contacts=contacts, **fields)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        fields = _fields(serializer)
        contacts = [dict(c) for c in fields.pop("contacts")] if "contacts" in fields else None
        serializer.instance = actions.do_update_site(
            self.actor, _instance(serializer), contacts=contacts, **fields
        )

    def perform_destroy(self, instance: ProtectedSite) -> None:
        actions.do_delete_site(self.actor, instance)

    @extend_schema(responses={200: dict})
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request: Request) -> Response:
        """Every visible site as a GeoJSON FeatureCollection, for maps."""
        sites = self.filter_queryset(self.get_queryset()).select_related(None).only(
            "id", "name", "kind", "latitude", "longitude", "priority", "unit_id", "agency_id", "time_zone"
        ).prefetch_related(None)
        features = [
            {
                "type": "Feature",
                "id": site.pk,
                "geometry": {"type": "Point", "coordinates": [float(site.longitude), float(site.latitude)]},
                "properties": events.site_payload(site),
            }
            for site in sites
        ]
        return Response({"type": "FeatureCollection", "features": features})

    @extend_schema(request=s.InspectionSerializer, responses={200: s.InspectionSerializer(many=True),
                                                              201: s.InspectionSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def inspections(self, request: Request, pk: str | None = None) -> Response:
        site = self.get_object()
        if request.method == "GET":
            rows = site.inspections.select_related("inspector").prefetch_related("results")
            return Response(s.InspectionSerializer(rows, many=True).data)
        serializer = s.InspectionSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        inspection = actions.do_record_inspection(
            self.actor, site, inspected_at=data["inspected_at"], notes=data.get("notes", ""),
            results={row["item"]: row["result"] for row in data["results"]},
            result_notes={row["item"]: row.get("note", "") for row in data["results"]},
        )
        return Response(s.InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)
