"""Domain events: how an app announces what happened, after its transaction commits.

Lower apps call ``announce``; ``opsroom`` listens to ``domain_event`` and pushes to browsers.
Nothing here knows about sockets, so the dependency points one way.
"""

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.dispatch import Signal

# Sent with ``event=DomainEvent`` once the announcing transaction has committed.
domain_event = Signal()

SITE_CHANGED = "site.changed"
SITE_DELETED = "site.deleted"
UNIT_CHANGED = "unit.changed"


@dataclass(frozen=True)
class DomainEvent:
    kind: str
    # Who may hear it: users of this unit and of the units above it, and the owning agency.
    unit_path: str
    agency_id: int | None
    payload: dict[str, Any] = field(default_factory=dict)
    # Also heard by users of the units below unit_path: for what changes what they may see
    # (a grant to a Polres covers its Polsek too), not for ordinary news of the unit.
    reaches_down: bool = False


def announce(event: DomainEvent) -> None:
    """Send the event when the current transaction commits (at once outside a transaction)."""
    transaction.on_commit(lambda: domain_event.send(sender=DomainEvent, event=event), robust=True)


def site_payload(site: Any) -> dict[str, Any]:
    """What a map needs to draw or move a site's marker."""
    return {
        "id": site.pk,
        "name": site.name,
        "kind": site.kind,
        "latitude": float(site.latitude),
        "longitude": float(site.longitude),
        "priority": site.priority,
        "unit_id": site.unit_id,
        "agency_id": site.agency_id,
        "time_zone": site.time_zone,
    }


def site_changed(site: Any) -> None:
    announce(DomainEvent(SITE_CHANGED, site.unit.path, site.agency_id, site_payload(site)))


def site_deleted(site_id: int, unit_path: str, agency_id: int | None) -> None:
    announce(DomainEvent(SITE_DELETED, unit_path, agency_id, {"id": site_id}))
