"""Forms of the camera pages: they read and shape what a person typed; the rules live in cameras.actions."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cameras import choices
from cameras.actions.imports import read_camera_upload
from cameras.actions.registry import new_credentials
from cameras.models import Camera
from cameras.secrets import Credentials
from sites.actions_import import file_error_message
from sites.forms import CoordinateInput, UnitChoiceField, limit_choices, model_field, visible_units
from sites.importing import ImportFileError, Row
from sites.models import Agency, ProtectedSite, Unit


def visible_sites(user: Any) -> QuerySet[ProtectedSite]:
    return ProtectedSite.objects.visible_to(user).select_related("unit")


class CameraForm(forms.Form):
    name = model_field(Camera, "name")
    unit = UnitChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none())
    site = forms.ModelChoiceField(label=_("Site"), queryset=ProtectedSite.objects.none(), required=False,
                                  help_text=_("Empty for a city camera that watches a street, not one site."))
    agency = forms.ModelChoiceField(label=_("Owning agency"), queryset=Agency.objects.none(), required=False,
                                    help_text=_("Empty when the police unit owns the camera. The police see an "
                                                "agency's cameras only through an access grant."))
    source_kind = model_field(Camera, "source_kind")
    url = forms.CharField(label=_("URL"), max_length=500,
                          widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off",
                                                        "class": "mono"}),
                          help_text=_("http(s):// for a JPEG snapshot or an MJPEG stream, rtsp:// for RTSP. "
                                      "No user name or password in the URL: use the fields below."))
    username = forms.CharField(label=_("User name"), required=False, max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    # Never rendered back: not after saving, not after an error.
    password = forms.CharField(label=_("Password"), required=False, max_length=200, strip=False,
                               widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))
    clear_credentials = forms.BooleanField(label=_("Remove the stored credentials"), required=False)
    poll_queue = model_field(Camera, "poll_queue",
                             widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off",
                                                           "class": "mono"}))
    poll_interval_s = model_field(Camera, "poll_interval_s")
    covers = model_field(Camera, "covers")
    private_area = model_field(Camera, "private_area")
    enabled = model_field(Camera, "enabled")
    latitude = forms.DecimalField(label=_("Latitude"), required=False, widget=CoordinateInput())
    longitude = forms.DecimalField(label=_("Longitude"), required=False, widget=CoordinateInput())

    CREDENTIAL_FIELDS = ("username", "password", "clear_credentials")
    # How the camera is reached: its address, its credentials and the network it is polled from.
    SOURCE_FIELDS = ("source_kind", "url", *CREDENTIAL_FIELDS, "poll_queue")
    LOCATION_FIELDS = ("latitude", "longitude")

    def __init__(self, data: Any = None, *, user: Any, camera: Camera | None = None, **kwargs: Any):
        if camera is not None:
            kwargs.setdefault("initial", {
                name: getattr(camera, name) for name in self.base_fields if name not in self.CREDENTIAL_FIELDS
            })
        super().__init__(data, **kwargs)
        self.camera = camera
        limit_choices(self.fields["unit"], visible_units(user, camera.unit_id if camera else None))
        limit_choices(self.fields["site"], visible_sites(user))
        limit_choices(self.fields["agency"], Agency.objects.visible_to(user))
        if camera is None or not camera.has_credentials:
            del self.fields["clear_credentials"]
        else:
            self.fields["password"].help_text = _("Credentials are stored. Leave both fields empty to keep them.")

    def description_fields(self) -> list[forms.BoundField]:
        hidden = {*self.SOURCE_FIELDS, *self.LOCATION_FIELDS}
        return [self[name] for name in self.fields if name not in hidden]

    def source_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.SOURCE_FIELDS if name in self.fields]

    def location_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.LOCATION_FIELDS]

    def camera_fields(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name not in self.CREDENTIAL_FIELDS}

    def credentials(self) -> Credentials | None:
        return new_credentials(self.cleaned_data.get("username"), self.cleaned_data.get("password"))

    def clear_requested(self) -> bool:
        return bool(self.cleaned_data.get("clear_credentials"))


class CameraFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("Name contains"))
    site = django_filters.ModelChoiceFilter(label=_("Site"), queryset=ProtectedSite.objects.none())
    unit = django_filters.ModelChoiceFilter(label=_("Unit"), queryset=Unit.objects.none())
    agency = django_filters.ModelChoiceFilter(label=_("Owner"), queryset=Agency.objects.none(),
                                              null_label=_("Police"), null_value="police")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=choices.CameraStatus.choices)

    class Meta:
        model = Camera
        fields = ["q", "site", "unit", "agency", "status"]

    def __init__(self, *args: Any, request: Any, **kwargs: Any) -> None:
        super().__init__(*args, request=request, **kwargs)
        user = request.user
        self.filters["site"].queryset = visible_sites(user)
        self.filters["unit"].queryset = Unit.objects.visible_to(user)
        self.filters["agency"].queryset = Agency.objects.visible_to(user)


class CameraImportForm(forms.Form):
    unit = UnitChoiceField(label=_("Responsible unit"), queryset=Unit.objects.none(),
                           help_text=_("Every camera of the list is registered to this unit."))
    file = forms.FileField(label=_("List of cameras (CSV or XLSX)"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}))
    dry_run = forms.BooleanField(label=_("Check only: store nothing"), required=False)

    def __init__(self, data: Any = None, files: Any = None, *, user: Any, **kwargs: Any) -> None:
        super().__init__(data, files, **kwargs)
        limit_choices(self.fields["unit"], visible_units(user))

    def clean_file(self) -> list[Row]:
        try:
            return read_camera_upload(self.cleaned_data["file"])
        except ImportFileError as exc:
            raise forms.ValidationError(file_error_message(exc)) from exc
