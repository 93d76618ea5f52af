"""The scoped viewsets every app's API builds on."""

from typing import Any

from django.db.models import QuerySet
from rest_framework import viewsets


class ScopedViewSetMixin:
    """Rows come only through the model's ``visible_to(user)``: missing and not-yours are both 404."""

    queryset: QuerySet[Any]
    request: Any

    def get_queryset(self) -> QuerySet[Any]:
        return self.queryset.visible_to(self.request.user)  # type: ignore[attr-defined, no-any-return]


class ScopedModelViewSet(ScopedViewSetMixin, viewsets.ModelViewSet):  # type: ignore[type-arg]
    """Writes go through actions: subclasses override perform_create/update/destroy."""
