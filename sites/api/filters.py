"""Filters for the sites API."""

import django_filters
from django.db.models import QuerySet

from sites.models import ProtectedSite


class ProtectedSiteFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")
    unit_tree = django_filters.NumberFilter(method="filter_unit_tree", label="Unit and the units below it")

    class Meta:
        model = ProtectedSite
        fields = ["kind", "unit", "agency", "priority", "time_zone"]

    def filter_unit_tree(self, queryset: QuerySet[ProtectedSite], name: str, value: int) -> QuerySet[ProtectedSite]:
        return queryset.filter(unit__path__contains=f"/{int(value)}/")
