"""Which cameras are due, and claiming them so that each is checked once per cycle.

A claim is a conditional update: only rows still due and not leased get the new lease token, so
two beats (or two workers claiming for themselves) can never both win a camera. A worker that
dies leaves its lease to expire, after which the camera is due again. Claims are per polling
network (``Camera.poll_queue``), whose batches go to a worker inside that network.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import connection, transaction
from django.db.models import F, Min, Q, QuerySet
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


def due_queues(now: dt.datetime) -> list[str]:
    """The polling networks (``Camera.poll_queue``) that have due cameras, the one waiting longest first."""
    oldest = (due(now).values("poll_queue").annotate(oldest=Min("next_poll_at"))
              .order_by(F("oldest").asc(nulls_first=True), "poll_queue"))
    return [row["poll_queue"] for row in oldest]


def claim_due(limit: int, lease_s: int, now: dt.datetime | None = None, *, queue: str = "") -> tuple[str, list[int]]:
    """Lease up to ``limit`` due cameras of one polling network (``""``: the default), the most overdue
    first: (lease token, their ids)."""
    now = now or timezone.now()
    token = new_token()
    with transaction.atomic():
        candidates = due(now).filter(poll_queue=queue).order_by("next_poll_at", "pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True, of=("self",))
        ids = list(candidates.values_list("pk", flat=True)[:limit])
        if not ids:
            return token, []
        # Conditional: a row another claimer took since the read above is left alone, and so is one
        # moved to another network meanwhile (its worker claims it).
        due(now).filter(pk__in=ids, poll_queue=queue).update(
            lease_token=token, lease_until=now + dt.timedelta(seconds=lease_s))
    won = Camera.objects.filter(pk__in=ids, lease_token=token)  # by key: lease_token has no index
    return token, list(won.order_by("pk").values_list("pk", flat=True))


def claim_batches(batch_size: int, lease_s: int, max_batches: int, now: dt.datetime | None = None, *,
                  queue: str = "") -> list[tuple[str, list[int]]]:
    """Successive claims in one polling network until nothing is due or ``max_batches`` are out."""
    batches: list[tuple[str, list[int]]] = []
    while len(batches) < max_batches:
        token, ids = claim_due(batch_size, lease_s, now, queue=queue)
        if not ids:
            break
        batches.append((token, ids))
    return batches


def claim_across_queues(batch_size: int, lease_s: int, max_batches: int, now: dt.datetime | None = None) -> list[
    tuple[str, str, list[int]]
]:
    """Claims for every polling network with due cameras, ``max_batches`` in all: (queue, token, ids).

    One batch per network in turn, so a network with thousands of due cameras cannot take the whole
    budget while another waits; the network whose most overdue camera has waited longest goes first.
    """
    now = now or timezone.now()
    batches: list[tuple[str, str, list[int]]] = []
    queues = due_queues(now)
    while queues and len(batches) < max_batches:
        for queue in list(queues):
            if len(batches) >= max_batches:
                break
            token, ids = claim_due(batch_size, lease_s, now, queue=queue)
            if ids:
                batches.append((queue, token, ids))
            if len(ids) < batch_size:  # nothing more due there (or others claimed the rest)
                queues.remove(queue)
    return batches


def release(token: str) -> int:
    """Give back the cameras of a batch that will not be polled (a task that gave up)."""
    return Camera.objects.filter(lease_token=token).update(lease_token="", lease_until=None)
