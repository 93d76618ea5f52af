"""Admin pages for units, agencies, memberships, operations and sites, scoped like every other view."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

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



@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    list_display = ["name", "kind", "parent", "posko_name", "time_zone"]
    list_filter = ["kind", "time_zone"]
    search_fields = ["name", "posko_name"]
    readonly_fields = ["path"]

    def save_model(self, request: HttpRequest, obj: Unit, form: ModelForm[Any], change: bool) -> None:
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        if change:
            actions.do_update_unit(request.user, Unit.objects.get(pk=obj.pk), **fields)
        else:
            created = actions.do_create_unit(request.user, **form.cleaned_data)
            obj.pk = created.pk


@admin.register(Agency)
class AgencyAdmin(ScopedAdmin):
    list_display = ["name", "kind", "level", "region"]
    list_filter = ["kind", "level"]
    search_fields = ["name", "region"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "agency"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    def save_model(self, request: HttpRequest, obj: Membership, form: ModelForm[Any], change: bool) -> None:
        actions.do_set_membership(obj.user, role=obj.role, unit=obj.unit, agency=obj.agency)


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


@admin.register(Operation)
class OperationAdmin(ScopedAdmin):
    list_display = ["name", "election", "unit", "starts_on", "ends_on"]
    list_filter = ["election"]
    inlines = [PhaseInline]


class SiteContactInline(admin.TabularInline):
    model = SiteContact
    extra = 0


@admin.register(ProtectedSite)
class ProtectedSiteAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "agency", "priority", "time_zone"]
    list_filter = ["kind", "priority", "time_zone"]
    search_fields = ["name", "address"]
    inlines = [SiteContactInline]

    def save_model(self, request: HttpRequest, obj: ProtectedSite, form: ModelForm[Any], change: bool) -> None:
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
