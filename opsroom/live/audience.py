"""Who hears a live event: the one place the live scoping rule is written.

Built on ``sites.models.Scope``: a police user hears events of their unit and the units below it,
a liaison hears events of their agency, an administrator hears everything. The socket consumer
checks ``admits`` on every message; the catch-up endpoint filters rows with ``events_filter``;
the publisher sends each event to ``groups_for`` it. Each audience listens on exactly one group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from sites.models import Scope

ALL_GROUP = "all"


def unit_group(unit_id: int) -> str:
    return f"unit-{unit_id}"


def agency_group(agency_id: int) -> str:
    return f"agency-{agency_id}"


def unit_ids(unit_path: str) -> list[int]:
    """"/1/5/12/" -> [1, 5, 12]: the unit and every unit above it."""
    return [int(part) for part in unit_path.strip("/").split("/") if part]


def prefixes(unit_path: str) -> list[str]:
    """"/1/5/12/" -> ["/1/", "/1/5/", "/1/5/12/"]: the paths of the unit and every unit above it."""
    parts = unit_path.strip("/").split("/") if unit_path.strip("/") else []
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def groups_for(unit_path: str, agency_id: int | None, below: Iterable[int] = ()) -> list[str]:
    """Every group whose audience admits an event of this unit path and agency.

    ``below``: the ids of the units under unit_path, for an event that reaches down.
    """
    groups = [ALL_GROUP, *(unit_group(unit_id) for unit_id in unit_ids(unit_path))]
    groups.extend(unit_group(unit_id) for unit_id in below)
    if agency_id is not None:
        groups.append(agency_group(agency_id))
    return groups


@dataclass(frozen=True)
class Audience:
    everything: bool
    unit_path: str | None
    agency_id: int | None

    @classmethod
    def of(cls, scope: Scope) -> Audience:
        return cls(everything=scope.everything, unit_path=scope.unit_path, agency_id=scope.agency_id)

    @property
    def group(self) -> str | None:
        """The one group this audience listens on; None for a user who may see nothing."""
        if self.everything:
            return ALL_GROUP
        if self.unit_path:
            return unit_group(unit_ids(self.unit_path)[-1])
        if self.agency_id is not None:
            return agency_group(self.agency_id)
        return None

    def admits(self, unit_path: str, agency_id: int | None, reaches_down: bool = False) -> bool:
        if self.everything:
            return True
        if self.unit_path and unit_path.startswith(self.unit_path):
            return True
        if reaches_down and self.unit_path and unit_path and self.unit_path.startswith(unit_path):
            return True
        return self.agency_id is not None and agency_id == self.agency_id

    def events_filter(self) -> Q:
        """``admits`` as a filter on LiveEvent rows (fields ``unit_path``, ``agency_id``, ``reaches_down``)."""
        if self.everything:
            return Q()
        admitted = Q(pk__in=[])
        if self.unit_path:
            admitted |= Q(unit_path__startswith=self.unit_path)
            admitted |= Q(reaches_down=True, unit_path__in=prefixes(self.unit_path))
        if self.agency_id is not None:
            admitted |= Q(agency_id=self.agency_id)
        return admitted
