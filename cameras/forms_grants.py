"""Forms for access grants and the access-log filter: they shape what a person typed; the rules live in actions."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cameras.models import AccessGrant, AccessLogEntry, Camera
from sites.forms import DATE_INPUT, LocalDateTimeField, UnitChoiceField, model_field
from sites.models import Agency, Unit

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CameraCheckboxes(forms.CheckboxSelectMultiple):
    """Camera choices; a private-area camera is shown but cannot be ticked (it can never be granted)."""

    def create_option(self, name: str, value: Any, label: Any, selected: Any, index: int,
                      subindex: int | None = None, attrs: dict[str, Any] | None = None) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        camera = getattr(value, "instance", None)
        if isinstance(camera, Camera) and camera.private_area:
            option["attrs"]["disabled"] = True
        return option


class CameraChoiceField(forms.ModelMultipleChoiceField[Camera]):
    def label_from_instance(self, obj: Camera) -> str:
        where = obj.covers or (obj.site.name if obj.site is not None else "")
        label = f"{obj.name} — {where}" if where else obj.name
        if obj.private_area:
            return str(_("%(camera)s (private area: never granted)") % {"camera": label})
        return label


class GrantRequestForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Requesting unit"))
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.all(), label=_("Owning agency"),
        error_messages={"invalid_choice": _("Unknown agency: choose one from the list.")},
    )
    letter_number = model_field(AccessGrant, "letter_number")
    letter_date = model_field(AccessGrant, "letter_date", widget=DATE_INPUT)
    purpose = model_field(AccessGrant, "purpose", widget=forms.Textarea(attrs={"rows": 3}))
    valid_from = LocalDateTimeField(label=_("Valid from"), widget=DATETIME_INPUT)
    valid_until = LocalDateTimeField(label=_("Valid until"), widget=DATETIME_INPUT)
    cameras = CameraChoiceField(
        queryset=Camera.objects.none(), label=_("Cameras asked for"), widget=CameraCheckboxes,
        error_messages={"invalid_choice": _("Camera %(value)s is not one your unit may ask for.")},
    )

    def __init__(self, data: Any = None, *, user: Any, units: QuerySet[Unit], zone: str,
                 agency: Agency | None = None, **kwargs: Any):
        super().__init__(data, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = units
        zone_info = ZoneInfo(zone)
        for name in ("valid_from", "valid_until"):
            field = self.fields[name]
            assert isinstance(field, LocalDateTimeField)
            field.zone = zone_info
        cameras = Camera.objects.listed_for(user).filter(agency__isnull=False).select_related("site")
        if agency is not None:
            cameras = cameras.filter(agency=agency)
        camera_field = self.fields["cameras"]
        assert isinstance(camera_field, forms.ModelMultipleChoiceField)
        camera_field.queryset = cameras.order_by("name")


class ApproveForm(forms.Form):
    cameras = CameraChoiceField(queryset=Camera.objects.none(), label=_("Cameras granted"),
                                widget=CameraCheckboxes,
                                help_text=_("Untick the cameras you do not grant."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, data: Any = None, *, grant: AccessGrant, **kwargs: Any):
        super().__init__(data, **kwargs)
        field = self.fields["cameras"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = grant.requested_cameras.select_related("site").order_by("name")
        field.initial = [c.pk for c in field.queryset if not c.private_area]


class RejectForm(forms.Form):
    note = forms.CharField(label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 2}))


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason for revoking"), widget=forms.Textarea(attrs={"rows": 2}))


class AccessLogFilter(django_filters.FilterSet):
    """Filters for the access log page, its CSV export and the API (dates in the server's zone)."""

    camera = django_filters.ModelChoiceFilter(queryset=Camera.objects.none(), label=_("Camera"))
    user = django_filters.CharFilter(field_name="username", lookup_expr="icontains", label=_("User"))
    since = django_filters.DateFilter(method="filter_since", label=_("From"), widget=DATE_INPUT)
    until = django_filters.DateFilter(method="filter_until", label=_("Until"), widget=DATE_INPUT)
    allowed = django_filters.BooleanFilter(label=_("Allowed"))

    class Meta:
        model = AccessLogEntry
        fields = ["camera", "user", "since", "until", "allowed"]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if self.request is not None:
            self.filters["camera"].queryset = Camera.objects.listed_for(self.request.user).order_by("name")

    def filter_since(self, queryset: QuerySet[AccessLogEntry], name: str, value: dt.date) -> QuerySet[AccessLogEntry]:
        return queryset.filter(at__date__gte=value)

    def filter_until(self, queryset: QuerySet[AccessLogEntry], name: str, value: dt.date) -> QuerySet[AccessLogEntry]:
        return queryset.filter(at__date__lte=value)
