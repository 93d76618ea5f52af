"""The staff page for importing personnel from a CSV or XLSX list (as Bag Sumda exports it)."""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from patrols import choices, importing
from patrols.actions.imports import (
    PersonnelImportError,
    check_personnel_import,
    do_import_personnel,
    read_personnel_upload,
)
from patrols.forms import PersonnelImportForm
from patrols.importing import ImportFileError
from sites.actions import check_editor
from sites.actions_import import file_error_message
from sites.models import Unit

COLUMN_HELP: list[tuple[str, Any]] = [
    ("nrp", gettext_lazy("NRP: 8 to 18 digits, once in the whole list.")),
    ("name", gettext_lazy("Full name.")),
    ("rank", gettext_lazy("Rank, e.g. Bripda, Brigpol, Aipda, Iptu.")),
    ("unit", gettext_lazy("Name of the person's unit: yours or one below it. A person belongs to one unit.")),
    ("qualifications", gettext_lazy("Comma-separated, e.g. “CCTV, danru, senpi, Polwan”; may be empty.")),
    ("phone", gettext_lazy("Phone number.")),
    ("active", gettext_lazy("Empty or “ya” means active; “tidak” means not rostered.")),
]


class PersonnelImportView(LoginRequiredMixin, View):
    template_name = "patrols/personnel_import.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        check_editor(request.user, None)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(PersonnelImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = PersonnelImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form, status=400)
        try:
            rows = read_personnel_upload(form.cleaned_data["file"])
        except ImportFileError as exc:
            form.add_error("file", file_error_message(exc))
            return self.render_page(form, status=400)
        try:
            if form.cleaned_data["dry_run"]:
                return self.render_page(form, checked=len(check_personnel_import(request.user, rows)))  # type: ignore[arg-type]
            result = do_import_personnel(request.user, rows)  # type: ignore[arg-type]
        except PersonnelImportError as exc:
            return self.render_page(form, import_error=exc, status=400)
        messages.success(request, ngettext("%(count)d person added", "%(count)d people added", result.created)
                         % {"count": result.created} + ", " + ngettext(
            "%(count)d updated.", "%(count)d updated.", result.updated) % {"count": result.updated})
        return redirect("patrols:personnel")

    def render_page(self, form: PersonnelImportForm, status: int = 200, **context: Any) -> HttpResponse:
        return render(self.request, self.template_name, {
            "form": form,
            "columns": [(name, name in importing.REQUIRED_COLUMNS, importing.COLUMN_ALIASES[name][1:], text)
                        for name, text in COLUMN_HELP],
            "qualifications": choices.Qualification.choices,
            "max_rows": settings.SITE_IMPORT_MAX_ROWS,
            **context,
        }, status=status)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the header row and one example row, in the user's own unit."""
    unit = Unit.objects.visible_to(request.user).first()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="opsroom-personnel-template.csv"'
    response.write("\ufeff")  # so Excel opens it as UTF-8
    writer = csv.writer(response)
    writer.writerow([name for name, _text in COLUMN_HELP])
    writer.writerow(["85010123", _("Sari Wulandari (example)"), "Bripda",
                     unit.name if unit else "Polres Blitar Kota", "CCTV, Polwan", "081234567890", "ya"])
    return response
