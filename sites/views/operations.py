"""Staff pages for operations and their phases: list, detail with a timeline, create and edit."""

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from sites import actions
from sites.forms import OperationForm, PhaseForm
from sites.models import Operation, Phase
from sites.queries import access_operation, access_phase
from sites.views.base import ChangeView, ScopedViewMixin, may_change


@dataclass(frozen=True)
class TimelineSegment:
    phase: Phase
    # Percentages of the operation's span, formatted for CSS (a localised "12,5" would not parse).
    left: str
    width: str
    days: int


@dataclass(frozen=True)
class Timeline:
    segments: list[TimelineSegment]
    today: str | None


def operation_today(operation: Operation) -> dt.date:
    """Today where the running unit is (a national operation uses the project's zone)."""
    zone = operation.unit.time_zone if operation.unit else settings.TIME_ZONE
    return timezone.localdate(timezone=ZoneInfo(zone))


def timeline(operation: Operation, phases: list[Phase], today: dt.date) -> Timeline:
    """Where each phase sits along the operation's dates, as left offset and width in percent."""
    total_days = (operation.ends_on - operation.starts_on).days + 1

    def percent(days: int) -> str:
        return f"{100 * days / total_days:.3f}"

    segments = [
        TimelineSegment(
            phase=phase,
            left=percent((phase.starts_on - operation.starts_on).days),
            width=percent((phase.ends_on - phase.starts_on).days + 1),
            days=(phase.ends_on - phase.starts_on).days + 1,
        )
        for phase in phases
    ]
    inside = operation.starts_on <= today <= operation.ends_on
    return Timeline(segments, percent((today - operation.starts_on).days) if inside else None)


class OperationListView(ScopedViewMixin, ListView):
    model = Operation
    template_name = "sites/operation_list.html"
    paginate_by = 30

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("unit").prefetch_related("phases")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["rows"] = [
            {
                "operation": operation,
                "timeline": timeline(operation, list(operation.phases.all()), operation_today(operation)),
                "may_change": may_change(user, operation.unit, national=True),
            }
            for operation in context["object_list"]
        ]
        context["may_add"] = may_change(user, None)
        return context


class OperationDetailView(ScopedViewMixin, DetailView):
    model = Operation
    template_name = "sites/operation_detail.html"
    context_object_name = "operation"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("unit")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        operation = self.object
        phases = list(operation.phases.all())
        today = operation_today(operation)
        context["phases"] = phases
        context["today"] = today
        context["current_phase"] = next((p for p in phases if p.starts_on <= today <= p.ends_on), None)
        context["timeline"] = timeline(operation, phases, today)
        context["may_change"] = may_change(self.request.user, operation.unit, national=True)
        return context


class OperationCreateView(ChangeView):
    template_name = "sites/operation_form.html"

    def get_form(self, data: Any = None) -> OperationForm:
        home = getattr(getattr(self.request.user, "membership", None), "unit", None)
        return OperationForm(data, user=self.request.user, initial={"unit": home})

    def perform(self, form: forms.Form) -> Operation:
        return actions.do_create_operation(self.request.user, **form.cleaned_data)

    def success_url(self, result: Operation) -> str:
        return reverse("sites:operation", args=[result.pk])

    def success_message(self, result: Operation) -> str:
        return _("Operation “%(name)s” added.") % {"name": result.name}


class OperationUpdateView(ChangeView):
    template_name = "sites/operation_form.html"
    permission_national = True

    def load(self) -> None:
        self.operation = access_operation(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Any:
        return self.operation.unit

    def get_form(self, data: Any = None) -> OperationForm:
        return OperationForm(data, user=self.request.user, operation=self.operation)

    def perform(self, form: forms.Form) -> Operation:
        return actions.do_update_operation(self.request.user, self.operation, **form.cleaned_data)

    def success_url(self, result: Operation) -> str:
        return reverse("sites:operation", args=[result.pk])

    def success_message(self, result: Operation) -> str:
        return _("Operation “%(name)s” saved.") % {"name": result.name}

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"operation": self.operation}


class PhaseChangeView(ChangeView):
    """Phases are changed by whoever may change their operation."""

    permission_national = True
    operation: Operation

    def load(self) -> None:
        self.operation = access_operation(self.request.user, self.kwargs["pk"])

    def permission_unit(self) -> Any:
        return self.operation.unit

    def success_url(self, result: Any) -> str:
        return reverse("sites:operation", args=[self.operation.pk])

    def get_context(self, form: forms.Form) -> dict[str, Any]:
        return {"operation": self.operation, "phase": getattr(self, "phase", None)}


class PhaseCreateView(PhaseChangeView):
    template_name = "sites/phase_form.html"

    def get_form(self, data: Any = None) -> PhaseForm:
        return PhaseForm(data)

    def perform(self, form: forms.Form) -> Phase:
        return actions.do_save_phase(self.request.user, Phase(operation=self.operation, **form.cleaned_data))

    def success_message(self, result: Phase) -> str:
        return _("Phase “%(name)s” added.") % {"name": result}


class PhaseUpdateView(PhaseChangeView):
    template_name = "sites/phase_form.html"

    def load(self) -> None:
        self.phase = access_phase(self.request.user, self.kwargs["pk"], self.kwargs["phase_pk"])
        self.operation = self.phase.operation

    def get_form(self, data: Any = None) -> PhaseForm:
        return PhaseForm(data, phase=self.phase)

    def perform(self, form: forms.Form) -> Phase:
        # A copy, so that a rejected change does not show up elsewhere on the page.
        phase = copy.copy(self.phase)
        for name, value in form.cleaned_data.items():
            setattr(phase, name, value)
        return actions.do_save_phase(self.request.user, phase)

    def success_message(self, result: Phase) -> str:
        return _("Phase “%(name)s” saved.") % {"name": result}


class PhaseDeleteView(PhaseChangeView):
    template_name = "sites/phase_confirm_delete.html"

    def load(self) -> None:
        self.phase = access_phase(self.request.user, self.kwargs["pk"], self.kwargs["phase_pk"])
        self.operation = self.phase.operation

    def get_form(self, data: Any = None) -> forms.Form:
        return forms.Form(data)

    def perform(self, form: forms.Form) -> str:
        name = str(self.phase)
        actions.do_delete_phase(self.request.user, self.phase)
        return name

    def success_message(self, result: str) -> str:
        return _("Phase “%(name)s” deleted.") % {"name": result}
