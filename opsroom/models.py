"""The ops room's own data: the live event log that browsers catch up from."""

from __future__ import annotations

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from opsroom.live.audience import Audience
from sites.models import Scope


class LiveEventQuerySet(models.QuerySet["LiveEvent"]):
    def visible_to(self, user: Any) -> LiveEventQuerySet:
        return self.filter(Audience.of(Scope.of(user)).events_filter())


class LiveEvent(models.Model):
    """One announced domain event; its id is the sequence number clients keep as their cursor."""

    kind = models.CharField(max_length=60)
    # The announcing unit's path ("/1/5/12/") and owning agency: who may hear it (see Audience).
    unit_path = models.CharField(max_length=255, blank=True)
    agency_id = models.BigIntegerField(null=True, blank=True)
    # Heard by the units below unit_path too (see sites.events.DomainEvent.reaches_down).
    reaches_down = models.BooleanField(default=False)
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = LiveEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.unit_path}"

    def as_message(self) -> dict[str, Any]:
        """What a browser receives, over the socket or from the catch-up endpoint."""
        return {"seq": self.pk, "kind": self.kind, "payload": self.payload}
