"""The one scoping rule of the patrols app: rows belong to a unit, seen from that unit and every unit above it."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models

from sites.models import Scope

Q = TypeVar("Q", bound=models.QuerySet[Any])


def by_unit(rows: Q, user: Any, unit_field: str) -> Q:
    """Rows whose ``unit_field`` (a path to a Unit) lies in the user's unit subtree; all for an administrator.

    Partner agencies see no personnel or rosters: those are the police's own.
    """
    scope = Scope.of(user)
    if scope.everything:
        return rows
    if scope.unit_path:
        return rows.filter(**{f"{unit_field}__path__startswith": scope.unit_path})
    return rows.none()
