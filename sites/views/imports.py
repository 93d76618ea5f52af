"""The staff page for importing protected sites from a CSV or XLSX list, and its template file."""

import csv
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View

from sites import actions, importing
from sites.actions_import import (
    SiteImportError,
    check_site_import,
    do_import_sites,
    file_error_message,
    read_site_upload,
)
from sites.choices import SiteKind
from sites.importing import ImportFileError, Row
from sites.models import Unit

# What each column holds, for the help on the page; the order is the template file's.
COLUMN_HELP: list[tuple[str, Any]] = [
    ("name", gettext_lazy("Site name, unique within its unit.")),
    ("kind", gettext_lazy("Kind of site: a code below or its name, e.g. “Kantor KPU”, “Gudang Logistik”, “TPS”.")),
    ("address", gettext_lazy("Street address.")),
    ("latitude", gettext_lazy("Latitude in decimal degrees, e.g. -8.0983 (a decimal comma is fine).")),
    ("longitude", gettext_lazy("Longitude in decimal degrees, e.g. 112.1686.")),
    ("unit", gettext_lazy("Name of the responsible police unit: yours or one below it.")),
    ("agency", gettext_lazy("Name of the owning agency, e.g. “KPU Kota Blitar”.")),
    ("time_zone", gettext_lazy("WIB, WITA or WIT; empty means the unit's time zone.")),
    ("priority", gettext_lazy("1 (critical) to 4 (low); empty means 3.")),
    ("contact_name", gettext_lazy("Contact person at the site.")),
    ("contact_phone", gettext_lazy("The contact's phone number.")),
    ("notes", gettext_lazy("Anything else.")),
    ("perimeter", gettext_lazy("Optional GeoJSON Polygon of the site's boundary.")),
]


class SiteImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("List of sites (CSV or XLSX)"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))
    dry_run = forms.BooleanField(label=gettext_lazy("Check only: store nothing"), required=False)

    def clean_file(self) -> list[Row]:
        """The file's rows, or a form error saying why the file as a whole cannot be read."""
        try:
            return read_site_upload(self.cleaned_data["file"])
        except ImportFileError as exc:
            raise forms.ValidationError(file_error_message(exc)) from exc


class SiteImportView(LoginRequiredMixin, View):
    template_name = "sites/site_import.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        # Answers 403 to roles that may look at sites but not create them.
        actions.check_editor(request.user, None)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(SiteImportForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SiteImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_page(form)
        rows = form.cleaned_data["file"]
        try:
            if form.cleaned_data["dry_run"]:
                checked = len(check_site_import(request.user, rows))  # type: ignore[arg-type]
                return self.render_page(form, checked=checked)
            result = do_import_sites(request.user, rows)  # type: ignore[arg-type]
        except SiteImportError as exc:
            return self.render_page(form, import_error=exc)
        messages.success(request, ngettext(
            "%(count)d site imported.", "%(count)d sites imported.", result.created) % {"count": result.created})
        return redirect("sites:list")

    def render_page(self, form: SiteImportForm, **context: Any) -> HttpResponse:
        return render(self.request, self.template_name, {
            "form": form,
            "columns": [(name, name in importing.REQUIRED_COLUMNS, importing.COLUMN_ALIASES[name][1:], text)
                        for name, text in COLUMN_HELP],
            "kinds": SiteKind.choices,
            "max_rows": settings.SITE_IMPORT_MAX_ROWS,
            "max_megabytes": round(settings.SITE_IMPORT_MAX_BYTES / 1024 / 1024, 1),
            **context,
        })


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    """A CSV with the header row and one example row, in the user's own unit."""
    unit = Unit.objects.visible_to(request.user).first()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="opsroom-sites-template.csv"'
    # The byte-order mark makes Excel open the file as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([name for name, _text in COLUMN_HELP if name != "perimeter"])
    writer.writerow([
        _("Gudang Logistik KPU (example)"), SiteKind.LOGISTICS_WAREHOUSE, "Jl. Ciliwung No. 1",
        "-8.0891", "112.1752", unit.name if unit else "Polres Blitar Kota", "", "WIB", "1",
        "Budi Santoso", "081234567890", "",
    ])
    return response
