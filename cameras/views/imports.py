"""The staff page for importing cameras from a CSV or XLSX list, and its template file."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from cameras import importing
from cameras.actions.imports import MAX_BYTES, MAX_ROWS, CameraImportError, check_camera_import, do_import_cameras
from cameras.choices import SourceKind
from cameras.forms import CameraImportForm
from sites.actions import check_editor

# What each column holds, for the help on the page; the order is the template file's.
COLUMN_HELP: list[tuple[str, Any]] = [
    ("name", gettext_lazy("Camera name, unique within the unit.")),
    ("site", gettext_lazy("Name of the protected site it watches; empty for a street camera.")),
    ("agency", gettext_lazy("Name of the owning agency, e.g. “Diskominfotika Kota Blitar”; empty for the police.")),
    ("source_kind", gettext_lazy("http_jpeg, mjpeg or rtsp; empty means told from the URL.")),
    ("url", gettext_lazy("The snapshot or stream URL, without user name or password.")),
    ("username", gettext_lazy("User name of the camera, if it needs one.")),
    ("password", gettext_lazy("Password of the camera; stored encrypted, never shown again.")),
    ("poll_interval_s", gettext_lazy("Seconds between checks, 10 to 3600; empty means 60.")),
    ("poll_queue", gettext_lazy("Polling network, e.g. “blitar-lan”: only for a camera reachable from that network "
                                "alone; lowercase letters, digits and hyphens. Empty for most cameras.")),
    ("covers", gettext_lazy("What the camera covers, e.g. “Pintu gerbang gudang”.")),
    ("private_area", gettext_lazy("ya/yes if it looks into a private area (it can then never be granted).")),
    ("latitude", gettext_lazy("Latitude in decimal degrees (optional).")),
    ("longitude", gettext_lazy("Longitude in decimal degrees (optional).")),
]


class CameraImportView(LoginRequiredMixin, View):
    template_name = "cameras/camera_import.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        check_editor(request.user, None)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        home = getattr(getattr(request.user, "membership", None), "unit", None)
        return self.render_page(CameraImportForm(user=request.user, initial={"unit": home}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = CameraImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_page(form, status=400)
        unit, rows = form.cleaned_data["unit"], form.cleaned_data["file"]
        try:
            if form.cleaned_data["dry_run"]:
                checked = len(check_camera_import(request.user, unit, rows))  # type: ignore[arg-type]
                return self.render_page(form, checked=checked)
            result = do_import_cameras(request.user, unit, rows)  # type: ignore[arg-type]
        except CameraImportError as exc:
            return self.render_page(form, import_error=exc, status=400)
        messages.success(request, ngettext(
            "%(count)d camera imported.", "%(count)d cameras imported.", result.created) % {"count": result.created})
        return redirect("cameras:list")

    def render_page(self, form: CameraImportForm, status: int = 200, **context: Any) -> HttpResponse:
        return render(self.request, self.template_name, {
            "form": form,
            "columns": [(name, name in importing.REQUIRED_COLUMNS, importing.COLUMN_ALIASES[name][1:], text)
                        for name, text in COLUMN_HELP],
            "max_rows": MAX_ROWS,
            "max_megabytes": round(MAX_BYTES / 1024 / 1024, 1),
            **context,
        }, status=status)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the header row and one example row."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="opsroom-cameras-template.csv"'
    response.write("\ufeff")  # Excel opens the file as UTF-8 with it
    writer = csv.writer(response)
    writer.writerow([name for name, _text in COLUMN_HELP])
    writer.writerow(["CCTV Simpang Lima 01", "", "Diskominfotika Kota Blitar", SourceKind.HTTP_JPEG,
                     "http://10.20.0.11/snapshot.jpg", "", "", "60", "", "Simpang lima, arah utara", "tidak",
                     "-8.0954", "112.1609"])
    return response
