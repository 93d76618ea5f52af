"""Admin pages of the camera registry, scoped like the pages and the API; changes go through the actions.

Credentials are never shown here either: the form has no field for them, and the list says only
whether a camera has them.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from cameras.actions import registry as actions
from cameras.models import Camera
from sites.admin import ScopedAdmin


class CameraAdminForm(forms.ModelForm):
    class Meta:
        model = Camera
        fields = sorted(actions.CAMERA_FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            actions.clean_camera_fields({**cleaned, "source_kind": cleaned.get("source_kind")})
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        return cleaned


@admin.register(Camera)
class CameraAdmin(ScopedAdmin):
    form = CameraAdminForm
    list_display = ["name", "unit", "site", "agency", "source_kind", "status", "enabled", "has_credentials"]
    list_filter = ["status", "source_kind", "enabled", "private_area"]
    search_fields = ["name", "covers"]
    readonly_fields = ["status", "status_since", "last_checked_at", "last_seen_at", "last_error"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Camera]:
        return Camera.objects.listed_for(request.user).select_related("unit", "site", "agency")

    @admin.display(boolean=True, description="credentials")
    def has_credentials(self, obj: Camera) -> bool:
        return obj.has_credentials

    def save_model(self, request: HttpRequest, obj: Camera, form: forms.ModelForm[Any], change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in actions.CAMERA_FIELDS if name in form.cleaned_data}
        if change:
            actions.do_update_camera(request.user, Camera.objects.get(pk=obj.pk), **fields)
        else:
            obj.pk = actions.do_register_camera(request.user, **fields).pk

    def delete_model(self, request: HttpRequest, obj: Camera) -> None:
        actions.do_delete_camera(request.user, obj)
