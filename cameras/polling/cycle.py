"""Which cameras are due, and claiming them so that each is checked once per cycle.

A claim is a conditional update: only rows still due and not leased get the new lease token, so
two beats (or two workers claiming for themselves) can never both win a camera. A worker that
dies leaves its lease to expire, after which the camera is due again.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cameras.models import Camera


def due(now: dt.datetime) -> QuerySet[Camera]:
    return Camera.objects.filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now),
        Q(lease_until__isnull=True) | Q(lease_until__lte=now),
        enabled=True,
    )


def new_token() -> str:
    return uuid.uuid4().hex


def claim_due(limit: int, lease_s: int, now: dt.datetime | None = None) -> tuple[str, list[int]]:
    """Lease up to ``limit`` due cameras, the most overdue first: (lease token, their ids)."""
    now = now or timezone.now()
    token = new_token()
    with transaction.atomic():
        candidates = due(now).order_by("next_poll_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return token, []
        # Conditional: a row another claimer took since the read above is left alone.
        due(now).filter(pk__in=ids).update(lease_token=token, lease_until=now + dt.timedelta(seconds=lease_s))
    return token, list(Camera.objects.filter(lease_token=token).order_by("pk").values_list("pk", flat=True))


def claim_batches(batch_size: int, lease_s: int, max_batches: int, now: dt.datetime | None = None) -> list[
    tuple[str, list[int]]
]:
    """Successive claims until nothing is due or ``max_batches`` are out."""
    batches: list[tuple[str, list[int]]] = []
    while len(batches) < max_batches:
        token, ids = claim_due(batch_size, lease_s, now)
        if not ids:
            break
        batches.append((token, ids))
    return batches


def release(token: str) -> int:
    """Give back the cameras of a batch that will not be polled (a task that gave up)."""
    return Camera.objects.filter(lease_token=token).update(lease_token="", lease_until=None)
