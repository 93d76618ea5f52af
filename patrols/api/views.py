"""REST endpoints of the patrols app; every write goes through ``patrols.actions``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from patrols import queries
from patrols.actions import checkin, editing, imports, personnel, planning, requirements
from patrols.api import serializers as s
from patrols.models import Assignment, Availability, GuardRequirement, NoShow, Personnel, Reinforcement, RosterPlan
from sites.api.base import MayEdit, ScopedModelViewSet, acting_user
from sites.api.imports import MULTIPART_OVERHEAD_BYTES, file_error_response
from sites.importing import ImportFileError, too_large


def _fields(serializer: BaseSerializer[Any]) -> dict[str, Any]:
    return dict(serializer.validated_data)


def _instance(serializer: BaseSerializer[Any]) -> Any:
    return serializer.instance


class PersonnelViewSet(ScopedModelViewSet):
    queryset = Personnel.objects.select_related("unit").prefetch_related("preferred_sites")
    serializer_class = s.PersonnelSerializer
    filterset_fields = ["unit", "rank", "active"]

    def get_queryset(self) -> QuerySet[Personnel]:
        rows = super().get_queryset()
        qualification = self.request.query_params.get("qualification")
        if qualification:
            # Qualifications are a JSON list of codes; match the quoted code in its text.
            rows = rows.filter(qualifications__icontains=f'"{qualification}"')
        return rows

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        fields = _fields(serializer)
        preferred = fields.pop("preferred_sites", None)
        serializer.instance = personnel.do_create_personnel(self.actor, preferred_sites=preferred, **fields)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        fields = _fields(serializer)
        preferred = fields.pop("preferred_sites", None)
        serializer.instance = personnel.do_update_personnel(
            self.actor, _instance(serializer), preferred_sites=preferred, **fields)

    def perform_destroy(self, instance: Personnel) -> None:
        personnel.do_delete_personnel(self.actor, instance)


class AvailabilityViewSet(ScopedModelViewSet):
    queryset = Availability.objects.select_related("person__unit")
    serializer_class = s.AvailabilitySerializer
    filterset_fields = ["person", "kind"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        fields = _fields(serializer)
        person = fields.pop("person")
        serializer.instance = personnel.do_add_availability(self.actor, person, **fields)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        fields = _fields(serializer)
        fields.pop("person", None)
        serializer.instance = personnel.do_update_availability(self.actor, _instance(serializer), **fields)

    def perform_destroy(self, instance: Availability) -> None:
        personnel.do_delete_availability(self.actor, instance)


class ReinforcementViewSet(ScopedModelViewSet):
    queryset = Reinforcement.objects.select_related("unit", "reinforcing_unit")
    serializer_class = s.ReinforcementSerializer
    filterset_fields = ["unit", "reinforcing_unit"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.instance = personnel.do_add_reinforcement(self.actor, **_fields(serializer))

    def perform_destroy(self, instance: Reinforcement) -> None:
        personnel.do_remove_reinforcement(self.actor, instance)


class RequirementViewSet(ScopedModelViewSet):
    queryset = GuardRequirement.objects.select_related("site__unit", "phase").prefetch_related("positions")
    serializer_class = s.RequirementSerializer
    filterset_fields = ["site", "phase"]

    def _save(self, serializer: BaseSerializer[Any], requirement: GuardRequirement | None) -> None:
        fields = _fields(serializer)
        positions = [dict(p) for p in fields.pop("positions", [])]
        site, phase = fields.pop("site"), fields.pop("phase")
        serializer.instance = requirements.do_save_requirement(
            self.actor, site=site, phase=phase, positions=positions, requirement=requirement, **fields)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        instance = serializer.instance
        assert isinstance(instance, GuardRequirement)
        if "positions" not in serializer.validated_data:
            serializer.validated_data["positions"] = [
                {"qualification": p.qualification, "headcount": p.headcount} for p in instance.positions.all()]
        for name in ("site", "phase"):
            serializer.validated_data.setdefault(name, getattr(instance, name))
        self._save(serializer, instance)

    def perform_destroy(self, instance: GuardRequirement) -> None:
        requirements.do_delete_requirement(self.actor, instance)


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  viewsets.GenericViewSet[RosterPlan]):
    """Roster plans: POST requests one (solved in the background); the actions below follow its life."""

    queryset = RosterPlan.objects.select_related("unit", "operation")
    serializer_class = s.PlanSerializer
    filterset_fields = ["unit", "operation", "status"]

    def get_queryset(self) -> QuerySet[RosterPlan]:
        return self.queryset.visible_to(self.request.user)

    @extend_schema(request=s.PlanRequestSerializer, responses={202: s.PlanSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        form = s.PlanRequestSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        plan = planning.do_request_plan(acting_user(request), **form.validated_data)
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        return Response(s.PlanSerializer(planning.do_cancel_plan(acting_user(request), self.get_object())).data)

    @extend_schema(request=None, responses={200: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return Response(s.PlanSerializer(planning.do_publish_plan(acting_user(request), self.get_object())).data)

    @extend_schema(request=None, responses={202: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def replan(self, request: Request, pk: str | None = None) -> Response:
        plan = planning.do_request_replan(acting_user(request), self.get_object())
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: dict})
    @action(detail=True, methods=["get"])
    def changes(self, request: Request, pk: str | None = None) -> Response:
        """What a re-plan changed against the published roster: slot, time, from whom, to whom."""
        plan = self.get_object()
        return Response({"plan": plan.pk, "replaces": plan.replaces_id, "changes": plan.changes})


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Assignment]):
    """Assignments of the plans a user may see; PATCH-like edits go through the checker."""

    queryset = Assignment.objects.select_related("site", "person")
    serializer_class = s.AssignmentSerializer
    filterset_fields = ["plan", "site", "person", "published", "locked"]

    def get_queryset(self) -> QuerySet[Assignment]:
        rows = self.queryset.visible_to(self.request.user)
        if self.request.query_params.get("gaps") in {"1", "true"}:
            rows = rows.gaps()
        return rows

    def _person(self, person_id: int | None) -> Personnel | None:
        if person_id is None:
            return None
        return Personnel.objects.filter(pk=person_id).select_related("unit").first() or _missing_person()

    @extend_schema(request=s.AssignmentEditSerializer, responses={200: s.AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        """Put a person on the slot (or null to clear it); refused with every broken hard rule named."""
        row = self.get_object()
        form = s.AssignmentEditSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        row = editing.do_assign(acting_user(request), row, self._person(form.validated_data["person"]),
                                lock=form.validated_data["lock"])
        return Response(s.AssignmentSerializer(row).data)

    @extend_schema(request=s.AssignmentEditSerializer, responses={200: s.CheckResultSerializer})
    @action(detail=True, methods=["post"])
    def check(self, request: Request, pk: str | None = None) -> Response:
        """The instant check: what putting this person here would break, without storing anything."""
        row = self.get_object()
        form = s.AssignmentEditSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        person = self._person(form.validated_data["person"])
        if person is not None and not Personnel.objects.visible_to(request.user).filter(pk=person.pk).exists():
            person = _missing_person()
        problems = editing.check_edit(row, person)
        return Response({"ok": not problems, "problems": problems})

    @extend_schema(request=s.LockSerializer, responses={200: s.AssignmentSerializer})
    @action(detail=True, methods=["post"])
    def lock(self, request: Request, pk: str | None = None) -> Response:
        row = self.get_object()
        form = s.LockSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        row = editing.do_lock(acting_user(request), row, form.validated_data["locked"])
        return Response(s.AssignmentSerializer(row).data)


def _missing_person() -> Personnel:
    raise ValidationError({"person": _("Unknown person.")})


class MyShiftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Assignment]):
    """The signed-in officer's own published shifts that have not ended, and check-in at one."""

    serializer_class = s.AssignmentSerializer
    queryset = Assignment.objects.none()

    def get_queryset(self) -> QuerySet[Assignment]:
        if self.action == "list":
            return queries.my_shifts(self.request.user)
        return Assignment.objects.filter(published=True, person__user=acting_user(self.request)).select_related(
            "site__unit", "person")

    @extend_schema(request=s.CheckInRequestSerializer, responses={201: s.CheckInSerializer, 200: s.CheckInSerializer})
    @action(detail=True, methods=["post"], url_path="check-in")
    def check_in(self, request: Request, pk: str | None = None) -> Response:
        """Check in at the site: 201 with the stored result (accepted or refused with the reason);
        a replay of the same idempotency key answers 200 with the first result and stores nothing."""
        shift = self.get_object()
        form = s.CheckInRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        result = checkin.do_check_in(acting_user(request), shift, **form.validated_data)
        return Response(s.CheckInSerializer(result.check_in).data,
                        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class NoShowViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[NoShow]):
    queryset = NoShow.objects.select_related("assignment")
    serializer_class = s.NoShowSerializer

    def get_queryset(self) -> QuerySet[NoShow]:
        rows = self.queryset.visible_to(self.request.user)
        return rows.open() if self.request.query_params.get("open") in {"1", "true"} else rows


class PersonnelImportView(APIView):
    """POST a CSV or XLSX list of personnel: stored whole (created or updated by NRP) or not at all."""

    permission_classes = [permissions.IsAuthenticated, MayEdit]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": s.PersonnelImportSerializer}, responses={201: dict, 400: dict})
    def post(self, request: Request) -> Response:
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.SITE_IMPORT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
            return file_error_response(too_large(settings.SITE_IMPORT_MAX_BYTES))
        form = s.PersonnelImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            rows = imports.read_personnel_upload(form.validated_data["file"])
        except ImportFileError as exc:
            return file_error_response(exc)
        user = acting_user(request)
        try:
            if form.validated_data["dry_run"]:
                planned = imports.check_personnel_import(user, rows)
                return Response({"dry_run": True, "checked": len(planned), "created": 0, "updated": 0})
            result = imports.do_import_personnel(user, rows)
        except imports.PersonnelImportError as exc:
            return Response(
                {"detail": exc.summary,
                 "errors": [{"line": e.line, "field": e.field, "message": e.message} for e in exc.row_errors]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"dry_run": False, "checked": result.created + result.updated, "created": result.created,
                         "updated": result.updated}, status=status.HTTP_201_CREATED)
