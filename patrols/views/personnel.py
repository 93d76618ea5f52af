"""Staff pages for personnel: list, detail with availability and upcoming shifts, add, edit, unavailability."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from patrols.actions import personnel as actions
from patrols.forms import AvailabilityForm, PersonnelFilter, PersonnelForm
from patrols.models import Availability, Personnel
from patrols.queries import access_availability, access_person
from patrols.views.base import local_span, position_label
from sites.views.base import ChangeView, ScopedViewMixin, may_change
from sites.zones import zone_abbreviation

UPCOMING_LIMIT = 30


class PersonnelListView(ScopedViewMixin, ListView):
    model = Personnel
    template_name = "patrols/personnel_list.html"
    paginate_by = 50

    def get_queryset(self) -> Any:
        self.filter = PersonnelFilter(self.request.GET or None, queryset=super().get_queryset(), request=self.request)
        return self.filter.qs.select_related("unit").order_by("unit__path", "name")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["filter"] = self.filter
        return context


class PersonnelDetailView(ScopedViewMixin, DetailView):
    model = Personnel
    template_name = "patrols/personnel_detail.html"
    context_object_name = "person"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("unit", "user").prefetch_related("preferred_sites")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person = self.object
        zone = person.unit.time_zone
        now = timezone.now()
        context["zone"] = zone_abbreviation(zone)
        context["unavailability"] = [
            {"row": row, "when": f"{row.starts_at.astimezone(ZoneInfo(zone)):%d/%m/%Y %H:%M} \u2013 "
                                 f"{row.ends_at.astimezone(ZoneInfo(zone)):%d/%m/%Y %H:%M}"}
            for row in person.unavailability.filter(ends_at__gte=now).order_by("starts_at")
        ]
        upcoming = person.assignments.filter(published=True, ends_at__gte=now).select_related("site") \
            .order_by("starts_at")[:UPCOMING_LIMIT]
        context["upcoming"] = [{"row": row, "when": local_span(row.starts_at, row.ends_at, row.site.time_zone),
                                "position": position_label(row.qualification)} for row in upcoming]
        context["may_change"] = may_change(self.request.user, person.unit)
        return context


class PersonnelCreateView(ChangeView):
    template_name = "patrols/personnel_form.html"

    def get_form(self, data: Any = None) -> PersonnelForm:
        home = getattr(getattr(self.request.user, "membership", None), "unit", None)
        return PersonnelForm(data, user=self.request.user, initial={"unit": home, "active": True})

    def perform(self, form: PersonnelForm) -> Personnel:  # type: ignore[override]
        return actions.do_create_personnel(
            self.request.user, preferred_sites=list(form.cleaned_data["preferred_sites"]), **form.person_fields())

    def success_url(self, result: Personnel) -> str:
        return reverse("patrols:person", args=[result.pk])

    def success_message(self, result: Personnel) -> str:
        return _("%(name)s added.") % {"name": result.name}


class PersonnelUpdateView(ChangeView):
    template_name = "patrols/personnel_form.html"

    def load(self) -> None:
        self.person = access_person(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Any:
        return self.person.unit

    def get_form(self, data: Any = None) -> PersonnelForm:
        return PersonnelForm(data, user=self.request.user, person=self.person)

    def perform(self, form: PersonnelForm) -> Personnel:  # type: ignore[override]
        return actions.do_update_personnel(self.request.user, self.person,
                                           preferred_sites=list(form.cleaned_data["preferred_sites"]),
                                           **form.person_fields())

    def success_url(self, result: Personnel) -> str:
        return reverse("patrols:person", args=[result.pk])

    def success_message(self, result: Personnel) -> str:
        return _("%(name)s saved.") % {"name": result.name}

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"person": self.person}


class AvailabilityCreateView(ChangeView):
    """Leave, sick, assigned elsewhere: times entered in the person's unit's zone."""

    template_name = "patrols/availability_form.html"

    def load(self) -> None:
        self.person = access_person(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Any:
        return self.person.unit

    def get_form(self, data: Any = None) -> AvailabilityForm:
        return AvailabilityForm(data, zone=ZoneInfo(self.person.unit.time_zone))

    def perform(self, form: AvailabilityForm) -> Availability:  # type: ignore[override]
        return actions.do_add_availability(self.request.user, self.person, **form.cleaned_data)

    def success_url(self, result: Availability) -> str:
        return reverse("patrols:person", args=[self.person.pk])

    def success_message(self, result: Availability) -> str:
        return _("Recorded: %(kind)s. Published rosters are not changed; re-plan to act on it.") % {
            "kind": result.get_kind_display()}

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"person": self.person, "zone": zone_abbreviation(self.person.unit.time_zone)}


class AvailabilityDeleteView(ChangeView):
    template_name = "patrols/availability_confirm_delete.html"

    def load(self) -> None:
        self.row = access_availability(self.request.user, self.kwargs["availability_pk"])
        if self.row.person_id != self.kwargs["pk"]:
            raise Http404("No such unavailability of this person")

    def permission_unit(self) -> Any:
        return self.row.person.unit

    def get_form(self, data: Any = None) -> forms.Form:
        return forms.Form(data)

    def perform(self, form: forms.Form) -> None:
        actions.do_delete_availability(self.request.user, self.row)

    def success_url(self, result: None) -> str:
        return reverse("patrols:person", args=[self.row.person_id])

    def success_message(self, result: None) -> str:
        return _("Unavailability removed.")

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"row": self.row, "person": self.row.person}
