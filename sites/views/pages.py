"""Staff pages for sites, operations and units."""

from typing import Any

from django.views.generic import ListView

from sites.models import Operation, ProtectedSite, Unit
from sites.views.base import ScopedViewMixin


class SiteListView(ScopedViewMixin, ListView):  # type: ignore[type-arg]
    model = ProtectedSite
    template_name = "sites/site_list.html"
    paginate_by = 100

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("unit", "agency")


class OperationListView(ScopedViewMixin, ListView):  # type: ignore[type-arg]
    model = Operation
    template_name = "sites/operation_list.html"

    def get_queryset(self) -> Any:
        return super().get_queryset().select_related("unit").prefetch_related("phases")


class UnitListView(ScopedViewMixin, ListView):  # type: ignore[type-arg]
    model = Unit
    template_name = "sites/unit_list.html"
