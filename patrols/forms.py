"""Forms of the roster pages: they read and shape what a person typed; the rules live in patrols.actions."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from patrols import choices
from patrols.models import Availability, GuardRequirement, Personnel
from sites.forms import DATE_INPUT, LocalDateTimeField, UnitChoiceField, model_field, visible_units
from sites.models import Operation, Phase, ProtectedSite, Unit

LOCAL_DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
# Spare empty rows on the requirement form for new positions.
SPARE_POSITIONS = 2


def _limit(field: forms.Field, queryset: QuerySet[Any]) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


# Personnel ---------------------------------------------------------------------------------------

class PersonnelForm(forms.Form):
    nrp = model_field(Personnel, "nrp")
    name = model_field(Personnel, "name")
    rank = model_field(Personnel, "rank")
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    qualifications = forms.MultipleChoiceField(label=_("Qualifications"), required=False,
                                               choices=choices.Qualification.choices,
                                               widget=forms.CheckboxSelectMultiple)
    phone = model_field(Personnel, "phone", widget=forms.TelInput)
    home_latitude = forms.DecimalField(label=_("Home latitude"), required=False, max_digits=9, decimal_places=6)
    home_longitude = forms.DecimalField(label=_("Home longitude"), required=False, max_digits=9, decimal_places=6)
    user = forms.ModelChoiceField(queryset=get_user_model().objects.none(), required=False, label=_("Login"),
                                  help_text=_("The officer's own login, for “My shifts”, the calendar and check-in."))
    preferred_sites = forms.ModelMultipleChoiceField(queryset=ProtectedSite.objects.none(), required=False,
                                                     label=_("Preferred sites"))
    active = forms.BooleanField(label=_("Active (may be rostered)"), required=False, initial=True)

    def __init__(self, data: Any = None, *, user: Any, person: Personnel | None = None, **kwargs: Any):
        if person is not None:
            kwargs.setdefault("initial", {
                "nrp": person.nrp, "name": person.name, "rank": person.rank, "unit": person.unit,
                "qualifications": person.qualifications, "phone": person.phone,
                "home_latitude": person.home_latitude, "home_longitude": person.home_longitude,
                "user": person.user, "active": person.active,
                "preferred_sites": list(person.preferred_sites.all()),
            })
        super().__init__(data, **kwargs)
        units = visible_units(user, person.unit_id if person else None)
        _limit(self.fields["unit"], units)
        _limit(self.fields["preferred_sites"], ProtectedSite.objects.visible_to(user).order_by("name"))
        # Logins of the units this user sees (and the one already linked).
        logins = get_user_model().objects.filter(
            Q(membership__unit__in=units) | Q(pk=person.user_id if person else None)
        ).order_by("username")
        _limit(self.fields["user"], logins)

    def person_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("preferred_sites")
        return data


class AvailabilityForm(forms.Form):
    kind = model_field(Availability, "kind")
    starts_at = LocalDateTimeField(label=_("From"), widget=LOCAL_DATETIME_INPUT)
    ends_at = LocalDateTimeField(label=_("Until"), widget=LOCAL_DATETIME_INPUT)
    note = model_field(Availability, "note")

    def __init__(self, data: Any = None, *, zone: ZoneInfo, **kwargs: Any):
        super().__init__(data, **kwargs)
        for name in ("starts_at", "ends_at"):
            field = self.fields[name]
            assert isinstance(field, LocalDateTimeField)
            field.zone = zone


class PersonnelFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Name or NRP"))
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.none(), method="in_unit", label=_("Unit"))
    qualification = django_filters.ChoiceFilter(choices=choices.Qualification.choices, method="qualified",
                                                label=_("Qualification"))
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Personnel
        fields = ["q", "unit", "qualification", "active"]

    def __init__(self, *args: Any, request: Any, **kwargs: Any):
        super().__init__(*args, request=request, **kwargs)
        self.filters["unit"].queryset = Unit.objects.visible_to(request.user)

    def search(self, rows: QuerySet[Personnel], name: str, value: str) -> QuerySet[Personnel]:
        return rows.filter(Q(name__icontains=value) | Q(nrp__startswith=value.strip()))

    def in_unit(self, rows: QuerySet[Personnel], name: str, value: Unit) -> QuerySet[Personnel]:
        return rows.filter(unit__path__startswith=value.path)

    def qualified(self, rows: QuerySet[Personnel], name: str, value: str) -> QuerySet[Personnel]:
        # A JSON list: match the quoted code, which works on SQLite and PostgreSQL alike.
        return rows.filter(qualifications__icontains=f'"{value}"')


class PersonnelImportForm(forms.Form):
    file = forms.FileField(label=_("List of personnel (CSV or XLSX)"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))
    dry_run = forms.BooleanField(label=_("Check only: store nothing"), required=False)


# Requirements ------------------------------------------------------------------------------------

class PositionForm(forms.Form):
    qualification = forms.ChoiceField(label=_("Qualification"), required=False,
                                      choices=[("", _("Any officer")), *choices.Qualification.choices])
    headcount = forms.IntegerField(label=_("People"), min_value=0, max_value=50, required=False)


PositionFormSet = forms.formset_factory(PositionForm, extra=0)


class PhaseChoiceField(forms.ModelChoiceField[Phase]):
    """Phases named with their operation and dates: the operation, the phase and its dates."""

    def label_from_instance(self, obj: Phase) -> str:
        return f"{obj.operation} · {obj} ({obj.starts_on:%d/%m/%Y}\u2013{obj.ends_on:%d/%m/%Y})"


class RequirementForm(forms.Form):
    site = forms.ModelChoiceField(queryset=ProtectedSite.objects.none(), label=_("Site"))
    phase = PhaseChoiceField(queryset=Phase.objects.none(), label=_("Phase"))
    coverage = model_field(GuardRequirement, "coverage")
    pattern = model_field(GuardRequirement, "pattern")
    custom_shift_hours = forms.CharField(
        label=_("Custom shift lengths (hours)"), required=False,
        help_text=_("For a custom pattern: the shift lengths in order, e.g. “6, 6, 12”. They must add up to the "
                    "hours covered."))
    start_hour = model_field(GuardRequirement, "start_hour")
    window_hours = model_field(GuardRequirement, "window_hours")
    notes = model_field(GuardRequirement, "notes")

    def __init__(self, data: Any = None, *, user: Any, requirement: GuardRequirement | None = None,
                 **kwargs: Any):
        positions: list[dict[str, Any]] = []
        if requirement is not None:
            kwargs.setdefault("initial", {
                "site": requirement.site, "phase": requirement.phase, "coverage": requirement.coverage,
                "pattern": requirement.pattern, "start_hour": requirement.start_hour,
                "window_hours": requirement.window_hours, "notes": requirement.notes,
                "custom_shift_hours": ", ".join(str(hours) for hours in requirement.custom_shift_hours or []),
            })
            positions = [{"qualification": row.qualification, "headcount": row.headcount}
                         for row in requirement.positions.all()]
        super().__init__(data, **kwargs)
        _limit(self.fields["site"], ProtectedSite.objects.visible_to(user).select_related("unit").order_by("name"))
        operations = Operation.objects.visible_to(user)
        _limit(self.fields["phase"], Phase.objects.filter(operation__in=operations)
               .select_related("operation").order_by("-starts_on"))
        spare = [{"qualification": "", "headcount": None}] * SPARE_POSITIONS
        self.positions = PositionFormSet(data, prefix="positions",
                                         initial=(positions or [{"qualification": "", "headcount": 1}]) + spare)

    def is_valid(self) -> bool:
        return super().is_valid() & self.positions.is_valid()

    def clean_custom_shift_hours(self) -> list[int]:
        raw = self.cleaned_data.get("custom_shift_hours") or ""
        try:
            return [int(part) for part in raw.replace(";", ",").replace("+", ",").split(",") if part.strip()]
        except ValueError as exc:
            raise forms.ValidationError(_("Give whole hours separated by commas, e.g. “6, 6, 12”.")) from exc

    def position_rows(self) -> list[dict[str, Any]]:
        return [{"qualification": row["qualification"], "headcount": row["headcount"]}
                for row in self.positions.cleaned_data if row and row.get("headcount")]

    def requirement_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("site")
        data.pop("phase")
        return data


# Plans -------------------------------------------------------------------------------------------

class PlanRequestForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    operation = forms.ModelChoiceField(queryset=Operation.objects.none(), label=_("Operation"))
    starts_on = forms.DateField(label=_("From"), widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("Until"), widget=DATE_INPUT)

    def __init__(self, data: Any = None, *, user: Any, **kwargs: Any):
        super().__init__(data, **kwargs)
        _limit(self.fields["unit"], Unit.objects.visible_to(user))
        _limit(self.fields["operation"], Operation.objects.visible_to(user))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The range ends before it starts."))
        return data
