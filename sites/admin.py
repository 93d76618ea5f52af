"""Admin pages for units, agencies, memberships, operations and sites, scoped like every other view.

Forms run the same checks as the actions, so a bad value is a form error, never a 500.
"""

from itertools import pairwise
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from sites import actions
from sites.models import (
    Agency,
    Inspection,
    InspectionResult,
    Membership,
    Operation,
    Phase,
    ProtectedSite,
    SiteContact,
    Unit,
)


class ScopedAdmin(admin.ModelAdmin):
    """Admin lists only the rows the user may see, like the pages and the API."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return self.model.objects.visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        related = db_field.related_model
        if hasattr(related.objects, "visible_to"):
            kwargs["queryset"] = related.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "parent", "posko_name", "posko_address", "time_zone"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "kind" in cleaned:
            actions.check_unit_parent(self.instance if self.instance.pk else None, cleaned["kind"],
                                      cleaned.get("parent"))
        return cleaned


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    form = UnitAdminForm
    list_display = ["name", "kind", "parent", "posko_name", "time_zone"]
    list_filter = ["kind", "time_zone"]
    search_fields = ["name", "posko_name"]

    def save_model(self, request: HttpRequest, obj: Unit, form: forms.ModelForm[Any], change: bool) -> None:
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data}
            actions.do_update_unit(request.user, Unit.objects.get(pk=obj.pk), **fields)
        else:
            obj.pk = actions.do_create_unit(request.user, **form.cleaned_data).pk


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    list_display = ["name", "kind", "level", "region"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "region"]


class MembershipAdminForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "role", "unit", "agency"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("user") and cleaned.get("role"):
            actions.check_membership(cleaned["role"], cleaned.get("unit"), cleaned.get("agency"))
        return cleaned


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = MembershipAdminForm
    list_display = ["user", "role", "unit", "agency"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def save_model(self, request: HttpRequest, obj: Membership, form: forms.ModelForm[Any], change: bool) -> None:
        actions.do_set_membership(obj.user, role=obj.role, unit=obj.unit, agency=obj.agency)


class PhaseFormSet(forms.BaseInlineFormSet):
    """Phases inside their operation's dates and not overlapping each other."""

    def clean(self) -> None:
        super().clean()
        operation = self.instance
        kept = [form.cleaned_data for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
        for data in kept:
            starts, ends = data.get("starts_on"), data.get("ends_on")
            if starts is None or ends is None or operation.starts_on is None or operation.ends_on is None:
                continue
            if starts < operation.starts_on or ends > operation.ends_on:
                raise ValidationError(
                    _("Phase %(start)s to %(end)s lies outside the operation (%(op_start)s to %(op_end)s)."),
                    params={"start": starts, "end": ends, "op_start": operation.starts_on,
                            "op_end": operation.ends_on},
                )
        spans = sorted((d["starts_on"], d["ends_on"]) for d in kept if d.get("starts_on") and d.get("ends_on"))
        for earlier, later in pairwise(spans):
            if later[0] <= earlier[1]:
                raise ValidationError(_("Two phases overlap around %(date)s."), params={"date": later[0]})


class PhaseInline(admin.TabularInline):
    model = Phase
    formset = PhaseFormSet
    extra = 0


@admin.register(Operation)
class OperationAdmin(ScopedAdmin):
    list_display = ["name", "election", "unit", "starts_on", "ends_on"]
    list_filter = ["election"]
    inlines = [PhaseInline]


class SiteContactInline(admin.TabularInline):
    model = SiteContact
    extra = 0


class ProtectedSiteAdminForm(forms.ModelForm):
    class Meta:
        model = ProtectedSite
        fields = ["name", "kind", "address", "latitude", "longitude", "perimeter", "unit", "agency",
                  "time_zone", "priority", "notes"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        checked = {name: cleaned[name] for name in ("latitude", "longitude", "perimeter", "kind", "time_zone")
                   if name in cleaned}
        if {"latitude", "longitude"} <= checked.keys():
            cleaned.update(actions.clean_site_fields(checked))
        return cleaned


@admin.register(ProtectedSite)
class ProtectedSiteAdmin(ScopedAdmin):
    form = ProtectedSiteAdminForm
    list_display = ["name", "kind", "unit", "agency", "priority", "time_zone"]
    list_filter = ["kind", "priority", "time_zone"]
    search_fields = ["name", "address"]
    inlines = [SiteContactInline]

    def save_model(self, request: HttpRequest, obj: ProtectedSite, form: forms.ModelForm[Any],
                   change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in form.cleaned_data if name in actions.SITE_FIELDS}
        if change:
            actions.do_update_site(request.user, ProtectedSite.objects.get(pk=obj.pk), **fields)
        else:
            obj.pk = actions.do_create_site(request.user, **fields).pk


class InspectionResultInline(admin.TabularInline):
    model = InspectionResult
    extra = 0


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ["site", "inspected_at", "inspector"]
    inlines = [InspectionResultInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Inspection]:
        return super().get_queryset(request).filter(site__in=ProtectedSite.objects.visible_to(request.user))
