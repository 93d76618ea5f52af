"""POST /api/sites/import/: a CSV or XLSX list of sites, stored whole or not at all."""


from django.conf import settings
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from sites.actions_import import (
    SiteImportError,
    check_site_import,
    do_import_sites,
    file_error_message,
    read_site_upload,
)
from sites.api.base import MayEdit
from sites.api.serializers import SiteImportSerializer
from sites.importing import FileTooLarge, ImportFileError, too_large

# Room for the multipart boundaries and the other form fields around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024

_ERROR_SERIALIZER = inline_serializer(
    "SiteImportErrors",
    {
        "detail": serializers.CharField(),
        "errors": inline_serializer(
            "SiteImportRowError",
            {"line": serializers.IntegerField(), "field": serializers.CharField(), "message": serializers.CharField()},
            many=True,
        ),
    },
)
_RESULT_SERIALIZER = inline_serializer(
    "SiteImportResult",
    {
        "dry_run": serializers.BooleanField(),
        "checked": serializers.IntegerField(help_text="Rows that passed every check"),
        "created": serializers.IntegerField(help_text="Sites stored (0 on a dry run)"),
        "sites": serializers.ListField(child=serializers.IntegerField(), help_text="Ids of the new sites"),
    },
)


def file_error_response(exc: ImportFileError) -> Response:
    """A list file that cannot be read at all (every list import's API): 413 if too large, else 400."""
    oversized = isinstance(exc, FileTooLarge)
    return Response({"detail": file_error_message(exc), "errors": []},
                    status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE if oversized else status.HTTP_400_BAD_REQUEST)


class SiteImportView(APIView):
    permission_classes = [permissions.IsAuthenticated, MayEdit]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="sites_import",
        summary="Import protected sites from a CSV or XLSX list",
        description=(
            "One site per row; columns name, kind, latitude, longitude, unit (by name) are required; address, "
            "agency (by name), time_zone (WIB, WITA, WIT or Asia/...), priority (1-4), contact_name, "
            "contact_phone, notes and perimeter (GeoJSON) are optional; Indonesian headers (nama, jenis, "
            "lintang, bujur, satuan, ...) are accepted. Every row is checked before anything is stored: "
            "one bad row stores nothing, and the answer lists every problem with its line."
        ),
        request={"multipart/form-data": SiteImportSerializer},
        responses={
            201: _RESULT_SERIALIZER,
            200: OpenApiResponse(_RESULT_SERIALIZER, description="Dry run: the file is valid, nothing stored"),
            400: OpenApiResponse(_ERROR_SERIALIZER, description="The file or some rows are invalid; nothing stored"),
            403: OpenApiResponse(description="The user's role may not create sites"),
            413: OpenApiResponse(_ERROR_SERIALIZER, description="The file is larger than SITE_IMPORT_MAX_BYTES"),
        },
        examples=[
            OpenApiExample(
                "Rows with errors", status_codes=["400"], response_only=True,
                value={"detail": "1 row has errors; nothing was stored.",
                       "errors": [{"line": 3, "field": "latitude", "message": "is outside Indonesia (-11.5 to 6.5)"}]},
            )
        ],
    )
    def post(self, request: Request) -> Response:
        # Refuse an oversized body before it is read and spooled to disk.
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.SITE_IMPORT_MAX_BYTES + MULTIPART_OVERHEAD_BYTES:
            return file_error_response(too_large(settings.SITE_IMPORT_MAX_BYTES))
        form = SiteImportSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            rows = read_site_upload(form.validated_data["file"])
        except ImportFileError as exc:
            return file_error_response(exc)
        try:
            if form.validated_data["dry_run"]:
                planned = check_site_import(request.user, rows)  # type: ignore[arg-type]
                return Response({"dry_run": True, "checked": len(planned), "created": 0, "sites": []})
            result = do_import_sites(request.user, rows)  # type: ignore[arg-type]
        except SiteImportError as exc:
            return Response(
                {"detail": exc.summary,
                 "errors": [{"line": e.line, "field": e.field, "message": e.message} for e in exc.row_errors]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(
            {"dry_run": False, "checked": result.created, "created": result.created,
             "sites": [site.pk for site in result.sites]},
            status=status.HTTP_201_CREATED,
        )


