"""Staff pages for protected sites: list with map, detail with checklist, create, edit, delete, inspect."""

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from sites import actions, choices
from sites.forms import InspectionForm, SiteFilter, SiteForm
from sites.models import ProtectedSite
from sites.queries import access_site, latest_checklist
from sites.views.base import ChangeView, ScopedViewMixin, may_change
from sites.zones import zone_abbreviation

# The list's map shows every site the filters match, up to this many (a Polda runs about a thousand).
MAP_SITE_LIMIT = 3000


class SiteListView(ScopedViewMixin, ListView):
    model = ProtectedSite
    template_name = "sites/site_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.filter = SiteFilter(self.request.GET or None, queryset=super().get_queryset(), request=self.request)
        return self.filter.qs.select_related("unit", "agency")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = self.filter.qs.values_list("pk", "name", "latitude", "longitude", "priority")[:MAP_SITE_LIMIT]
        detail = reverse("sites:detail", args=[0])[:-2]
        labels = dict(choices.Priority.choices)
        context["map_sites"] = [
            {"name": name, "lat": float(lat), "lon": float(lon), "priority": priority,
             "priority_label": str(labels.get(priority, "")), "url": f"{detail}{pk}/"}
            for pk, name, lat, lon, priority in rows
        ]
        context["filter"] = self.filter
        context["priorities"] = choices.Priority.choices
        return context


class SiteDetailView(ScopedViewMixin, DetailView):
    model = ProtectedSite
    template_name = "sites/site_detail.html"
    context_object_name = "site"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("unit", "agency").prefetch_related("contacts")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        site = self.object
        latest = latest_checklist(site)
        context["checklist"] = [
            {"label": item.label, **latest.get(item.value, {})} for item in choices.ChecklistItem
        ]
        context["inspections"] = site.inspections.select_related("inspector").prefetch_related("results")[:30]
        context["may_change"] = may_change(self.request.user, site.unit)
        context["zone_abbreviation"] = zone_abbreviation(site.time_zone)
        context["geo"] = {"lat": float(site.latitude), "lon": float(site.longitude), "name": site.name,
                          "priority": site.priority, "perimeter": site.perimeter}
        return context


class SiteCreateView(ChangeView):
    template_name = "sites/site_form.html"

    def get_form(self, data: Any = None) -> SiteForm:
        # Start from the user's own unit and its time zone: most sites are added there.
        home = getattr(getattr(self.request.user, "membership", None), "unit", None)
        initial = {"time_zone": home.time_zone if home else choices.SiteTimeZone.WIB, "unit": home}
        return SiteForm(data, user=self.request.user, initial=initial)

    def perform(self, form: SiteForm) -> ProtectedSite:  # type: ignore[override]
        return actions.do_create_site(self.request.user, contacts=form.contact_rows(), **form.site_fields())

    def success_url(self, result: ProtectedSite) -> str:
        return reverse("sites:detail", args=[result.pk])

    def success_message(self, result: ProtectedSite) -> str:
        return _("Site “%(name)s” added.") % {"name": result.name}


class SiteUpdateView(ChangeView):
    template_name = "sites/site_form.html"

    def load(self) -> None:
        self.site = access_site(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Any:
        return self.site.unit

    def get_form(self, data: Any = None) -> SiteForm:
        return SiteForm(data, user=self.request.user, site=self.site)

    def perform(self, form: SiteForm) -> ProtectedSite:  # type: ignore[override]
        return actions.do_update_site(self.request.user, self.site, contacts=form.contact_rows(),
                                      **form.site_fields())

    def success_url(self, result: ProtectedSite) -> str:
        return reverse("sites:detail", args=[result.pk])

    def success_message(self, result: ProtectedSite) -> str:
        return _("Site “%(name)s” saved.") % {"name": result.name}

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"site": self.site}


class SiteDeleteView(ChangeView):
    template_name = "sites/site_confirm_delete.html"

    def load(self) -> None:
        self.site = access_site(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Any:
        return self.site.unit

    def get_form(self, data: Any = None) -> forms.Form:
        return forms.Form(data)

    def perform(self, form: forms.Form) -> str:
        name = self.site.name
        try:
            actions.do_delete_site(self.request.user, self.site)
        except ProtectedError as exc:
            # Cameras, guard requirements and incidents keep their site; they must move first.
            kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
            raise ValidationError(
                _("This site is still in use (%(what)s); move or remove those first.") % {"what": ", ".join(kinds)}
            ) from exc
        return name

    def success_url(self, result: str) -> str:
        return reverse("sites:list")

    def success_message(self, result: str) -> str:
        return _("Site “%(name)s” deleted.") % {"name": result}

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"site": self.site}


class InspectionCreateView(ChangeView):
    template_name = "sites/inspection_form.html"

    def load(self) -> None:
        self.site = access_site(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Any:
        return self.site.unit

    def get_form(self, data: Any = None) -> InspectionForm:
        return InspectionForm(data, zone=ZoneInfo(self.site.time_zone),
                              initial={"inspected_at": timezone.now().replace(second=0, microsecond=0)})

    def perform(self, form: InspectionForm) -> Any:  # type: ignore[override]
        return actions.do_record_inspection(
            self.request.user, self.site, inspected_at=form.cleaned_data["inspected_at"],
            results=form.results(), notes=form.cleaned_data["notes"], result_notes=form.result_notes(),
        )

    def success_url(self, result: Any) -> str:
        return reverse("sites:detail", args=[self.site.pk])

    def success_message(self, result: Any) -> str:
        return _("Inspection recorded.")

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"site": self.site, "zone_abbreviation": zone_abbreviation(self.site.time_zone)}
