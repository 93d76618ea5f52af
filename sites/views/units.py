"""Staff pages for police units: the tree, create and edit."""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import ListView

from sites import actions
from sites.forms import UnitForm
from sites.models import Unit
from sites.queries import access_unit
from sites.views.base import ChangeView, ScopedViewMixin, may_change


class UnitListView(ScopedViewMixin, ListView):
    model = Unit
    template_name = "sites/unit_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        top = min((unit.depth for unit in context["object_list"]), default=0)
        context["rows"] = [
            {"unit": unit, "indent": unit.depth - top, "may_change": may_change(user, unit)}
            for unit in context["object_list"]
        ]
        context["may_add"] = may_change(user, None)
        return context


class UnitCreateView(ChangeView):
    template_name = "sites/unit_form.html"

    def get_form(self, data: Any = None) -> UnitForm:
        home = getattr(getattr(self.request.user, "membership", None), "unit", None)
        initial = {"parent": home, "time_zone": home.time_zone} if home else {}
        return UnitForm(data, user=self.request.user, initial=initial)

    def perform(self, form: UnitForm) -> Unit:  # type: ignore[override]
        return actions.do_create_unit(self.request.user, **form.changes())

    def success_url(self, result: Unit) -> str:
        return reverse("sites:units")

    def success_message(self, result: Unit) -> str:
        return _("Unit “%(name)s” added.") % {"name": result.name}


class UnitUpdateView(ChangeView):
    template_name = "sites/unit_form.html"

    def load(self) -> None:
        self.unit = access_unit(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Unit:
        return self.unit

    def get_form(self, data: Any = None) -> UnitForm:
        return UnitForm(data, user=self.request.user, unit=self.unit)

    def perform(self, form: UnitForm) -> Unit:  # type: ignore[override]
        return actions.do_update_unit(self.request.user, self.unit, **form.changes())

    def success_url(self, result: Unit) -> str:
        return reverse("sites:units")

    def success_message(self, result: Unit) -> str:
        return _("Unit “%(name)s” saved.") % {"name": result.name}

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"unit": self.unit}
