"""Forms of the staff pages: they read and shape what a person typed; the rules live in sites.actions."""

from __future__ import annotations

import datetime as dt
from datetime import tzinfo
from typing import Any

import django_filters
from django import forms
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sites import choices
from sites.models import (
    Agency,
    Inspection,
    Operation,
    Phase,
    ProtectedSite,
    Scope,
    SiteContact,
    Unit,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def model_field(model: type[Model], name: str, **kwargs: Any) -> Any:
    """The form field Django makes for a model field: its label, choices and length limits."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.formfield(**kwargs)


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    """Units indented by their depth in the tree, so a long list still reads as Polda > Polres > Polsek."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u2002" * max(obj.depth, 0) + obj.name


def limit_choices(field: forms.Field, queryset: QuerySet[Any]) -> None:
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def visible_units(user: Any, *also: int | None) -> QuerySet[Unit]:
    """Units the user may pick: the ones they see, plus any already chosen (kept when unchanged)."""
    extra = [pk for pk in also if pk is not None]
    visible = Unit.objects.visible_to(user)
    if not extra:
        return visible
    return Unit.objects.filter(Q(pk__in=visible.values("pk")) | Q(pk__in=extra))


class CoordinateInput(forms.TextInput):
    # A text input, not a number one: many phone number pads have no minus sign, and most of
    # Indonesia lies south of the equator.
    def __init__(self) -> None:
        super().__init__(attrs={"autocomplete": "off", "inputmode": "text", "spellcheck": "false"})


class GeoJSONField(forms.JSONField):
    """GeoJSON typed or drawn into a textarea; no geometry shows as an empty box, not "null"."""

    def prepare_value(self, value: Any) -> Any:
        return "" if value is None else super().prepare_value(value)


# Sites -------------------------------------------------------------------------------------------

class ContactForm(forms.Form):
    name = model_field(SiteContact, "name")
    position = model_field(SiteContact, "position")
    phone = model_field(SiteContact, "phone", widget=forms.TelInput)


ContactFormSet = forms.formset_factory(ContactForm, extra=1, can_delete=True, max_num=30, validate_max=True)


class SiteForm(forms.Form):
    name = model_field(ProtectedSite, "name")
    kind = model_field(ProtectedSite, "kind")
    priority = model_field(ProtectedSite, "priority")
    unit = UnitChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none())
    agency = forms.ModelChoiceField(label=_("Owning agency"), queryset=Agency.objects.none(), required=False)
    time_zone = model_field(ProtectedSite, "time_zone")
    address = model_field(ProtectedSite, "address")
    latitude = forms.DecimalField(
        label=_("Latitude"), widget=CoordinateInput(),
        help_text=_("Negative south of the equator, e.g. -8.0983."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), widget=CoordinateInput(), help_text=_("Degrees east, e.g. 112.1686.")
    )
    perimeter = GeoJSONField(
        label=_("Perimeter (GeoJSON)"), required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false", "class": "mono"}),
        help_text=_("Drawn on the map; a GeoJSON Polygon in longitude, latitude order. Empty for none."),
    )
    notes = model_field(ProtectedSite, "notes", widget=forms.Textarea(attrs={"rows": 3}))

    # How the page lays the form out: location fields go with the map, long ones span the card.
    LOCATION_FIELDS = ("latitude", "longitude", "perimeter")
    WIDE_FIELDS = ("name", "address", "notes")

    def __init__(self, data: Any = None, *, user: Any, site: ProtectedSite | None = None, **kwargs: Any):
        if site is not None:
            kwargs.setdefault("initial", {name: getattr(site, name) for name in self.base_fields})
        super().__init__(data, **kwargs)
        limit_choices(self.fields["unit"], visible_units(user, site.unit_id if site else None))
        limit_choices(self.fields["agency"], Agency.objects.visible_to(user))
        contacts = [
            {"name": c.name, "position": c.position, "phone": c.phone} for c in site.contacts.all()
        ] if site is not None else []
        self.contacts = ContactFormSet(data, initial=contacts, prefix="contacts")

    def description_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.LOCATION_FIELDS]

    def is_valid(self) -> bool:
        site_valid = super().is_valid()
        contacts_valid = self.contacts.is_valid()
        return site_valid and contacts_valid

    def site_fields(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def contact_rows(self) -> list[dict[str, str]]:
        return [
            {name: form.cleaned_data[name] for name in ("name", "position", "phone")}
            for form in self.contacts.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time read and shown in a given zone (a site's), whatever the request's zone is."""

    zone: tzinfo = dt.UTC

    def to_python(self, value: Any) -> dt.datetime | None:
        with timezone.override(self.zone):
            return super().to_python(value)

    def prepare_value(self, value: Any) -> Any:
        with timezone.override(self.zone):
            return super().prepare_value(value)


class InspectionForm(forms.Form):
    """One result per standard checklist item; the time is entered in the site's own zone."""

    inspected_at = LocalDateTimeField(
        label=_("Inspected at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    notes = model_field(Inspection, "notes", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data: Any = None, *, zone: tzinfo, **kwargs: Any):
        super().__init__(data, **kwargs)
        field = self.fields["inspected_at"]
        assert isinstance(field, LocalDateTimeField)
        field.zone = zone
        for item in choices.ChecklistItem:
            self.fields[f"result_{item.value}"] = forms.ChoiceField(
                label=item.label, choices=[("", "---------"), *choices.ChecklistResult.choices]
            )
            note_label = _("Note on %(item)s") % {"item": item.label}
            self.fields[f"note_{item.value}"] = forms.CharField(
                label=note_label, max_length=255, required=False,
                widget=forms.TextInput(attrs={"aria-label": note_label}),
            )

    def item_rows(self) -> list[tuple[Any, forms.BoundField, forms.BoundField]]:
        return [
            (item.label, self[f"result_{item.value}"], self[f"note_{item.value}"]) for item in choices.ChecklistItem
        ]

    def results(self) -> dict[str, str]:
        return {item: self.cleaned_data[f"result_{item}"] for item in choices.ChecklistItem.values}

    def result_notes(self) -> dict[str, str]:
        return {item: self.cleaned_data[f"note_{item}"] for item in choices.ChecklistItem.values}


class UnitTreeFilter(django_filters.ModelChoiceFilter):
    field_class = UnitChoiceField


class SiteFilter(django_filters.FilterSet):
    """The site list's filters; the unit filter takes a unit and every unit below it."""

    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name"),
                                  widget=forms.SearchInput)
    kind = django_filters.ChoiceFilter(choices=choices.SiteKind.choices, label=_("Kind"),
                                       empty_label=_("All kinds"))
    unit = UnitTreeFilter(
        queryset=lambda request: Unit.objects.visible_to(request.user), method="filter_unit_tree",
        label=_("Unit"), empty_label=_("All units"),
    )
    priority = django_filters.ChoiceFilter(choices=choices.Priority.choices, label=_("Priority"),
                                           empty_label=_("All priorities"))

    class Meta:
        model = ProtectedSite
        fields = ["q", "kind", "unit", "priority"]

    def filter_unit_tree(self, queryset: QuerySet[ProtectedSite], name: str, value: Unit) -> QuerySet[ProtectedSite]:
        return queryset.filter(unit__path__startswith=value.path)


# Units and agencies ------------------------------------------------------------------------------

class UnitForm(forms.Form):
    name = model_field(Unit, "name")
    kind = model_field(Unit, "kind")
    parent = UnitChoiceField(label=_("Parent unit"), queryset=Unit.objects.none(), required=False)
    posko_name = model_field(Unit, "posko_name")
    posko_address = model_field(Unit, "posko_address")
    time_zone = model_field(Unit, "time_zone")

    def __init__(self, data: Any = None, *, user: Any, unit: Unit | None = None, **kwargs: Any):
        if unit is not None:
            kwargs.setdefault("initial", {name: getattr(unit, name) for name in self.base_fields})
        super().__init__(data, **kwargs)
        self.unit = unit
        limit_choices(self.fields["parent"], visible_units(user, unit.parent_id if unit else None))
        # Only an administrator may make a top-level unit (a Polda); others pick where it sits.
        self.fields["parent"].required = not Scope.of(user).everything

    def changes(self) -> dict[str, Any]:
        """The fields that differ from the unit's: an unchanged parent is not a move."""
        if self.unit is None:
            return dict(self.cleaned_data)
        return {name: self.cleaned_data[name] for name in self.changed_data}


class AgencyForm(forms.Form):
    name = model_field(Agency, "name")
    kind = model_field(Agency, "kind")
    level = model_field(Agency, "level")
    region = model_field(Agency, "region")
    address = model_field(Agency, "address")
    phone = model_field(Agency, "phone", widget=forms.TelInput)

    def __init__(self, data: Any = None, *, agency: Agency | None = None, **kwargs: Any):
        if agency is not None:
            kwargs.setdefault("initial", {name: getattr(agency, name) for name in self.base_fields})
        super().__init__(data, **kwargs)


# Operations --------------------------------------------------------------------------------------

class OperationForm(forms.Form):
    name = model_field(Operation, "name")
    election = model_field(Operation, "election")
    unit = UnitChoiceField(
        label=_("Running unit"), queryset=Unit.objects.none(), required=False,
        empty_label=_("None: a national operation"),
    )
    starts_on = model_field(Operation, "starts_on", widget=DATE_INPUT)
    ends_on = model_field(Operation, "ends_on", widget=DATE_INPUT)
    description = model_field(Operation, "description", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data: Any = None, *, user: Any, operation: Operation | None = None, **kwargs: Any):
        if operation is not None:
            kwargs.setdefault("initial", {name: getattr(operation, name) for name in self.base_fields})
        super().__init__(data, **kwargs)
        limit_choices(self.fields["unit"], visible_units(user, operation.unit_id if operation else None))
        # A national operation (no unit) is an administrator's to make.
        self.fields["unit"].required = not Scope.of(user).everything


class PhaseForm(forms.Form):
    kind = model_field(Phase, "kind")
    name = model_field(Phase, "name")
    starts_on = model_field(Phase, "starts_on", widget=DATE_INPUT)
    ends_on = model_field(Phase, "ends_on", widget=DATE_INPUT)
    security_level = model_field(Phase, "security_level")

    def __init__(self, data: Any = None, *, phase: Phase | None = None, **kwargs: Any):
        if phase is not None:
            kwargs.setdefault("initial", {name: getattr(phase, name) for name in self.base_fields})
        super().__init__(data, **kwargs)
