"""The scoped viewset every app's API builds on."""

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from rest_framework import permissions, viewsets
from rest_framework.request import Request

from sites.models import Scope


def acting_user(request: Request) -> User:
    """The signed-in user behind a request (the default permission already refused anonymous ones)."""
    return cast(User, request.user)


class ScopedModelViewSet(viewsets.ModelViewSet):
    """Rows come only through the model's ``visible_to(user)``: missing and not-yours are both 404.

    Writes go through actions: subclasses override perform_create/update/destroy.
    """

    def get_queryset(self) -> QuerySet[Any]:
        return super().get_queryset().visible_to(self.request.user)  # type: ignore[attr-defined]

    @property
    def actor(self) -> User:
        return acting_user(self.request)


class MayEdit(permissions.BasePermission):
    """Operations staff and administrators: the roles that may change things at all (the actions
    still check the unit of each row)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return Scope.of(request.user).can_edit
