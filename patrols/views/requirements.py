"""Staff pages for guard requirements: what each site needs in each phase (positions, hours, shift pattern)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from patrols.actions import requirements as actions
from patrols.forms import RequirementForm
from patrols.models import GuardRequirement, RequirementPosition
from patrols.queries import access_requirement
from sites.models import Scope
from sites.queries import access_site
from sites.views.base import ChangeView
from sites.zones import zone_abbreviation

LIST_LIMIT = 500


def site_param(request: HttpRequest) -> int:
    """``?site=`` as an id; anything else is a site nobody has (a 404 from ``access_site``)."""
    try:
        return int(request.GET.get("site", ""))
    except ValueError:
        return 0


class RequirementListView(LoginRequiredMixin, View):
    """Every requirement the user may see, by site then phase; ``?site=`` narrows to one site."""

    def get(self, request: HttpRequest) -> HttpResponse:
        rows = GuardRequirement.objects.visible_to(request.user).select_related(
            "site", "phase__operation").prefetch_related(
            Prefetch("positions", queryset=RequirementPosition.objects.order_by("id")))
        site = None
        if request.GET.get("site"):
            site = access_site(request.user, site_param(request))
            rows = rows.filter(site=site)
        rows = rows.order_by("site__priority", "site__name", "phase__starts_on", "start_hour")
        total = rows.count()
        return render(request, "patrols/requirement_list.html", {
            "requirements": [{"row": row, "zone": zone_abbreviation(row.site.time_zone),
                              "shifts": " + ".join(f"{hours} h" for hours in row.shift_hours)}
                             for row in rows[:LIST_LIMIT]],
            "total": total, "limit": LIST_LIMIT, "site": site, "may_add": Scope.of(request.user).can_edit,
        })


class RequirementCreateView(ChangeView):
    template_name = "patrols/requirement_form.html"

    def get_form(self, data: Any = None) -> RequirementForm:
        initial: dict[str, Any] = {}
        if self.request.GET.get("site"):
            initial["site"] = access_site(self.request.user, site_param(self.request))
        return RequirementForm(data, user=self.request.user, initial=initial)

    def perform(self, form: RequirementForm) -> GuardRequirement:  # type: ignore[override]
        return actions.do_save_requirement(
            self.request.user, site=form.cleaned_data["site"], phase=form.cleaned_data["phase"],
            positions=form.position_rows(), **form.requirement_fields())

    def success_url(self, result: GuardRequirement) -> str:
        return reverse("patrols:requirements") + f"?site={result.site_id}"

    def success_message(self, result: GuardRequirement) -> str:
        return _("Guard requirement for %(site)s saved.") % {"site": result.site.name}


class RequirementUpdateView(ChangeView):
    template_name = "patrols/requirement_form.html"

    def load(self) -> None:
        self.requirement = access_requirement(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Any:
        return self.requirement.site.unit

    def get_form(self, data: Any = None) -> RequirementForm:
        return RequirementForm(data, user=self.request.user, requirement=self.requirement)

    def perform(self, form: RequirementForm) -> GuardRequirement:  # type: ignore[override]
        return actions.do_save_requirement(
            self.request.user, site=form.cleaned_data["site"], phase=form.cleaned_data["phase"],
            positions=form.position_rows(), requirement=self.requirement, **form.requirement_fields())

    def success_url(self, result: GuardRequirement) -> str:
        return reverse("patrols:requirements") + f"?site={result.site_id}"

    def success_message(self, result: GuardRequirement) -> str:
        return _("Guard requirement for %(site)s saved.") % {"site": result.site.name}

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"requirement": self.requirement}


class RequirementDeleteView(ChangeView):
    template_name = "patrols/requirement_confirm_delete.html"

    def load(self) -> None:
        self.requirement = access_requirement(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Any:
        return self.requirement.site.unit

    def get_form(self, data: Any = None) -> forms.Form:
        return forms.Form(data)

    def perform(self, form: forms.Form) -> int:
        site_id = self.requirement.site_id
        actions.do_delete_requirement(self.request.user, self.requirement)
        return site_id

    def success_url(self, result: int) -> str:
        return reverse("patrols:requirements") + f"?site={result}"

    def success_message(self, result: int) -> str:
        return _("Guard requirement removed.")

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"requirement": self.requirement}
