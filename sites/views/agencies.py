"""Staff pages for partner agencies (KPU, Bawaslu, Diskominfo, Pemda): list, create and edit."""

import copy
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView

from sites import actions
from sites.forms import AgencyForm
from sites.models import Agency
from sites.queries import access_agency
from sites.views.base import ChangeView, ScopedViewMixin, may_change


class AgencyListView(ScopedViewMixin, ListView):
    model = Agency
    template_name = "sites/agency_list.html"
    paginate_by = 100

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["may_change"] = may_change(self.request.user, None)
        return context


class AgencyCreateView(ChangeView):
    template_name = "sites/agency_form.html"

    def get_form(self, data: Any = None) -> AgencyForm:
        return AgencyForm(data)

    def perform(self, form: forms.Form) -> Agency:
        return actions.do_create_agency(self.request.user, **form.cleaned_data)

    def success_url(self, result: Agency) -> str:
        return reverse("sites:agencies")

    def success_message(self, result: Agency) -> str:
        return _("Agency “%(name)s” added.") % {"name": result.name}


class AgencyUpdateView(ChangeView):
    template_name = "sites/agency_form.html"

    def load(self) -> None:
        self.agency = access_agency(self.request.user, self.kwargs["pk"])

    def get_form(self, data: Any = None) -> AgencyForm:
        return AgencyForm(data, agency=self.agency)

    def perform(self, form: forms.Form) -> Agency:
        # A copy: the action changes the row it is given even when it then rejects the change.
        return actions.do_update_agency(self.request.user, copy.copy(self.agency), **form.cleaned_data)

    def success_url(self, result: Agency) -> str:
        return reverse("sites:agencies")

    def success_message(self, result: Agency) -> str:
        return _("Agency “%(name)s” saved.") % {"name": result.name}

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"agency": self.agency}
