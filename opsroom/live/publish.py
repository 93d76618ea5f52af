"""From a domain event to the browsers: write the LiveEvent row, then push it to the channel layer.

Each message names the previous event sent to the same group (``prev``), so a client can tell a
message the channel layer dropped from one meant for someone else, and catch up from the database.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import threading
from collections.abc import Coroutine
from functools import cache
from typing import Any

import redis
from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from opsroom.live.audience import groups_for
from opsroom.models import LiveEvent
from sites.events import DomainEvent
from sites.models import Unit

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "live.event"
RETENTION = dt.timedelta(days=7)
# A stream head older than the retention points at an event no client can catch up to anyway.
HEAD_TTL_S = int(RETENTION.total_seconds())
HEAD_KEY = "opsroom:live:head:{group}"
# Any constant shared by every writer: pg_advisory_xact_lock's key for "writing a live event".
WRITER_LOCK_KEY = 0x4F505352
PUSH_TIMEOUT_S = 5.0


def on_domain_event(sender: Any, event: DomainEvent, **kwargs: Any) -> None:
    """Receiver of ``sites.events.domain_event``: record, then push once the row is committed."""
    below: list[int] = []
    if event.reaches_down and event.unit_path:
        below = list(Unit.objects.filter(path__startswith=event.unit_path).exclude(path=event.unit_path)
                     .values_list("pk", flat=True))
    groups = groups_for(event.unit_path, event.agency_id, below)
    row, heads = record(event, groups)
    transaction.on_commit(lambda: push(row, groups, heads), robust=True)


def record(event: DomainEvent, groups: list[str]) -> tuple[LiveEvent, dict[str, int | None]]:
    """Store the event and advance the head of each group it goes to; return the previous heads."""
    # Through JSON once, so the row and the pushed message carry the same plain values.
    payload = json.loads(json.dumps(event.payload, cls=DjangoJSONEncoder))
    with transaction.atomic():
        _serialize_writers()
        row = LiveEvent.objects.create(
            kind=event.kind, unit_path=event.unit_path, agency_id=event.agency_id, payload=payload,
            reaches_down=event.reaches_down,
        )
        heads = _advance_heads(groups, row.pk)
    return row, heads


def _serialize_writers() -> None:
    # Sequence numbers must become visible in the order they were given out: a client whose
    # cursor is N never later learns of an N-1 it skipped. SQLite's immediate transactions
    # already take turns; PostgreSQL hands out ids before commit, so writers take a lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK_KEY])


@cache
def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def _advance_heads(groups: list[str], seq: int) -> dict[str, int | None]:
    try:
        with _redis().pipeline(transaction=False) as pipe:
            for group in groups:
                pipe.set(HEAD_KEY.format(group=group), seq, ex=HEAD_TTL_S, get=True)
            previous = pipe.execute()
    except redis.RedisError:
        logger.warning("Live event %s: Redis unavailable; clients will catch up from the database", seq)
        return dict.fromkeys(groups)
    return {group: None if value is None else int(value) for group, value in zip(groups, previous, strict=True)}


def push(row: LiveEvent, groups: list[str], heads: dict[str, int | None]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    base = {"type": MESSAGE_TYPE, "seq": row.pk, "kind": row.kind, "unit_path": row.unit_path,
            "agency_id": row.agency_id, "reaches_down": row.reaches_down, "payload": row.payload}
    messages = [(group, {**base, "prev": heads.get(group)}) for group in groups]
    try:
        _push_loop.run(_send_all(layer, messages))
    except Exception:
        # At most once by design: the row is committed, and clients catch up from it.
        logger.exception("Live event %s could not be pushed", row.pk)


async def _send_all(layer: BaseChannelLayer, messages: list[tuple[str, dict[str, Any]]]) -> None:
    await asyncio.gather(*(layer.group_send(group, message) for group, message in messages))


class _PushLoop:
    """One event loop per process, in its own thread, for pushing from synchronous code.

    The channel layer keeps its Redis connections per event loop; ``async_to_sync`` would make a
    new loop, and so new connections, for every event (about 9 ms each instead of well under 1).
    Callers wait for their push, so the events of one process go out in order.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid: int | None = None

    def run(self, work: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(work, self._running_loop()).result(timeout=PUSH_TIMEOUT_S)

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            # A forked worker process inherits the loop but not the thread that runs it.
            if self._loop is None or self._pid != os.getpid():
                self._loop = asyncio.new_event_loop()
                self._pid = os.getpid()
                threading.Thread(target=self._loop.run_forever, name="opsroom-live-push", daemon=True).start()
            return self._loop


_push_loop = _PushLoop()


def latest_seq() -> int:
    """The newest sequence number, 0 before the first event: a cursor for a fresh snapshot."""
    return int(LiveEvent.objects.aggregate(latest=Max("id"))["latest"] or 0)


def prune(now: dt.datetime | None = None) -> int:
    """Delete events older than the retention, keeping the newest so cursors stay comparable."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _by_model = LiveEvent.objects.filter(created_at__lt=cutoff, id__lt=latest_seq()).delete()
    return deleted
